import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing
import SupportKit
@testable import SupportKitServer

/// Key scopes, seeding customer history, logged agent messages, and what /readyz and replies tell an evaluation.
@Suite struct ScopeAndHistoryTests {
    static let writerKey = "writer-key-0123456789abcdef"

    /// Records what `POST /v1/customers/{id}/history` hands it.
    final class Recorder: CustomerHistoryRecorder {
        let calls = Mutex<[(customer: String, entries: [CustomerHistoryEntry], profile: [String: String])]>([])
        func record(_ entries: [CustomerHistoryEntry], profile: [String: String], forCustomer customerId: String) async throws {
            calls.withLock { $0.append((customerId, entries, profile)) }
        }
    }

    /// Records which customers `DELETE /v1/customers/{id}` erased.
    final class Eraser: CustomerEraser {
        let erased = Mutex<[String]>([])
        func erase(customer customerId: String) async throws -> CustomerErasure {
            erased.withLock { $0.append(customerId) }
            return CustomerErasure(memoryEntries: customerId == "eval-1-cust" ? 3 : 0, tickets: customerId == "eval-1-cust" ? 1 : 0)
        }
    }

    static let cleanerKey = "cleaner-key-0123456789abcdef"

    struct Deployed: ReadinessProbe {
        func checkReadiness() async -> [ReadinessCheck] { [ReadinessCheck(name: "store", isReady: true)] }
        func deployment() async -> [String: String] { ["tool_version": "0.4.0", "embedder": "lexical@1/256", "knowledge_base": "abc123"] }
    }

