import Foundation

/// How every `--json` result is written: one object, keys sorted (stable for scripts and golden files),
/// slashes unescaped. The result types live in the library that owns the data (`IngestOutput`,
/// `EvalOutput`, `ReplyOutput`, ...); the CLI only prints them.
public enum ResultJSON {
    /// The encoded object, without a trailing newline.
    ///
    /// - Throws: `EncodingError` when a value cannot be encoded (a non-finite number).
    public static func encode<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// The encoded object as text, for golden files and logs.
    public static func string<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try encode(value), as: UTF8.self)
    }
}

/// An input error as JSON: `{"path", "line", "column", "message"}` (ingest and eval results).
public struct InputErrorOutput: Encodable, Sendable, Hashable {
    /// The file.
    public var path: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int
    /// `field: problem; remedy`.
    public var message: String

    /// The JSON form of `error`.
    public init(_ error: InputError) {
        path = error.location.path
        line = error.location.line
        column = error.location.column
        message = "\(error.field): \(error.problem); \(error.remedy)"
    }
}
