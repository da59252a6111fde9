import Foundation
import GRDB
import SupportKit

/// One collection's vectors as a contiguous row-normalized matrix, with ids, payloads and postings alongside.
///
/// The index follows this process's writes in place (`apply`, `remove`): the store keeps it inside a
/// `Mutex`, where its arrays are uniquely referenced, so a write costs what it touches rather than a copy of
/// the collection; only a search holding a snapshot at that moment makes the write copy. Rows have no
/// meaningful order (removal moves the last row into the gap), so ties between equal scores go to the
/// smaller point id, which a fresh load from disk and an index that followed the writes agree on.
struct VectorIndex: Sendable {
    private(set) var revision: Int
    let dimension: Int
    /// The collection's `CollectionSpec.indexedKeys`: the keys `postings` covers.
    let indexedKeys: [String]
    private(set) var ids: [UUID]
    private(set) var payloads: [Payload]
    /// `ids.count` rows of `dimension` floats, each of unit length (or zero).
    private(set) var matrix: [Float]
    private(set) var rowByID: [UUID: Int]
    /// Per indexed key, per value text: the rows whose payload has it, so that a filtered search scores only those.
    private(set) var postings: [String: [String: Set<Int>]]

    init(revision: Int, dimension: Int, indexedKeys: [String]) {
        self.revision = revision
        self.dimension = dimension
        self.indexedKeys = indexedKeys
        ids = []
        payloads = []
        matrix = []
        rowByID = [:]
        postings = [:]
    }

    /// Reads the collection's points, revision and declared keys in one read transaction, so the revision
    /// names exactly the content loaded.
    static func load(collection: String, _ db: Database) throws -> VectorIndex? {
        guard let stored = try StoredCollection.fetch(collection, db) else { return nil }
        var index = VectorIndex(revision: stored.revision, dimension: stored.spec.dimension, indexedKeys: stored.spec.indexedKeys)
        let dimension = index.dimension
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM points WHERE collection = ?", arguments: [collection]) ?? 0
        index.ids.reserveCapacity(count)
        index.payloads.reserveCapacity(count)
        index.matrix.reserveCapacity(count * dimension)
        index.rowByID.reserveCapacity(count)
        let decoder = JSONDecoder()
        // The blob's bytes need not be aligned for Float: copied into this buffer first.
        var vector = [Float](repeating: 0, count: dimension)
        let rows = try Row.fetchCursor(db, sql: "SELECT id, vector, payload FROM points WHERE collection = ? ORDER BY id", arguments: [collection])
        while let record = try rows.next() {
            guard let id = UUID(uuidString: record["id"]) else { continue }
            let payload = try decoder.decode(Payload.self, from: record.dataNoCopy(named: "payload") ?? Data())
            let row = index.ids.count
            index.matrix.append(contentsOf: repeatElement(0, count: dimension))
            if let blob = record.dataNoCopy(named: "vector"), blob.count == dimension * MemoryLayout<Float>.size {
                _ = vector.withUnsafeMutableBytes { blob.copyBytes(to: $0) }
                vector.withUnsafeBufferPointer { index.setRow(row, to: $0) }
            }
            index.ids.append(id)
            index.payloads.append(payload)
            index.rowByID[id] = row
            index.post(payload, row: row)
        }
        return index
    }

    /// Inserts or replaces `points` (of this index's dimension) and moves to `revision`.
    mutating func apply(_ points: [Point], revision: Int) {
        for point in points where point.vector.count == dimension {
            let row: Int
            if let existing = rowByID[point.id] {
                row = existing
                unpost(payloads[row], row: row)
                payloads[row] = point.payload
            } else {
                row = ids.count
                rowByID[point.id] = row
                ids.append(point.id)
                payloads.append(point.payload)
                matrix.append(contentsOf: repeatElement(0, count: dimension))
            }
            point.vector.withUnsafeBufferPointer { setRow(row, to: $0) }
            post(point.payload, row: row)
        }
        self.revision = revision
    }

    /// Removes the rows of `removed` and moves to `revision`; each gap is filled by the last row.
    mutating func remove(_ removed: Set<UUID>, revision: Int) {
        for id in removed {
            guard let row = rowByID.removeValue(forKey: id) else { continue }
            unpost(payloads[row], row: row)
            let last = ids.count - 1
            if row != last {
                let moved = ids[last]
                unpost(payloads[last], row: last)
                ids[row] = moved
                payloads[row] = payloads[last]
                rowByID[moved] = row
                matrix.withUnsafeMutableBufferPointer { buffer in
                    for index in 0..<dimension { buffer[row * dimension + index] = buffer[last * dimension + index] }
                }
                post(payloads[row], row: row)
            }
            ids.removeLast()
            payloads.removeLast()
            matrix.removeLast(dimension)
        }
        self.revision = revision
    }

