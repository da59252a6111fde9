/// A place in an input file, for messages a person can act on.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var path: String
    public var line: Int
    public var column: Int

    public init(path: String, line: Int = 1, column: Int = 1) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// `path:line:col`, or just `path` for a problem with the path itself (line 0).
    public var description: String { line == 0 ? path : "\(path):\(line):\(column)" }
}

/// A problem with one input (a document, a conversation, a settings file): where, which field, what is
/// wrong, and what to do about it.
///
/// Rendered as `path:line:col: field: problem; what to do`.
public struct InputError: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var location: SourceLocation
    public var field: String
    public var problem: String
    public var remedy: String

    public init(_ location: SourceLocation, field: String, problem: String, remedy: String) {
        self.location = location
        self.field = field
        self.problem = problem
        self.remedy = remedy
    }

    public var description: String { "\(location): \(field): \(problem); \(remedy)" }
}

/// Errors that are not about one input: configuration, infrastructure, mismatched embeddings.
public struct SupportKitError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure; decides the exit code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Bad usage or input (exit 2).
        public static let invalidInput = Code("invalid input")
        /// A store, model or service could not be reached or failed (exit 3).
        public static let unavailable = Code("unavailable")
        /// A collection holds vectors from another embedder (exit 2).
        public static let embedderMismatch = Code("embedder mismatch")
        /// Data on disk is not what it should be (exit 3).
        public static let corrupt = Code("corrupt data")
        /// The conversation has as many turns waiting as it may queue; retry after a reply (HTTP 409, exit 2).
        public static let busy = Code("busy")

        public var description: String { name }
    }

    public var code: Code
    /// What went wrong and what to do, one or two sentences.
    public var message: String
    /// The lower-level error, rendered; never contains secrets.
    public var underlying: String?

    public init(_ code: Code, _ message: String, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.underlying = underlying.map { Self.render($0) }
    }

    /// An underlying error as one short line: without the SQL statement a database error carries
    /// (`... - while executing \`SELECT ...\``), which says nothing to the person who has to act.
    public static func render(_ error: any Error) -> String {
        let text = String(describing: error)
        guard let range = text.range(of: " - while executing `") else { return text }
        return String(text[..<range.lowerBound])
    }

    public var description: String {
        if let underlying { return "\(message) (\(underlying))" }
        return message
    }

    /// The process exit code the CLI uses for this error.
    public var exitCode: Int32 {
        switch code {
        case .unavailable, .corrupt: 3
        default: 2
        }
    }
}
