/// A setting that takes one text or a list of them (`include: docs/**` or `include: [docs/**, faq/**]`).
public struct TextList: Codable, Sendable, Hashable, ExpressibleByArrayLiteral {
    /// The texts, in the order written.
    public var values: [String]

    /// The texts `values`.
    public init(_ values: [String]) { self.values = values }

    public init(arrayLiteral elements: String...) { values = elements }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let one = try? container.decode(String.self) {
            values = [one]
        } else {
            values = try container.decode([String].self)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(values)
    }
}
