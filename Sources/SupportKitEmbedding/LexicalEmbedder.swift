import SupportKit

/// A lexical baseline: feature hashing of words, word bigrams and character n-grams.
///
/// It matches on shared surface forms, not on meaning: "can't log in" finds articles that say
/// "log in", not ones that only say "sign in". It needs no model and is fully deterministic, which makes it
/// the reference to beat and a fast choice for tests. Term weights are sublinear (1 + ln tf), each feature
/// lands in one of `dimension` buckets with a hash-derived sign (so collisions cancel instead of pile up),
/// and vectors are L2-normalized.
public struct LexicalEmbedder: Embedder {
    public let dimension: Int
    public let fingerprint: EmbedderFingerprint
    public let preferredBatchSize = 256
    public let tokenCounter: any TokenCounter = ApproximateTokenCounter()

    /// - Parameter dimension: the number of hash buckets (a power of two is not required).
    public init(dimension: Int = 1024) {
        self.dimension = dimension
        self.fingerprint = EmbedderFingerprint(name: "lexical", version: "1", dimension: dimension)
    }

    public func embed(_ texts: [String]) async throws -> [[Float]] {
        texts.map(vector(for:))
    }

    /// The vector for one text; synchronous because it is pure arithmetic.
    public func vector(for text: String) -> [Float] {
        var counts: [UInt64: Float] = [:]
        let words = Self.words(in: text)
        var previous: [UInt8]? = nil
        for word in words {
            let isStopword = Self.stopwords.contains(word)
            if !isStopword {
                counts[Self.fnv1a(word, seed: 0x77), default: 0] += 1
                // Character n-grams of the padded word tolerate inflection: refund/refunds/refunded.
                let padded: [UInt8] = [0x3C] + word + [0x3E]
                if padded.count > 4 {
                    for n in 3...4 where padded.count >= n {
                        for start in 0...(padded.count - n) {
                            counts[Self.fnv1a(padded[start..<(start + n)], seed: UInt64(n)), default: 0] += 0.5
                        }
                    }
                }
            }
            if let previous, !(isStopword && Self.stopwords.contains(previous)) {
                counts[Self.fnv1a(previous + [0x20] + word, seed: 0xB1), default: 0] += 1
            }
            previous = word
        }
        var vector = [Float](repeating: 0, count: dimension)
        for (hash, count) in counts {
            let bucket = Int(hash % UInt64(dimension))
            let sign: Float = (hash >> 63) == 0 ? 1 : -1
            vector[bucket] += sign * (1 + logf(count))
        }
        var squared: Float = 0
        for value in vector { squared += value * value }
        if squared > 0 {
            let scale = 1 / squared.squareRoot()
            for index in vector.indices { vector[index] *= scale }
        }
        return vector
    }

    /// Lower-cased ASCII words and digit runs; other scripts pass through byte-wise as word characters.
    static func words(in text: String) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case 0x41...0x5A: current.append(byte + 0x20)
            case 0x61...0x7A, 0x30...0x39, 0x80...: current.append(byte)
            case 0x27 where !current.isEmpty: continue  // can't -> cant
            default:
                if !current.isEmpty { words.append(current); current.removeAll(keepingCapacity: true) }
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    static func fnv1a<C: Collection>(_ bytes: C, seed: UInt64) -> UInt64 where C.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ seed
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x100_0000_01b3
        }
        // A final avalanche so that the low bits (the bucket) depend on every byte.
        hash ^= hash >> 33
        hash &*= 0xff51_afd7_ed55_8ccd
        hash ^= hash >> 33
        return hash
    }

    static let stopwords: Set<[UInt8]> = Set(
        ("a an and are as at be by can do does for from has have how i if in is it its me my of on or our so "
            + "that the their them there this to was we what when where which who why will with you your")
            .split(separator: " ").map { Array($0.utf8) })
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
