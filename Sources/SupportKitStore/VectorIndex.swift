import Foundation
import GRDB
import SupportKit

/// One collection's vectors as a contiguous row-normalized matrix, with ids and payloads alongside.
struct VectorIndex: Sendable {
    let revision: Int
    let dimension: Int
    let ids: [UUID]
    let payloads: [Payload]
    /// `ids.count` rows of `dimension` floats, each of unit length (or zero).
    let matrix: [Float]
    let rowByID: [UUID: Int]

    static func load(collection: String, revision: Int, _ db: Database) throws -> VectorIndex {
        let dimension = try Int.fetchOne(db, sql: "SELECT dimension FROM collections WHERE name = ?", arguments: [collection]) ?? 0
        let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM points WHERE collection = ?", arguments: [collection]) ?? 0
        var ids: [UUID] = []
        var payloads: [Payload] = []
        ids.reserveCapacity(count)
        payloads.reserveCapacity(count)
        var matrix = [Float](repeating: 0, count: count * dimension)
        let decoder = JSONDecoder()
        let rows = try Row.fetchCursor(db, sql: "SELECT id, vector, payload FROM points WHERE collection = ? ORDER BY id", arguments: [collection])
        var row = 0
        try matrix.withUnsafeMutableBufferPointer { matrixBuffer in
            while let record = try rows.next(), row < count {
                guard let id = UUID(uuidString: record["id"]) else { continue }
                let payload = try decoder.decode(Payload.self, from: record.dataNoCopy(named: "payload") ?? Data())
                let base = row * dimension
                if let blob = record.dataNoCopy(named: "vector"), blob.count == dimension * MemoryLayout<Float>.size {
                    blob.withUnsafeBytes { raw in
                        let floats = raw.bindMemory(to: Float.self)
                        var squared: Float = 0
                        for index in 0..<dimension { squared += floats[index] * floats[index] }
                        let scale: Float = squared > 0 ? 1 / squared.squareRoot() : 0
                        for index in 0..<dimension { matrixBuffer[base + index] = floats[index] * scale }
                    }
                }
                ids.append(id)
                payloads.append(payload)
                row += 1
            }
        }
        matrix.removeLast((count - row) * dimension)
        var rowByID: [UUID: Int] = [:]
        rowByID.reserveCapacity(ids.count)
        for (index, id) in ids.enumerated() { rowByID[id] = index }
        return VectorIndex(revision: revision, dimension: dimension, ids: ids, payloads: payloads, matrix: matrix, rowByID: rowByID)
    }

    /// This index with `points` inserted or replaced, at `revision`. Rows keep their places; new ones go last.
    func applying(_ points: [Point], revision: Int) -> VectorIndex {
        var ids = self.ids
        var payloads = self.payloads
        var matrix = self.matrix
        var rowByID = self.rowByID
        for point in points where point.vector.count == dimension {
            var squared: Float = 0
            for value in point.vector { squared += value * value }
            let scale: Float = squared > 0 ? 1 / squared.squareRoot() : 0
            if let row = rowByID[point.id] {
                payloads[row] = point.payload
                for index in 0..<dimension { matrix[row * dimension + index] = point.vector[index] * scale }
            } else {
                rowByID[point.id] = ids.count
                ids.append(point.id)
                payloads.append(point.payload)
                matrix.append(contentsOf: point.vector.map { $0 * scale })
            }
        }
        return VectorIndex(revision: revision, dimension: dimension, ids: ids, payloads: payloads, matrix: matrix, rowByID: rowByID)
    }

    /// This index without the rows of `removed`, at `revision`; the other rows keep their order.
    func removing(_ removed: Set<UUID>, revision: Int) -> VectorIndex {
        var ids: [UUID] = []
        var payloads: [Payload] = []
        var matrix: [Float] = []
        ids.reserveCapacity(self.ids.count)
        payloads.reserveCapacity(self.ids.count)
        matrix.reserveCapacity(self.matrix.count)
        for (row, id) in self.ids.enumerated() where !removed.contains(id) {
            ids.append(id)
            payloads.append(self.payloads[row])
            matrix.append(contentsOf: self.matrix[(row * dimension)..<((row + 1) * dimension)])
        }
        var rowByID: [UUID: Int] = [:]
        rowByID.reserveCapacity(ids.count)
        for (row, id) in ids.enumerated() { rowByID[id] = row }
        return VectorIndex(revision: revision, dimension: dimension, ids: ids, payloads: payloads, matrix: matrix, rowByID: rowByID)
    }

    func payload(of id: UUID) -> Payload? {
        rowByID[id].map { payloads[$0] }
    }

    /// Exact top-`limit` by cosine; `query` must be unit length. Ties go to the smaller id.
    func search(_ query: [Float], filter: Filter?, limit: Int) -> [ScoredPoint] {
        var top = TopK<(row: Int, score: Float), Int>(limit: limit)
        query.withUnsafeBufferPointer { queryBuffer in
            matrix.withUnsafeBufferPointer { matrixBuffer in
                for row in 0..<ids.count {
                    if let filter, !filter.matches(id: ids[row], payload: payloads[row]) { continue }
                    let rowBuffer = UnsafeBufferPointer(rebasing: matrixBuffer[(row * dimension)..<((row + 1) * dimension)])
                    let score = VectorMath.dot(queryBuffer, rowBuffer)
                    if score > top.threshold || top.threshold == -.infinity {
                        top.insert((row, score), score: score, key: row)
                    }
                }
            }
        }
        // Loaded rows are ordered by id, so the row number is the id tie-break (rows added later go last).
        return top.sorted().map { ScoredPoint(id: ids[$0.row], score: $0.score, payload: payloads[$0.row]) }
    }
}
