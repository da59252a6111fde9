import Foundation
import SupportKit

/// A `VectorStore` held in memory: for per-conversation memory in evaluation runs and for tests.
///
/// Keeps, per declared key (`CollectionSpec.indexedKeys`), the points of each value, so that a filtered
/// search, scroll or count touches only the points it can match: one customer's memory, not everyone's.
public actor InMemoryVectorStore: VectorStore {
    private struct Collection {
        var spec: CollectionSpec
        var points: [UUID: Point] = [:]
        /// Per indexed key, per value text: the ids of the points that have it.
        var postings: [String: [String: Set<UUID>]] = [:]

        init(spec: CollectionSpec) {
            self.spec = spec
        }

        mutating func insert(_ point: Point) {
            if let old = points[point.id] { unpost(old) }
            points[point.id] = point
            for entry in point.payload.indexEntries(for: spec.indexedKeys) {
                postings[entry.key, default: [:]][entry.value, default: []].insert(point.id)
            }
        }

        mutating func remove(_ id: UUID) {
            guard let old = points.removeValue(forKey: id) else { return }
            unpost(old)
        }

        private mutating func unpost(_ point: Point) {
            for entry in point.payload.indexEntries(for: spec.indexedKeys) {
                postings[entry.key]?[entry.value]?.remove(point.id)
                if postings[entry.key]?[entry.value]?.isEmpty == true { postings[entry.key]?[entry.value] = nil }
            }
        }

        /// Takes `spec`'s declaration and rebuilds the postings for it.
        mutating func redeclare(_ spec: CollectionSpec) {
            self.spec = spec
            let all = points.values
            points = [:]
            postings = [:]
            for point in all { insert(point) }
        }

        /// The points `filter` can match, from its ids and its `must` conditions on indexed keys (the
        /// smallest of those sets, still to be checked against the whole filter); nil when it narrows nothing.
        func candidates(_ filter: Filter?) -> [Point]? {
            guard let filter else { return nil }
            var narrowest: Set<UUID>?
            if let ids = filter.ids { narrowest = ids }
            for condition in filter.must where spec.indexedKeys.contains(condition.key) {
                let byValue = postings[condition.key] ?? [:]
                var ids = Set<UUID>()
                for value in condition.anyOf { ids.formUnion(byValue[value] ?? []) }
                if ids.count < narrowest?.count ?? .max { narrowest = ids }
            }
            return narrowest.map { $0.compactMap { points[$0] } }
        }

        /// The points passing `filter` (all when nil), in no particular order.
        func matching(_ filter: Filter?) -> [Point] {
            let pool = candidates(filter) ?? Array(points.values)
            guard let filter else { return pool }
            return pool.filter { filter.matches(id: $0.id, payload: $0.payload) }
        }
    }

    private var collections: [String: Collection] = [:]

    public init() {}

    public func prepareCollection(_ spec: CollectionSpec) throws {
        if let existing = collections[spec.name] {
            try existing.spec.checkCompatible(with: spec)
            if existing.spec.declaresOtherKeys(than: spec) { collections[spec.name]?.redeclare(spec) }
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
        guard let spec = collections[collection]?.spec else { throw SupportKitError.missingCollection(collection) }
        // Check every point first: a call is all or nothing, as in the other stores.
        for point in points { try spec.checkDimension(of: point.vector) }
        for point in points { collections[collection]?.insert(point) }
    }

    public func search(_ vector: [Float], in collection: String, filter: Filter?, limit: Int) throws -> [ScoredPoint] {
        guard let stored = collections[collection] else { throw SupportKitError.missingCollection(collection) }
        try stored.spec.checkDimension(of: vector)
        var top = TopK<ScoredPoint, PointOrder>(limit: limit)
        for point in stored.matching(filter) {
            let score = VectorMath.cosine(vector, point.vector)
            top.insert(ScoredPoint(id: point.id, score: score, payload: point.payload), score: score, key: PointOrder(point.id))
        }
        return top.sorted()
    }

    public func delete(in collection: String, matching filter: Filter) throws {
        // Ids first, with no copy of the collection held: removing then mutates the stored one in place.
        guard let ids = collections[collection]?.matching(filter).map(\.id) else { return }
        for id in ids { collections[collection]?.remove(id) }
    }

    public func scroll(
        _ collection: String, filter: Filter?, offset: UUID?, limit: Int, withVectors: Bool
    ) throws -> (points: [Point], next: UUID?) {
        guard let stored = collections[collection] else { throw SupportKitError.missingCollection(collection) }
        // Sorts what the filter's indexes leave, not the collection (all of it only without an indexed condition).
        let start = offset.map(PointOrder.init)
        let matching = stored.matching(filter)
            .filter { point in start.map { PointOrder(point.id) >= $0 } ?? true }
            .sorted { PointOrder($0.id) < PointOrder($1.id) }
        let page = matching.prefix(limit + 1)
        let next = page.count > limit ? page.last?.id : nil
        let points = page.prefix(limit).map { withVectors ? $0 : Point(id: $0.id, vector: [], payload: $0.payload) }
        return (Array(points), next)
    }

    public func count(in collection: String, filter: Filter?) throws -> Int {
        guard let stored = collections[collection] else { return 0 }
        guard let filter else { return stored.points.count }
        return stored.matching(filter).count
    }
}
