import Foundation
import SupportKit

extension SuiteLoader {
    static let conversationFields = ["id", "customer", "turns"]
    static let customerFields = ["id", "profile", "history"]
    static let historyFields = ["text", "intent", "category", "resolved"]
    static let turnFields = ["user", "expect"]
    static let agentFields = ["agent"]
    static let expectFields = ["intent", "category", "docs", "escalate", "answer", "small_talk", "out_of_scope"]
    static let answerFields = ["contains", "not_contains", "matches", "cites", "similar_to"]

    /// Builds a conversation from `node`, appending every problem found; nil when it cannot be used.
    func validateConversation(_ node: SuiteNode, problems: inout [InputError]) -> Conversation? {
        guard case .map = node else {
            problems.append(InputError(node.location, field: "conversation", problem: "expected a mapping, found \(node.kindName)",
                                       remedy: "write each conversation as a mapping with id, customer and turns"))
            return nil
        }
        let before = problems.count
        checkFields(node, allowed: Self.conversationFields, prefix: "", problems: &problems)
        let id = requiredText(node, "id", field: "id", remedy: "give every conversation a unique id", problems: &problems)
        let customer = validateCustomer(node["customer"], conversation: node, defaultId: id ?? "", problems: &problems)
        var turns: [Conversation.Turn] = []
        switch node["turns"] {
        case nil, .null?:
            problems.append(InputError(node.location, field: "turns", problem: "missing",
                                       remedy: "add a list of turns, each with a user message"))
        case .list(let items, let location)?:
            if items.isEmpty {
                problems.append(InputError(location, field: "turns", problem: "no turns",
                                           remedy: "add at least one turn with a user message"))
            }
            var sawUser = false
            for (index, item) in items.enumerated() {
                if item["agent"] != nil {
                    if item["user"] != nil { sawUser = true }
                    guard let message = validateAgent(item, index: index, followsUser: sawUser, problems: &problems) else { continue }
                    if !turns.isEmpty { turns[turns.count - 1].agentMessages.append(message) }
                    continue
                }
                sawUser = true
                if let turn = validateTurn(item, index: index, problems: &problems) { turns.append(turn) }
            }
            if !items.isEmpty, !sawUser {
                problems.append(InputError(location, field: "turns", problem: "only agent messages, no customer message",
                                           remedy: "add the customer's messages as \"- user:\" entries; agent messages are context, not turns"))
            }
        case let other?:
            problems.append(InputError(other.location, field: "turns", problem: "expected a list, found \(other.kindName)",
                                       remedy: "write turns as a list of items starting with \"- user:\""))
        }
        guard problems.count == before, let id, let customer else { return nil }
        return Conversation(id: id, customer: customer, turns: turns, location: node.location)
    }

