/// Identifies an embedding space: vectors from different fingerprints must never be compared.
public struct EmbedderFingerprint: Sendable, Hashable, Codable, CustomStringConvertible {
    public var name: String
    public var version: String
    public var dimension: Int

    public init(name: String, version: String, dimension: Int) {
        self.name = name
        self.version = version
        self.dimension = dimension
    }

    /// `name@version/dimension`, e.g. `lexical@1/512`.
    public var description: String { "\(name)@\(version)/\(dimension)" }
}

/// Counts tokens the way an embedder will see them, so the chunker can respect its budget.
public protocol TokenCounter: Sendable {
    /// The number of model tokens `text` becomes, without special tokens.
    func tokenCount(_ text: String) -> Int
}

/// Turns texts into fixed-size vectors.
public protocol Embedder: Sendable {
    var fingerprint: EmbedderFingerprint { get }
    /// How many texts one call to `embed` should carry at most.
    var preferredBatchSize: Int { get }
    /// Counts tokens as this embedder will.
    var tokenCounter: any TokenCounter { get }
    /// Embeds `texts`, returning one L2-normalized vector per text, in order.
    func embed(_ texts: [String]) async throws -> [[Float]]
}

extension Embedder {
    /// Embeds any number of texts in batches of `preferredBatchSize`.
    public func embedAll(_ texts: [String], progress: (@Sendable (Int) -> Void)? = nil) async throws -> [[Float]] {
        var vectors: [[Float]] = []
        vectors.reserveCapacity(texts.count)
        var start = 0
        while start < texts.count {
            let end = min(start + max(1, preferredBatchSize), texts.count)
            vectors.append(contentsOf: try await embed(Array(texts[start..<end])))
            progress?(end)
            start = end
        }
        return vectors
    }

    /// Embeds one text.
    public func embed(_ text: String) async throws -> [Float] {
        try await embed([text])[0]
    }
}

/// A token count for when no model tokenizer is at hand: about what WordPiece gives for English prose.
///
/// Counts words and punctuation marks, and adds a piece for every 6 characters of a long word,
/// which tracks BERT's uncased WordPiece within about 10% on support articles.
public struct ApproximateTokenCounter: TokenCounter {
    public init() {}

    public func tokenCount(_ text: String) -> Int {
        // Counting runs over every chunk's text; a contiguous buffer makes the loop several times faster.
        var text = text
        return text.withUTF8(Self.tokenCount(utf8:))
    }

    /// The same count as "1 + (length - 1) / 6 per word, 1 per other visible byte", computed without
    /// branches: a word adds a token at its 1st, 7th, 13th ... byte. Word boundaries come every few bytes,
    /// and mispredicted branches on them were most of this loop's time.
    private static func tokenCount(utf8: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        // Position of the next byte within its word, modulo 6; 0 outside words.
        var phase = 0
        for byte in utf8 {
            let isDigit = byte &- 0x30 < 10
            let isLetter = (byte | 0x20) &- 0x61 < 26
            let word = (isDigit ? 1 : 0) | (isLetter ? 1 : 0) | (byte >= 0x80 ? 1 : 0)
            let visible = byte > 0x20 ? 1 : 0
            count &+= (word & (phase == 0 ? 1 : 0)) | ((1 &- word) & visible)
            phase = word * (phase == 5 ? 0 : phase &+ 1)
        }
        return count
    }
}