    static func server(recorder: Recorder?, eraser: Eraser? = nil) throws -> SupportServer {
        let keys = try APIKeySet.parseKeysFile("""
            \(FakeData.key)
            \(writerKey) chat history:read history:write   # the evaluation harness
            \(cleanerKey) history:delete
            """, origin: "keys.txt")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        // A generous request timeout: nothing here tests deadlines, and a full `swift test` on two cores can stall the
        // process for 20 s (the fake assistant answered 504 at 2 s).
        return SupportServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, requestTimeout: .seconds(60), rateLimit: 1000, burst: 1000),
            dependencies: ServerDependencies(
                sessions: FakeAssistant(), history: FakeHistory(), tickets: FakeTickets(), readiness: Deployed(), historyRecorder: recorder,
                eraser: eraser),
            keys: keys, logger: logger)
    }

    static func headers(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)", .contentType: "application/json"] }
    static func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

    @Test func keysFileScopesAreBackwardCompatible() throws {
        let keys = try APIKeySet.parseKeysFile("""
            # old style: a key alone has every scope a key had before
            key-aaaaaaaaaaaaaaaa
            key-bbbbbbbbbbbbbbbb history:write  # only this
            """, origin: "keys.txt")
        #expect(keys.scopes(of: "key-aaaaaaaaaaaaaaaa") == APIScope.defaults)
        #expect(keys.scopes(of: "key-bbbbbbbbbbbbbbbb") == [.historyWrite])
        #expect(keys.scopes(of: "key-cccccccccccccccc") == nil)
        #expect(!APIScope.defaults.contains(.historyWrite), "writing history is never a default")
        let error = #expect(throws: ServerConfigurationError.self) {
            try APIKeySet.parseKeysFile("key-aaaaaaaaaaaaaaaa\nkey-bbbbbbbbbbbbbbbb history:wrte\n", origin: "keys.txt")
        }
        #expect(error?.message.hasPrefix("keys.txt:2: unknown scope \"history:wrte\"; expected some of chat, history:read, history:write, history:delete, tickets:read, metrics") == true)
        #expect(error?.message.contains("key-bbbb") == false)
        // Scope first, key second: the key is never echoed.
        let swapped = #expect(throws: ServerConfigurationError.self) {
            try APIKeySet.parseKeysFile("chat sk-live-0123456789abcdef\n", origin: "keys.txt")
        }
        #expect(swapped?.message.hasPrefix("keys.txt:1: the line starts with a scope") == true)
        #expect(swapped?.message.contains("sk-live") == false)
    }

    @Test func onlyAKeyWithHistoryWriteSeedsHistory() async throws {
        let recorder = Recorder()
        let seed = #"{"entries": [{"text": "Refund requested for order 5521", "category": "billing", "resolved": false}, {"text": "changed email"}], "profile": {"plan": "plus"}}"#
        try await Self.server(recorder: recorder).makeApplication().test(.router) { client in
            let chatKey = try await client.execute(uri: "/v1/customers/eval-1-cust/history", method: .post, headers: Self.headers(FakeData.key), body: Self.body(seed))
            #expect(chatKey.status == .forbidden)
            let refusal = try RouterTests.error(chatKey)
            #expect(refusal.code == "forbidden" && refusal.message.contains("lacks the scope history:write"))
            #expect(recorder.calls.withLock { $0.isEmpty })

            let writer = try await client.execute(uri: "/v1/customers/eval-1-cust/history", method: .post, headers: Self.headers(Self.writerKey), body: Self.body(seed))
            #expect(writer.status == .created)
            #expect(try RouterTests.json(writer)["recorded"] as? Int == 2)
            let call = try #require(recorder.calls.withLock { $0.first })
            #expect(call.customer == "eval-1-cust" && call.profile == ["plan": "plus"])
            #expect(call.entries.map(\.text) == ["Refund requested for order 5521", "changed email"])
            #expect(call.entries.map(\.resolved) == [false, true] && call.entries.first?.category == "billing")

            let bad = try await client.execute(uri: "/v1/customers/c/history", method: .post, headers: Self.headers(Self.writerKey), body: Self.body(#"{"entries": [{"text": 3}]}"#))
            #expect(bad.status == .badRequest)
            #expect(try RouterTests.error(bad).message.contains("field text must be a string, not a number"))

            // The writer key reads history too (it was given history:read), and chats.
            let read = try await client.execute(uri: "/v1/customers/c-1/history", method: .get, headers: Self.headers(Self.writerKey))
            #expect(read.status == .ok)
        }
        try await Self.server(recorder: nil).makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/v1/customers/c/history", method: .post, headers: Self.headers(Self.writerKey), body: Self.body(seed))
            #expect(response.status == .notFound)
            #expect(try RouterTests.error(response).message.contains("does not accept customer history"))
        }
    }

    @Test func onlyAKeyWithHistoryDeleteErasesACustomer() async throws {
        #expect(!APIScope.defaults.contains(.historyDelete), "erasing a customer is never a default")
        let eraser = Eraser()
        try await Self.server(recorder: Recorder(), eraser: eraser).makeApplication().test(.router) { client in
            for key in [FakeData.key, Self.writerKey] {
                let refused = try await client.execute(uri: "/v1/customers/eval-1-cust", method: .delete, headers: Self.headers(key))
                #expect(refused.status == .forbidden)
                #expect(try RouterTests.error(refused).message.contains("lacks the scope history:delete"))
            }
            let anonymous = try await client.execute(uri: "/v1/customers/eval-1-cust", method: .delete)
            #expect(anonymous.status == .unauthorized)
            // The path is normalized before the scope is decided: a double slash changes nothing.
            let sneaky = try await client.execute(uri: "/v1//customers/eval-1-cust", method: .delete, headers: Self.headers(FakeData.key))
            #expect(sneaky.status == .forbidden)
            #expect(eraser.erased.withLock { $0.isEmpty })

            let erased = try await client.execute(uri: "/v1/customers/eval-1-cust", method: .delete, headers: Self.headers(Self.cleanerKey))
            #expect(erased.status == .ok)
            let body = try RouterTests.json(erased)
            #expect(body["customer_id"] as? String == "eval-1-cust")
            let deleted = try #require(body["deleted"] as? [String: Any])
            #expect(deleted["memory_entries"] as? Int == 3 && deleted["tickets"] as? Int == 1)
            #expect(body["sessions_closed"] as? Int == 0)
            // Idempotent: a customer never seen is 200 with zero counts, so a clean-up can be retried.
            let again = try await client.execute(uri: "/v1/customers/nobody", method: .delete, headers: Self.headers(Self.cleanerKey))
            #expect(again.status == .ok)
            #expect((try RouterTests.json(again)["deleted"] as? [String: Any])?["memory_entries"] as? Int == 0)
            #expect(eraser.erased.withLock { $0 } == ["eval-1-cust", "nobody"])
        }
        try await Self.server(recorder: nil).makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/v1/customers/c", method: .delete, headers: Self.headers(Self.cleanerKey))
            #expect(response.status == .notFound)
            #expect(try RouterTests.error(response).message.contains("does not erase customers"))
        }
    }

    @Test func agentMessagesJoinTheConversation() async throws {
        try await Self.server(recorder: nil).makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/conversations/conv-1/agent-messages", method: .post, headers: Self.headers(FakeData.key),
                body: Self.body(#"{"customer_id": "c-1", "text": "I refunded the second charge."}"#))
            #expect(response.status == .noContent)
            let missing = try await client.execute(
                uri: "/v1/conversations/conv-1/agent-messages", method: .post, headers: Self.headers(FakeData.key), body: Self.body(#"{"customer_id": "c-1"}"#))
            #expect(missing.status == .badRequest)
        }
    }

    @Test func readyzAndRepliesCarryWhatAnEvaluationRecords() async throws {
        try await Self.server(recorder: nil).makeApplication().test(.router) { client in
            let ready = try RouterTests.json(try await client.execute(uri: "/readyz", method: .get))
            let deployment = try #require(ready["deployment"] as? [String: String])
            #expect(deployment == ["tool_version": "0.4.0", "embedder": "lexical@1/256", "knowledge_base": "abc123"])

            let chat = try await client.execute(uri: "/v1/chat", method: .post, headers: Self.headers(FakeData.key), body: RouterTests.chatBody("hello"))
            let reply = try RouterTests.json(chat)
            for field in ["retrieved", "out_of_scope_score", "out_of_scope", "small_talk", "classifier", "memory_recalled", "timings_ms"] {
                #expect(reply.keys.contains(field), "reply lacks \(field)")
            }
            #expect(Set((reply["timings_ms"] as? [String: Double])?.keys ?? [:].keys) == ["classify", "memory", "retrieve", "respond"])
        }
    }
}