    private func validateCustomer(
        _ node: SuiteNode?, conversation: SuiteNode, defaultId: String, problems: inout [InputError]
    ) -> Conversation.Customer? {
        // Without a customer block the conversation still runs, as an anonymous customer of its own.
        guard let node, !node.isNull else { return Conversation.Customer(id: "eval-" + defaultId) }
        guard case .map = node else {
            problems.append(InputError(node.location, field: "customer", problem: "expected a mapping, found \(node.kindName)",
                                       remedy: "write customer as a mapping with id, and optionally profile and history"))
            return nil
        }
        checkFields(node, allowed: Self.customerFields, prefix: "customer.", problems: &problems)
        guard let id = requiredText(node, "id", field: "customer.id", remedy: "name the customer (any stable id)", problems: &problems)
        else { return nil }
        var profile: [String: String] = [:]
        switch node["profile"] {
        case nil, .null?: break
        case .map(let pairs, _)?:
            for (key, value) in pairs {
                if let text = value.scalarText {
                    profile[key] = text
                } else {
                    problems.append(InputError(value.location, field: "customer.profile.\(key)",
                                               problem: "expected a single value, found \(value.kindName)",
                                               remedy: "profile values are free-form text such as \"premium\""))
                }
            }
        case let other?:
            problems.append(InputError(other.location, field: "customer.profile", problem: "expected a mapping, found \(other.kindName)",
                                       remedy: "write the profile as key: value pairs"))
        }
        var history: [Conversation.HistoryItem] = []
        switch node["history"] {
        case nil, .null?: break
        case .list(let items, _)?:
            for (index, item) in items.enumerated() {
                let field = "customer.history[\(index)]"
                guard case .map = item else {
                    problems.append(InputError(item.location, field: field, problem: "expected a mapping, found \(item.kindName)",
                                               remedy: "write each history item as {text: ..., category: ..., resolved: ...}"))
                    continue
                }
                checkFields(item, allowed: Self.historyFields, prefix: field + ".", problems: &problems)
                guard let text = requiredText(item, "text", field: field + ".text",
                                              remedy: "say what happened in the earlier interaction", problems: &problems)
                else { continue }
                let intent = optionalLabel(item, "intent", field: field + ".intent", allowed: configuration.intents,
                                           noun: "intent", problems: &problems)
                let category = optionalLabel(item, "category", field: field + ".category",
                                             allowed: configuration.categories.names, noun: "category", problems: &problems)
                let resolved = optionalBool(item, "resolved", field: field + ".resolved", problems: &problems) ?? true
                history.append(Conversation.HistoryItem(text: text, intent: intent, category: category, resolved: resolved))
            }
        case let other?:
            problems.append(InputError(other.location, field: "customer.history", problem: "expected a list, found \(other.kindName)",
                                       remedy: "write history as a list of earlier interactions"))
        }
        return Conversation.Customer(id: id, profile: profile, history: history)
    }