    /// Writes `vector` scaled to unit length into `row`; one routine for loads and writes, so that both give
    /// the same floats and hence the same scores.
    private mutating func setRow(_ row: Int, to vector: UnsafeBufferPointer<Float>) {
        var squared: Float = 0
        for index in 0..<dimension { squared += vector[index] * vector[index] }
        let scale: Float = squared > 0 ? 1 / squared.squareRoot() : 0
        let dimension = dimension
        matrix.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<dimension { buffer[row * dimension + index] = vector[index] * scale }
        }
    }

    private mutating func post(_ payload: Payload, row: Int) {
        for entry in payload.indexEntries(for: indexedKeys) {
            postings[entry.key, default: [:]][entry.value, default: []].insert(row)
        }
    }

    private mutating func unpost(_ payload: Payload, row: Int) {
        for entry in payload.indexEntries(for: indexedKeys) {
            postings[entry.key]?[entry.value]?.remove(row)
            if postings[entry.key]?[entry.value]?.isEmpty == true { postings[entry.key]?[entry.value] = nil }
        }
    }

    func payload(of id: UUID) -> Payload? {
        rowByID[id].map { payloads[$0] }
    }

    /// How many points match `condition`; nil when its key is not indexed.
    func postingSize(_ condition: FieldMatch) -> Int? {
        guard indexedKeys.contains(condition.key) else { return nil }
        let byValue = postings[condition.key] ?? [:]
        return condition.anyOf.reduce(0) { $0 + (byValue[$1]?.count ?? 0) }
    }

    /// The rows a filter can match, from its ids and its `must` conditions on indexed keys (the smallest of
    /// those sets); nil when the filter narrows nothing and every row is a candidate.
    ///
    /// Sizes are compared before any set is built: a broad condition such as `kind = interaction` holds nearly
    /// every row, and building it (or a union with it) per search would cost the collection's size.
    func candidateRows(_ filter: Filter?) -> Set<Int>? {
        guard let filter else { return nil }
        var narrowestCondition: FieldMatch?
        var narrowestCount = Int.max
        for condition in filter.must {
            if let count = postingSize(condition), count < narrowestCount {
                narrowestCondition = condition
                narrowestCount = count
            }
        }
        if let ids = filter.ids, ids.count < narrowestCount {
            return Set(ids.compactMap { rowByID[$0] })
        }
        guard let narrowestCondition else { return nil }
        let byValue = postings[narrowestCondition.key] ?? [:]
        let narrowest = narrowestCondition.anyOf.compactMap { byValue[$0] }
        // One value: the posting set itself, shared, not copied.
        if narrowest.count == 1 { return narrowest[0] }
        return narrowest.reduce(into: Set<Int>()) { $0.formUnion($1) }
    }

    /// The points passing `filter`, in id order (as SQL orders the text ids), from `offset` on: at most
    /// `limit` of them, and the id of the next one when more remain. Payloads only: the matrix holds
    /// normalized vectors, not the stored ones. Nil when the filter narrows nothing through the postings or
    /// ids: paging through a whole collection is SQL's job, a sort per page here.
    func scroll(_ filter: Filter?, offset: UUID?, limit: Int) -> (points: [Point], next: UUID?)? {
        guard let rows = candidateRows(filter) else { return nil }
        var matching: [(text: String, row: Int)] = []
        let start = offset?.uuidString
        for row in rows where filter?.matches(id: ids[row], payload: payloads[row]) ?? true {
            let text = ids[row].uuidString
            if let start, text < start { continue }
            matching.append((text, row))
        }
        matching.sort { $0.text < $1.text }
        let page = matching.prefix(limit).map { Point(id: ids[$0.row], vector: [], payload: payloads[$0.row]) }
        return (page, matching.count > limit ? ids[matching[limit].row] : nil)
    }

    /// How many points pass `filter`.
    func count(_ filter: Filter?) -> Int {
        guard let filter else { return ids.count }
        let rows = candidateRows(filter).map(Array.init) ?? Array(ids.indices)
        return rows.reduce(0) { $0 + (filter.matches(id: ids[$1], payload: payloads[$1]) ? 1 : 0) }
    }

    /// Exact top-`limit` by cosine; `query` must be unit length. Ties go to the smaller id.
    func search(_ query: [Float], filter: Filter?, limit: Int) -> [ScoredPoint] {
        var top = TopK<(row: Int, score: Float), PointOrder>(limit: limit)
        guard limit > 0 else { return [] }
        let candidates = candidateRows(filter)
        query.withUnsafeBufferPointer { queryBuffer in
            matrix.withUnsafeBufferPointer { matrixBuffer in
                func consider(_ row: Int) {
                    if let filter, !filter.matches(id: ids[row], payload: payloads[row]) { return }
                    let rowBuffer = UnsafeBufferPointer(rebasing: matrixBuffer[(row * dimension)..<((row + 1) * dimension)])
                    let score = VectorMath.dot(queryBuffer, rowBuffer)
                    // `>=`: an equal score still enters when its id is smaller than the worst kept.
                    if score >= top.threshold || top.threshold == -.infinity {
                        top.insert((row, score), score: score, key: PointOrder(ids[row]))
                    }
                }
                if let candidates {
                    for row in candidates { consider(row) }
                } else {
                    for row in 0..<ids.count { consider(row) }
                }
            }
        }
        return top.sorted().map { ScoredPoint(id: ids[$0.row], score: $0.score, payload: payloads[$0.row]) }
    }
}

/// A point id's place in id order: the order of `uuidString`, which is the order of the id's bytes.
///
/// Cheaper to compare than strings; SQLite orders its `id` column by the same text, so scroll pages and
/// search tie-breaks agree.
struct PointOrder: Comparable, Sendable {
    private let high: UInt64
    private let low: UInt64

    init(_ id: UUID) {
        (high, low) = withUnsafeBytes(of: id.uuid) { raw in
            (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
    }

    static func < (lhs: PointOrder, rhs: PointOrder) -> Bool {
        (lhs.high, lhs.low) < (rhs.high, rhs.low)
    }
}
