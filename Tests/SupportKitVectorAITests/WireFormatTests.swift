import Foundation
import GRPCCore
import SupportKit
import SupportKitVectorAI
import SupportKitVectorAITesting
import SwiftProtobuf
import Synchronization
import Testing

/// Checks the bytes the generated client puts on the wire against the field numbers of
/// `vectorai-wire.md`, written out by hand, so that a wrong field number cannot hide behind a client and
/// server generated from the same wrong `.proto`.
@Suite struct WireFormatTests {
    /// Tag byte of a field: (field number << 3) | wire type; 0 = varint, 1 = 64-bit, 2 = length-delimited, 5 = 32-bit.
    static func tag(_ field: UInt8, _ wireType: UInt8) -> UInt8 { (field << 3) | wireType }
    static func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
    /// A length-delimited field (all lengths here are below 128, so one length byte).
    static func field(_ number: UInt8, _ body: [UInt8]) -> [UInt8] { [tag(number, 2), UInt8(body.count)] + body }

    static let pointID = "0b1f3c7e-8a55-4d0e-9b2a-1c3d5e7f9a0b"
    static let one: [UInt8] = [0x00, 0x00, 0x80, 0x3F]   // 1.0f, little-endian
    static let half: [UInt8] = [0x00, 0x00, 0x00, 0x3F]  // 0.5f, little-endian

    @Test func tagsAreComputedByHand() {
        // Spot checks of the helper against literal bytes: UpsertPoints.collection_name (1, LEN) = 0x0A,
        // wait (2, varint) = 0x10, points (3, LEN) = 0x1A, SearchPoints.limit (4, varint) = 0x20,
        // with_payload (6, LEN) = 0x32, PointStruct.vectors (4, LEN) = 0x22.
        #expect([Self.tag(1, 2), Self.tag(2, 0), Self.tag(3, 2), Self.tag(4, 0), Self.tag(6, 2), Self.tag(4, 2)] == [0x0A, 0x10, 0x1A, 0x20, 0x32, 0x22])
    }

    /// UpsertPoints { collection_name = 1: "kb"; wait = 2: true; points = 3: [PointStruct {
    ///   id = 1: PointId { uuid = 2 }; payload = 3: map entry { key = 1: "doc_id"; value = 2: Value { string_value = 4: "a" } };
    ///   vectors = 4: Vectors { vector = 1: Vector { data = 1: packed [1.0, 0.5] } } }] }
    static var expectedUpsert: [UInt8] {
        let pointID = field(1, field(2, bytes(Self.pointID)))                                   // PointStruct.id
        let payloadEntry = field(3, field(1, bytes("doc_id")) + field(2, field(4, bytes("a"))))  // PointStruct.payload
        let vectors = field(4, field(1, field(1, one + half)))                                  // PointStruct.vectors
        let point = pointID + payloadEntry + vectors
        var expected: [UInt8] = field(1, bytes("kb"))                                           // collection_name
        expected += [tag(2, 0), 0x01]                                                           // wait = true
        expected += field(3, point)                                                             // points[0]
        return expected
    }

    /// SearchPoints { collection_name = 1: "kb"; vector = 2: packed [1.0, 0.5]; filter = 3: Filter { must = 2:
    ///   [Condition { field = 1: FieldCondition { key = 1: "category"; match = 2: Match { keyword = 1: "billing" } } }] };
    ///   limit = 4: 3; with_payload = 6: WithPayloadSelector { enable = 1: true } }
    static var expectedSearch: [UInt8] {
        let match = field(2, field(1, bytes("billing")))
        let condition = field(1, field(1, bytes("category")) + match)
        var expected: [UInt8] = field(1, bytes("kb"))                                           // collection_name
        expected += field(2, one + half)                                                        // vector (packed floats)
        expected += field(3, field(2, condition))                                               // filter.must[0]
        expected += [tag(4, 0), 0x03]                                                           // limit = 3
        expected += field(6, [tag(1, 0), 0x01])                                                 // with_payload.enable = true
        return expected
    }