    private func validateTurn(_ node: SuiteNode, index: Int, problems: inout [InputError]) -> Conversation.Turn? {
        let prefix = "turns[\(index)]"
        guard case .map = node else {
            problems.append(InputError(node.location, field: prefix, problem: "expected a mapping, found \(node.kindName)",
                                       remedy: "write each turn as a mapping with user and expect"))
            return nil
        }
        checkFields(node, allowed: Self.turnFields, prefix: prefix + ".", problems: &problems)
        let before = problems.count
        let user = requiredText(node, "user", field: prefix + ".user", remedy: "write the customer's message", problems: &problems)
        if let user, user.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(InputError(node["user"]?.location ?? node.location, field: prefix + ".user", problem: "empty message",
                                       remedy: "write the customer's message or remove the turn"))
        }
        var expectation = Conversation.Expectation()
        switch node["expect"] {
        case nil, .null?: break
        case .map(_, _)?:
            guard let expect = node["expect"] else { break }
            let field = prefix + ".expect"
            checkFields(expect, allowed: Self.expectFields, prefix: field + ".", problems: &problems)
            expectation.intent = optionalLabel(expect, "intent", field: field + ".intent", allowed: configuration.intents,
                                               noun: "intent", problems: &problems)
            expectation.category = optionalLabel(expect, "category", field: field + ".category",
                                                 allowed: configuration.categories.names, noun: "category", problems: &problems)
            expectation.docs = validateDocs(expect["docs"], field: field + ".docs", problems: &problems)
            expectation.escalate = optionalBool(expect, "escalate", field: field + ".escalate", problems: &problems)
            expectation.answer = validateAnswer(expect["answer"], field: field + ".answer", problems: &problems)
            expectation.smallTalk = optionalBool(expect, "small_talk", field: field + ".small_talk", problems: &problems)
            expectation.outOfScope = optionalBool(expect, "out_of_scope", field: field + ".out_of_scope", problems: &problems)
        case let other?:
            problems.append(InputError(other.location, field: prefix + ".expect", problem: "expected a mapping, found \(other.kindName)",
                                       remedy: "write expect as {intent: ..., category: ..., docs: [...], escalate: ...}"))
        }
        guard problems.count == before, let user else { return nil }
        return Conversation.Turn(user: user, expect: expectation, location: node.location)
    }

    /// A logged agent message (`- agent: "..."`): text, alone in its entry, after a customer message.
    private func validateAgent(_ node: SuiteNode, index: Int, followsUser: Bool, problems: inout [InputError]) -> String? {
        let field = "turns[\(index)].agent"
        let location = node["agent"]?.location ?? node.location
        let before = problems.count
        if node["user"] != nil {
            problems.append(InputError(location, field: field, problem: "an entry holds both a user and an agent message",
                                       remedy: "split it into two entries: \"- user: ...\" for the customer, then \"- agent: ...\" for what the agent answered"))
            return nil
        } else if node["expect"] != nil {
            problems.append(InputError(node["expect"]?.location ?? location, field: "turns[\(index)].expect",
                                       problem: "an agent message is not scored, so it takes no expect",
                                       remedy: "move the expect to the customer turn it belongs to"))
        } else {
            checkFields(node, allowed: Self.agentFields, prefix: "turns[\(index)].", problems: &problems)
        }
        if !followsUser {
            problems.append(InputError(location, field: field, problem: "an agent message before the first customer message",
                                       remedy: "start the conversation with a \"- user:\" entry; an agent message stands in for the reply to the customer message before it"))
        }
        let text = requiredText(node, "agent", field: field, remedy: "write what the agent said", problems: &problems)
        if let text, text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            problems.append(InputError(location, field: field, problem: "empty message", remedy: "write what the agent said or remove the entry"))
        }
        guard problems.count == before, let text else { return nil }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `expect.answer`: `{contains, not_contains, matches, cites, similar_to}`; a regular expression that does not
    /// compile is an error here, not at run time.
    private func validateAnswer(_ node: SuiteNode?, field: String, problems: inout [InputError]) -> AnswerExpectation? {
        guard let node, !node.isNull else { return nil }
        guard case .map = node else {
            problems.append(InputError(node.location, field: field, problem: "expected a mapping, found \(node.kindName)",
                                       remedy: "write answer as {contains: [...], not_contains: [...], matches: \"...\", cites: [...], similar_to: \"...\"}"))
            return nil
        }
        checkFields(node, allowed: Self.answerFields, prefix: field + ".", problems: &problems)
        var answer = AnswerExpectation()
        answer.contains = phrases(node["contains"], field: field + ".contains", problems: &problems)
        answer.notContains = phrases(node["not_contains"], field: field + ".not_contains", problems: &problems)
        if let value = node["matches"], !value.isNull {
            if case .string(let pattern, let location) = value {
                do {
                    _ = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive])
                    answer.matches = pattern
                } catch {
                    problems.append(InputError(location, field: field + ".matches", problem: "not a valid regular expression",
                                               remedy: "fix the pattern (ICU syntax; in YAML double quotes write \\\\d for \\d)"))
                }
            } else {
                problems.append(InputError(value.location, field: field + ".matches", problem: "expected a regular expression, found \(value.kindName)",
                                           remedy: "write matches: \"within \\\\d+ minutes\""))
            }
        }
        answer.cites = validateDocs(node["cites"], field: field + ".cites", problems: &problems) ?? []
        if let value = node["similar_to"], !value.isNull {
            if let text = value.scalarText, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                answer.similarTo = text
            } else {
                problems.append(InputError(value.location, field: field + ".similar_to", problem: "expected a reference answer, found \(value.kindName)",
                                           remedy: "write the answer the reply should agree with as text"))
            }
        }
        return answer
    }

    /// A phrase or a list of phrases (`contains: "60 minutes"` is read as a one-element list).
    private func phrases(_ node: SuiteNode?, field: String, problems: inout [InputError]) -> [String] {
        guard let node, !node.isNull else { return [] }
        let items: [SuiteNode]
        switch node {
        case .list(let list, _): items = list
        default: items = [node]
        }
        var result: [String] = []
        for item in items {
            guard let text = item.scalarText, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                problems.append(InputError(item.location, field: field, problem: "expected a phrase, found \(item.kindName)",
                                           remedy: "write phrases as text, e.g. [\"60 minutes\", \"Order history\"]"))
                continue
            }
            result.append(text)
        }
        return result
    }

    private func validateDocs(_ node: SuiteNode?, field: String, problems: inout [InputError]) -> [String]? {
        guard let node, !node.isNull else { return nil }
        let items: [SuiteNode]
        switch node {
        case .list(let list, _): items = list
        case .string: items = [node]   // `docs: billing/refunds` is read as a one-element list
        default:
            problems.append(InputError(node.location, field: field, problem: "expected a list of document ids, found \(node.kindName)",
                                       remedy: "write docs as [category/document-id, ...]"))
            return nil
        }
        var ids: [String] = []
        for item in items {
            guard case .string(let id, _) = item, !id.isEmpty else {
                problems.append(InputError(item.location, field: field, problem: "expected a document id, found \(item.kindName)",
                                           remedy: "write document ids as text, e.g. billing/duplicate-charges"))
                continue
            }
            // An id the knowledge base lacks stays: the turn is scored as a retrieval miss (`kb_gap`), and
            // `SuiteLoader.load` warns about it, so a deleted article shows as a regression, not a smaller suite.
            if !ids.contains(id) { ids.append(id) }
        }
        return ids
    }

    // MARK: - Field helpers

    private func checkFields(_ node: SuiteNode, allowed: [String], prefix: String, problems: inout [InputError]) {
        guard case .map(let pairs, _) = node else { return }
        for (key, value) in pairs where !allowed.contains(key) {
            problems.append(InputError(value.location, field: prefix + key, problem: "unknown field",
                                       remedy: "expected one of \(allowed.joined(separator: ", "))"))
        }
    }

    private func requiredText(
        _ node: SuiteNode, _ key: String, field: String, remedy: String, problems: inout [InputError]
    ) -> String? {
        guard let value = node[key], !value.isNull else {
            problems.append(InputError(node.location, field: field, problem: "missing", remedy: remedy))
            return nil
        }
        // Numbers and booleans read as text as written: `id: 42`, `user: no`.
        guard let text = value.scalarText else {
            problems.append(InputError(value.location, field: field, problem: "expected text, found \(value.kindName)",
                                       remedy: remedy))
            return nil
        }
        return text
    }

    private func optionalLabel(
        _ node: SuiteNode, _ key: String, field: String, allowed: [String], noun: String, problems: inout [InputError]
    ) -> String? {
        guard let value = node[key], !value.isNull else { return nil }
        guard case .string(let label, let location) = value else {
            problems.append(InputError(value.location, field: field, problem: "expected a \(noun) name, found \(value.kindName)",
                                       remedy: "expected one of \(allowed.joined(separator: ", "))"))
            return nil
        }
        guard allowed.contains(label) else {
            problems.append(InputError(location, field: field, problem: "unknown \(noun) \"\(label)\"",
                                       remedy: "expected one of \(allowed.joined(separator: ", "))"))
            return nil
        }
        return label
    }

    private func optionalBool(_ node: SuiteNode, _ key: String, field: String, problems: inout [InputError]) -> Bool? {
        guard let value = node[key], !value.isNull else { return nil }
        guard case .bool(let flag, _, _) = value else {
            problems.append(InputError(value.location, field: field, problem: "expected true or false, found \(value.kindName)",
                                       remedy: "write true or false without quotes"))
            return nil
        }
        return flag
    }

    /// The known id nearest to `id` by edit distance, when it is close enough to be a likely typo.
    static func closest(to id: String, among known: Set<String>) -> String? {
        var best: (id: String, distance: Int)?
        for candidate in known {
            let distance = editDistance(id, candidate)
            if distance < (best?.distance ?? Int.max) || (distance == best?.distance && candidate < (best?.id ?? "")) {
                best = (candidate, distance)
            }
        }
        guard let best, best.distance <= max(2, id.count / 4) else { return nil }
        return best.id
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}

extension SuiteNode {
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}
