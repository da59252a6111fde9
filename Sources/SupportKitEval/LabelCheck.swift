import Foundation
import SupportKit

/// Checks that a suite's labels agree with the classifier and the knowledge base (`eval --dry-run`): labels a
/// classifier can never predict, and expected categories that disagree with the expected article's own category.
/// Each finding is a warning at the turn, with what to change.
public enum LabelCheck {
    /// The findings for `suite`.
    ///
    /// - Parameters:
    ///   - suite: the loaded conversations.
    ///   - configured: the categories in supportkit.yaml.
    ///   - classifierIntents: the intents the classifier was trained on; nil when there is no classifier.
    ///   - classifierCategories: the categories the classifier can return; nil when there is no classifier.
    ///   - documentCategories: each ingested document's category, by id (`KnowledgeCatalog.categories`).
    /// - Returns: warnings, classifier-wide ones first, then per turn in suite order.
    public static func warnings(
        suite: EvalSuite, configured: CategorySet, classifierIntents: [String]?, classifierCategories: [String]?,
        documentCategories: [String: String]
    ) -> [InputError] {
        var warnings: [InputError] = []
        let settings = SourceLocation(path: "supportkit.yaml")
        if let classifierCategories {
            for category in classifierCategories where !configured.contains(category) {
                warnings.append(InputError(settings, field: "categories", problem: "the classifier returns category \"\(category)\", which is not configured (\(configured.listed))",
                                           remedy: "add it to `categories:` in supportkit.yaml, or retrain the classifier on the configured categories"))
            }
        }
        for conversation in suite.conversations {
            for (index, turn) in conversation.turns.enumerated() {
                let location = turn.location ?? conversation.location ?? SourceLocation(path: suite.files.first ?? "suite")
                if let intent = turn.expect.intent, let known = classifierIntents, !known.contains(intent) {
                    warnings.append(InputError(location, field: "turns[\(index)].expect.intent",
                                               problem: "the classifier never saw intent \"\(intent)\" in training, so this turn always misses it",
                                               remedy: "add training examples for \(intent) and run `supportkit train`, or relabel the turn"))
                }
                guard let category = turn.expect.category else { continue }
                if let known = classifierCategories, !known.isEmpty, !known.contains(category) {
                    warnings.append(InputError(location, field: "turns[\(index)].expect.category",
                                               problem: "the classifier never saw category \"\(category)\" (it knows \(known.joined(separator: ", ")))",
                                               remedy: "retrain the classifier with this category, or relabel the turn"))
                }
                for doc in turn.expect.docs ?? [] {
                    guard let own = documentCategories[doc], own != category else { continue }
                    warnings.append(InputError(location, field: "turns[\(index)].expect.category",
                                               problem: "expected category \"\(category)\", but the expected document \(doc) is in \"\(own)\"",
                                               remedy: "relabel the turn's category as \(own), or move the document's front matter to \(category)"))
                }
            }
        }
        return warnings
    }
}
