/// A setting whose value is one word of a fixed set (`kind: llm`, `method: combined`): decoding a word that is not
/// one of them fails with the allowed words, `"poetic" is not one of extractive, llm`, which the settings reader
/// reports at the file, line and column.
public protocol SettingChoice: RawRepresentable, CaseIterable, Codable, Sendable, Hashable where RawValue == String {}

extension SettingChoice {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let word = try container.decode(String.self)
        guard let value = Self(rawValue: word) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(word)\" is not one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = value
    }
}
