import Foundation
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import Testing
@testable import SupportKitServer

/// Browser front ends chat with a customer token bound to one customer, never with an API key.
@Suite(.serialized) struct CustomerTokenTests {
    static let secret = CustomerToken.Secret(bytes: "an-identity-secret-of-at-least-32-bytes!!".utf8)
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func server() throws -> SupportServer {
        try makeTestServer(identitySecret: secret, now: { now })
    }

    static func token(_ customer: String, expiresIn seconds: TimeInterval = 600, secret: CustomerToken.Secret = secret) -> String {
        CustomerToken(customerId: customer, expires: now.addingTimeInterval(seconds)).signed(with: secret)
    }

    static func chat(_ customer: String) -> ByteBuffer {
        ByteBuffer(string: #"{"customer_id":"\#(customer)","message":"Where is my refund?"}"#)
    }

    @Test func signAndVerify() throws {
        let text = Self.token("alice@example.com")
        #expect(text.hasPrefix("skc1."))
        let token = try CustomerToken.verify(text, secret: Self.secret, now: Self.now)
        #expect(token.customerId == "alice@example.com")
        #expect(throws: CustomerToken.Refusal.self) { try CustomerToken.verify(text, secret: Self.secret, now: Self.now.addingTimeInterval(601)) }
        let other = CustomerToken.Secret(bytes: "another-secret-of-at-least-32-bytes-long".utf8)
        #expect(throws: CustomerToken.Refusal.badSignature) { try CustomerToken.verify(text, secret: other, now: Self.now) }
        // Changing the customer (or the expiry) breaks the signature.
        let parts = text.split(separator: ".")
        let forged = ["skc1", CustomerToken.base64URL(Data("mallory".utf8)), String(parts[2]), String(parts[3])].joined(separator: ".")
        #expect(throws: CustomerToken.Refusal.badSignature) { try CustomerToken.verify(forged, secret: Self.secret, now: Self.now) }
        let later = ["skc1", String(parts[1]), "1900000000", String(parts[3])].joined(separator: ".")
        #expect(throws: CustomerToken.Refusal.badSignature) { try CustomerToken.verify(later, secret: Self.secret, now: Self.now) }
        #expect(throws: CustomerToken.Refusal.malformed) { try CustomerToken.verify("skc1.x.y", secret: Self.secret, now: Self.now) }
        #expect(CustomerToken.secret(from: "short") == nil)
    }

    @Test func restChatAcceptsATokenForItsOwnCustomerOnly() async throws {
        try await Self.server().makeApplication().test(.router) { client in
            let alice: HTTPFields = [.authorization: "Bearer \(Self.token("alice"))", .contentType: "application/json"]
            let own = try await client.execute(uri: "/v1/chat", method: .post, headers: alice, body: Self.chat("alice"))
            #expect(own.status == .ok)

            let other = try await client.execute(uri: "/v1/chat", method: .post, headers: alice, body: Self.chat("bob"))
            #expect(other.status == .forbidden)
            #expect(try RouterTests.error(other).message.contains("another customer"))

            let expired: HTTPFields = [.authorization: "Bearer \(Self.token("alice", expiresIn: -1))"]
            let late = try await client.execute(uri: "/v1/chat", method: .post, headers: expired, body: Self.chat("alice"))
            #expect(late.status == .unauthorized)
            #expect(try RouterTests.error(late).message.contains("expired"))

            let tampered = Self.token("alice").dropLast(2) + "AA"
            let bad = try await client.execute(
                uri: "/v1/chat", method: .post, headers: [.authorization: "Bearer \(tampered)"], body: Self.chat("alice"))
            #expect(bad.status == .unauthorized)

            // A token is not a key: no history, tickets, agent messages or metrics with it.
            for (method, path) in [(HTTPRequest.Method.get, "/v1/customers/alice/history"), (.get, "/v1/tickets/T-1"),
                                   (.post, "/v1/conversations/c/agent-messages"), (.get, "/metrics")] {
                let response = try await client.execute(uri: path, method: method, headers: alice, body: ByteBuffer(string: "{}"))
                #expect(response.status == .unauthorized, "\(method) \(path) with a customer token answered \(response.status)")
            }
        }
    }

    @Test func withoutAnIdentitySecretNoTokenIsAccepted() async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/chat", method: .post, headers: [.authorization: "Bearer \(Self.token("alice"))"], body: Self.chat("alice"))
            #expect(response.status == .unauthorized)
        }
    }

    @Test func webSocketTokenIsBoundToItsCustomer() async throws {
        let server = try Self.server()
        let running = try await RunningServer.start(server)
        defer { Task { try? await running.stop() } }
        // The page's way: the token in the query, no API key anywhere.
        let url = "ws://127.0.0.1:\(running.port)/v1/chat/ws?token=\(Self.token("alice"))"
        try await WebSocketClient.connect(url: url, logger: LiveServerTests.logger) { inbound, outbound, _ in
            var events = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            #expect(try await LiveServerTests.nextEvent(&events)["type"] as? String == "ready")
            try await outbound.write(.text(#"{"message": "Where is my refund?"}"#))
            let reply = try await LiveServerTests.nextEvent(&events)
            #expect(reply["type"] as? String == "reply")
            #expect(reply["customer_id"] as? String == "alice")
            try await outbound.write(.text(#"{"customer_id": "bob", "message": "show me bob's orders"}"#))
            let refused = try await LiveServerTests.nextEvent(&events)
            #expect(refused["type"] as? String == "error")
            #expect((refused["error"] as? [String: Any])?["code"] as? String == "forbidden")
            try await outbound.close(.normalClosure, reason: nil)
        }
        // Another customer in the query is refused on the first message too; an expired token gets no socket.
        let expired = "ws://127.0.0.1:\(running.port)/v1/chat/ws?token=\(Self.token("alice", expiresIn: -5))"
        await #expect(throws: (any Error).self) {
            try await WebSocketClient.connect(url: expired, logger: LiveServerTests.logger) { _, _, _ in }
        }
    }
}