    @Test func expectedSequencesHaveTheLengthsWorkedOutByHand() {
        // 4 (name) + 2 (wait) + 2 + 69 (point: id 40, payload 15, vectors 14) = 77 bytes.
        #expect(Self.expectedUpsert.count == 77)
        #expect(Array(Self.expectedUpsert.prefix(8)) == [0x0A, 0x02, 0x6B, 0x62, 0x10, 0x01, 0x1A, 0x45])
        // 4 (name) + 10 (vector) + 27 (filter) + 2 (limit) + 4 (with_payload) = 47 bytes.
        #expect(Self.expectedSearch.count == 47)
        #expect(Array(Self.expectedSearch.suffix(6)) == [0x20, 0x03, 0x32, 0x02, 0x08, 0x01])
    }

    @Test func upsertAndFilteredSearchMatchTheWireContract() async throws {
        let log = CaptureLog()
        let id = try #require(UUID(uuidString: Self.pointID))
        try await withVectorAIStore(services: { server in
            [server.healthService, server.collectionsService, CapturingPoints(inner: server.pointsService, log: log)]
        }) { store in
            try await store.prepareCollection(CollectionSpec(name: "kb", dimension: 2, embedder: EmbedderFingerprint(name: "t", version: "1", dimension: 2)))
            log.clear()
            try await store.upsert([Point(id: id, vector: [1, 0.5], payload: [ChunkKey.docId: .string("a")])], into: "kb")
            _ = try await store.search([1, 0.5], in: "kb", filter: Filter(must: [FieldMatch(ChunkKey.category, "billing")]), limit: 3)
        }
        let captured = log.requests
        #expect(captured.map(\.method) == ["Upsert", "Search"])
        #expect(captured.first?.bytes == Self.expectedUpsert)
        #expect(captured.last?.bytes == Self.expectedSearch)
    }
}

/// Raw request bytes per method, in arrival order.
final class CaptureLog: Sendable {
    private let entries = Mutex<[(method: String, bytes: [UInt8])]>([])
    var requests: [(method: String, bytes: [UInt8])] { entries.withLock { $0 } }
    func append(_ method: String, _ bytes: [UInt8]) { entries.withLock { $0.append((method, bytes)) } }
    func clear() { entries.withLock { $0.removeAll() } }
}

/// Passes raw bytes through unchanged, so a handler sees exactly what arrived on the wire.
struct RawBytesCoder: MessageSerializer, MessageDeserializer {
    func serialize<Bytes: GRPCContiguousBytes>(_ message: [UInt8]) throws -> Bytes { Bytes(message) }
    func deserialize<Bytes: GRPCContiguousBytes>(_ serializedMessageBytes: Bytes) throws -> [UInt8] {
        serializedMessageBytes.withUnsafeBytes { Array($0) }
    }
}

/// The Points service with Upsert and Search re-registered to record their request bytes before
/// decoding them and answering through the real service.
struct CapturingPoints<Inner: ActianVectorai_Points.SimpleServiceProtocol>: RegistrableRPCService {
    let inner: Inner
    let log: CaptureLog

    func registerMethods<Transport: ServerTransport>(with router: inout RPCRouter<Transport>) {
        inner.registerMethods(with: &router)
        register(ActianVectorai_Points.Method.Upsert.descriptor, on: &router) { (request: ActianVectorai_UpsertPoints, context) in
            try await inner.upsert(request: request, context: context)
        }
        register(ActianVectorai_Points.Method.Search.descriptor, on: &router) { (request: ActianVectorai_SearchPoints, context) in
            try await inner.search(request: request, context: context)
        }
    }

    private func register<Transport: ServerTransport, Input: SwiftProtobuf.Message, Output: SwiftProtobuf.Message>(
        _ descriptor: MethodDescriptor, on router: inout RPCRouter<Transport>,
        _ handle: @escaping @Sendable (Input, ServerContext) async throws -> Output
    ) {
        let log = self.log
        router.registerHandler(forMethod: descriptor, deserializer: RawBytesCoder(), serializer: RawBytesCoder()) { request, context in
            let single = try await ServerRequest(stream: request)
            log.append(descriptor.method, single.message)
            let output = try await handle(try Input(serializedBytes: single.message), context)
            let bytes: [UInt8] = try output.serializedBytes()
            return StreamingServerResponse(single: ServerResponse(message: bytes))
        }
    }
}
