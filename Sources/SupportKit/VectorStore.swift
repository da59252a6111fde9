import Foundation

/// A JSON-like payload value, lossless both ways with VectorAI DB's `Value` message.
public enum PayloadValue: Sendable, Hashable, Codable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case list([PayloadValue])
    case object([String: PayloadValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Int64.self) { self = .integer(value) }
        else if let value = try? container.decode(Double.self) { self = .double(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([PayloadValue].self) { self = .list(value) }
        else { self = .object(try container.decode([String: PayloadValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .list(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var intValue: Int? {
        switch self {
        case .integer(let value): Int(value)
        case .double(let value): Int(value)
        default: nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        default: nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var stringList: [String]? {
        guard case .list(let values) = self else { return nil }
        return values.compactMap(\.stringValue)
    }
}

public typealias Payload = [String: PayloadValue]

/// A stored vector with its payload.
public struct Point: Sendable, Hashable {
    public var id: UUID
    public var vector: [Float]
    public var payload: Payload

    public init(id: UUID, vector: [Float], payload: Payload) {
        self.id = id
        self.vector = vector
        self.payload = payload
    }
}

/// A search hit.
public struct ScoredPoint: Sendable, Hashable {
    public var id: UUID
    public var score: Float
    public var payload: Payload

    public init(id: UUID, score: Float, payload: Payload) {
        self.id = id
        self.score = score
        self.payload = payload
    }
}

/// A payload condition: the field equals one of the values (for list fields: contains one of them).
public struct FieldMatch: Sendable, Hashable {
    public var key: String
    public var anyOf: [String]

    public init(key: String, anyOf: [String]) {
        self.key = key
        self.anyOf = anyOf
    }

    public init(_ key: String, _ value: String) {
        self.init(key: key, anyOf: [value])
    }
}

/// Payload filter in VectorAI DB's shape: all `must`, at least one `should` (when any), no `mustNot`.
public struct Filter: Sendable, Hashable {
    public var must: [FieldMatch]
    public var should: [FieldMatch]
    public var mustNot: [FieldMatch]
    /// Restricts to these point ids (`has_id`), when set.
    public var ids: Set<UUID>?

    public init(must: [FieldMatch] = [], should: [FieldMatch] = [], mustNot: [FieldMatch] = [], ids: Set<UUID>? = nil) {
        self.must = must
        self.should = should
        self.mustNot = mustNot
        self.ids = ids
    }

    /// Whether `payload` (of point `id`) passes this filter.
    public func matches(id: UUID, payload: Payload) -> Bool {
        if let ids, !ids.contains(id) { return false }
        for condition in must where !condition.matches(payload) { return false }
        for condition in mustNot where condition.matches(payload) { return false }
        if !should.isEmpty, !should.contains(where: { $0.matches(payload) }) { return false }
        return true
    }
}

extension FieldMatch {
    /// Whether `payload`'s value for `key` has one of `anyOf` among its `filterTexts`.
    public func matches(_ payload: Payload) -> Bool {
        guard let value = payload[key] else { return false }
        return value.filterTexts.contains(where: anyOf.contains)
    }
}

extension PayloadValue {
    /// The texts a `FieldMatch` compares with this value: a string itself, the strings of a list, an integer
    /// or Boolean as its text; nothing for other values.
    ///
    /// Stores index a declared key (`CollectionSpec.indexedKeys`) by exactly these texts, so that a filter
    /// answered from an index and one checked on the payload agree.
    public var filterTexts: [String] {
        switch self {
        case .string(let string): [string]
        case .list(let values): values.compactMap(\.stringValue)
        case .integer(let number): [String(number)]
        case .bool(let flag): [String(flag)]
        case .null, .double, .object: []
        }
    }
}

extension Payload {
    /// The distinct (key, text) pairs a store indexes for this payload under the declared `keys`.
    public func indexEntries(for keys: [String]) -> Set<IndexEntry> {
        var entries = Set<IndexEntry>()
        for key in keys {
            for text in self[key]?.filterTexts ?? [] { entries.insert(IndexEntry(key: key, value: text)) }
        }
        return entries
    }

    /// The text full-text search covers for the declared `keys`, in their order: a string as is, a list's
    /// strings joined by spaces, one line per key; nil when none of the keys holds text.
    public func fullText(for keys: [String]) -> String? {
        let parts = keys.compactMap { key -> String? in
            switch self[key] {
            case .string(let string): string
            case .list(let values): values.compactMap(\.stringValue).joined(separator: " ")
            default: nil
            }
        }
        return parts.isEmpty ? nil : parts.joined(separator: "\n")
    }
}

/// One indexed value of a point: the payload `key` and one of its `filterTexts`.
public struct IndexEntry: Sendable, Hashable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// How a collection compares vectors.
public enum Distance: String, Sendable, Codable {
    case cosine
}

/// A named set of points with one dimension and one embedding space, and the payload keys its store indexes.
///
/// The declared keys are a promise about cost, not meaning: a `Filter` on an undeclared key gives the same
/// points, only by checking every payload. `VectorStore.prepareCollection` records them, and re-indexes an
/// existing collection when they change.
public struct CollectionSpec: Sendable, Hashable {
    public var name: String
    public var dimension: Int
    public var distance: Distance
    /// The embedder whose vectors the collection holds; searches with another are refused.
    public var embedder: EmbedderFingerprint
    /// Payload keys whose values the store indexes for `Filter` conditions (string values, list elements, numbers and Booleans as their text).
    public var indexedKeys: [String]
    /// Payload keys whose text full-text search (`LexicalSearching`) covers, in this order (string or list of strings); empty: the collection has no full-text index.
    public var fullTextKeys: [String]

    /// - Parameters:
    ///   - name: the collection's name.
    ///   - dimension: the length of every vector.
    ///   - distance: how vectors compare; cosine.
    ///   - embedder: the embedder whose vectors the collection holds.
    ///   - indexedKeys: payload keys to index for filters; default none.
    ///   - fullTextKeys: payload keys full-text search covers, in order; default none (no full-text index).
    public init(
        name: String, dimension: Int, distance: Distance = .cosine, embedder: EmbedderFingerprint,
        indexedKeys: [String] = [], fullTextKeys: [String] = []
    ) {
        self.name = name
        self.dimension = dimension
        self.distance = distance
        self.embedder = embedder
        self.indexedKeys = indexedKeys
        self.fullTextKeys = fullTextKeys
    }

    /// Whether `other` declares other indexed or full-text keys than this spec. A spec that declares no keys
    /// at all (a caller that only needs the collection to exist) never changes an existing declaration.
    public func declaresOtherKeys(than other: CollectionSpec) -> Bool {
        guard !other.indexedKeys.isEmpty || !other.fullTextKeys.isEmpty else { return false }
        return indexedKeys != other.indexedKeys || fullTextKeys != other.fullTextKeys
    }
}

/// Storage for vectors with payloads: the embedded SQLite store, or VectorAI DB over gRPC.
///
/// The operations mirror VectorAI DB's Points and Collections services so that both stores behave alike.
public protocol VectorStore: Sendable {
    /// Creates the collection when missing; when it exists, checks its dimension and embedder and throws
    /// `SupportKitError.embedderMismatch` when they differ, then, when `spec` declares other indexed or
    /// full-text keys, records them and re-indexes the existing points.
    func prepareCollection(_ spec: CollectionSpec) async throws
    /// Drops the collection and all its points; nothing happens when it does not exist.
    func deleteCollection(_ name: String) async throws
    /// The collection's spec (with its declared keys), or nil when it does not exist.
    func collection(named name: String) async throws -> CollectionSpec?
    /// Inserts or replaces points by id, atomically per call.
    func upsert(_ points: [Point], into collection: String) async throws
    /// The `limit` points most similar to `vector` (cosine, best first) that pass `filter`.
    func search(_ vector: [Float], in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint]
    /// Deletes the points that pass `filter`.
    func delete(in collection: String, matching filter: Filter) async throws
    /// Points passing `filter`, ordered by id, `limit` at a time; pass the returned offset to continue.
    func scroll(
        _ collection: String, filter: Filter?, offset: UUID?, limit: Int, withVectors: Bool
    ) async throws -> (points: [Point], next: UUID?)
    /// How many points pass `filter`.
    func count(in collection: String, filter: Filter?) async throws -> Int
}

/// A store that can also rank by words (BM25), for hybrid retrieval.
public protocol LexicalSearching: Sendable {
    /// The `limit` best points for `query` by full-text rank, passing `filter`; higher score is better.
    ///
    /// Ranks the text of the collection's `CollectionSpec.fullTextKeys`, with statistics of that collection
    /// alone; a collection without full-text keys has no text to rank and gives no points.
    func lexicalSearch(_ query: String, in collection: String, filter: Filter?, limit: Int) async throws -> [ScoredPoint]
}

extension CollectionSpec {
    /// Throws when `other` asks for a different embedding space than this collection holds.
    public func checkCompatible(with other: CollectionSpec) throws {
        guard embedder == other.embedder, dimension == other.dimension else {
            throw SupportKitError(
                .embedderMismatch,
                "collection \"\(name)\" was embedded with \(embedder) but this run uses \(other.embedder); "
                    + "re-ingest with `--embedder \(other.embedder.name)` into a fresh store, "
                    + "or pass `--embedder \(embedder.name)` to use the existing vectors")
        }
    }

    /// Throws when `vector` does not have the collection's dimension.
    package func checkDimension(of vector: [Float]) throws {
        guard vector.count == dimension else {
            throw SupportKitError(.invalidInput, "vector of dimension \(vector.count) does not fit collection \"\(name)\" (dimension \(dimension))")
        }
    }
}

extension SupportKitError {
    /// A store was asked about a collection it does not hold.
    package static func missingCollection(_ name: String) -> SupportKitError {
        SupportKitError(.invalidInput, "collection \"\(name)\" does not exist; run `supportkit ingest` first")
    }
}
