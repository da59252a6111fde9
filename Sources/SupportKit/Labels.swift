/// The document categories a deployment knows. Configurable; defaults to account, orders, billing.
public struct CategorySet: Sendable, Hashable, Codable {
    public var names: [String]

    public init(_ names: [String]) { self.names = names }

    public static let `default` = CategorySet(["account", "orders", "billing"])

    public func contains(_ name: String) -> Bool { names.contains(name) }

    /// `account, orders, billing`, for messages.
    public var listed: String { names.joined(separator: ", ") }
}

/// The default intents of the support assistant; any other label set works too.
public enum DefaultIntent {
    public static let question = "question"
    public static let problem = "problem"
    public static let action = "action"
    public static let feedback = "feedback"
    public static let escalate = "escalate"
    public static let all = [question, problem, action, feedback, escalate]
}
