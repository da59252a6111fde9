import Foundation
import SupportKit

/// A `VectorStore` held in memory: for per-conversation memory in evaluation runs and for tests.
public actor InMemoryVectorStore: VectorStore {
    private struct Collection {
        var spec: CollectionSpec
        var points: [UUID: Point] = [:]
    }

    private var collections: [String: Collection] = [:]

    public init() {}

    public func prepareCollection(_ spec: CollectionSpec) throws {
        if let existing = collections[spec.name] {
            try existing.spec.checkCompatible(with: spec)
        } else {
            collections[spec.name] = Collection(spec: spec)
        }
    }

    public func deleteCollection(_ name: String) {
        collections[name] = nil
    }

    public func collection(named name: String) -> CollectionSpec? {
        collections[name]?.spec
    }

    public func upsert(_ points: [Point], into collection: String) throws {
        guard var stored = collections[collection] else { throw SupportKitError.missingCollection(collection) }
        for point in points {
            try stored.spec.checkDimension(of: point.vector)
            stored.points[point.id] = point
        }
        collections[collection] = stored
    }

    public func search(_ vector: [Float], in collection: String, filter: Filter?, limit: Int) throws -> [ScoredPoint] {
        guard let stored = collections[collection] else { throw SupportKitError.missingCollection(collection) }
        try stored.spec.checkDimension(of: vector)
        var top = TopK<ScoredPoint, String>(limit: limit)
        for point in stored.points.values where filter?.matches(id: point.id, payload: point.payload) ?? true {
            let score = VectorMath.cosine(vector, point.vector)
            top.insert(ScoredPoint(id: point.id, score: score, payload: point.payload), score: score, key: point.id.uuidString)
        }
        return top.sorted()
    }

    public func delete(in collection: String, matching filter: Filter) throws {
        guard var stored = collections[collection] else { return }
        stored.points = stored.points.filter { !filter.matches(id: $0.key, payload: $0.value.payload) }
        collections[collection] = stored
    }

    public func scroll(
        _ collection: String, filter: Filter?, offset: UUID?, limit: Int, withVectors: Bool
    ) throws -> (points: [Point], next: UUID?) {
        guard let stored = collections[collection] else { throw SupportKitError.missingCollection(collection) }
        let matching = stored.points.values
            .filter { filter?.matches(id: $0.id, payload: $0.payload) ?? true }
            .sorted { $0.id.uuidString < $1.id.uuidString }
        let start = offset.map { offset in matching.firstIndex { $0.id.uuidString >= offset.uuidString } ?? matching.count } ?? 0
        let page = matching[start...].prefix(limit + 1)
        let next = page.count > limit ? page.last?.id : nil
        let points = page.prefix(limit).map { withVectors ? $0 : Point(id: $0.id, vector: [], payload: $0.payload) }
        return (Array(points), next)
    }

    public func count(in collection: String, filter: Filter?) throws -> Int {
        guard let stored = collections[collection] else { return 0 }
        guard let filter else { return stored.points.count }
        return stored.points.values.count { filter.matches(id: $0.id, payload: $0.payload) }
    }
}

extension SupportKitError {
    static func missingCollection(_ name: String) -> SupportKitError {
        SupportKitError(.invalidInput, "collection \"\(name)\" does not exist; run `supportkit ingest` first")
    }
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

    func checkDimension(of vector: [Float]) throws {
        guard vector.count == dimension else {
            throw SupportKitError(.invalidInput, "vector of dimension \(vector.count) does not fit collection \"\(name)\" (dimension \(dimension))")
        }
    }
}
