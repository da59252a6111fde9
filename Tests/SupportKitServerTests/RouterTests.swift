import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SupportKitServer

/// Every endpoint and error through the router, without sockets.
@Suite struct RouterTests {
    static let auth: HTTPFields = [.authorization: "Bearer \(FakeData.key)"]
    static let jsonAuth: HTTPFields = [.authorization: "Bearer \(FakeData.key)", .contentType: "application/json"]

    struct ErrorBody: Decodable {
        struct Detail: Decodable { var code: String; var message: String }
        var error: Detail
    }

    static func error(_ response: TestResponse) throws -> ErrorBody.Detail {
        #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
        return try JSONDecoder().decode(ErrorBody.self, from: Data(response.body.readableBytesView)).error
    }

    static func json(_ response: TestResponse) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(response.body.readableBytesView))
        return try #require(object as? [String: Any])
    }

    static func chatBody(_ text: String, conversation: String? = nil) -> ByteBuffer {
        var object: [String: String] = ["customer_id": "c-1", "message": text]
        if let conversation { object["conversation_id"] = conversation }
        return ByteBuffer(bytes: (try? JSONSerialization.data(withJSONObject: object)) ?? Data())
    }

    @Test func healthzIsOpen() async throws {
        let app = try makeTestServer().makeApplication()
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/healthz", method: .get)
            #expect(response.status == .ok)
            #expect(String(decoding: response.body.readableBytesView, as: UTF8.self) == #"{"status":"ok"}"#)
        }
    }

    @Test func pageIsServedWithoutKeyAndSelfContained() async throws {
        let app = try makeTestServer().makeApplication()
        try await app.test(.router) { client in
            let response = try await client.execute(uri: "/", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/html; charset=utf-8")
            #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            let html = String(decoding: response.body.readableBytesView, as: UTF8.self)
            #expect(html.contains("<svg id=\"avatar\""))
            #expect(html.contains("/v1/chat/ws"))
            #expect(html.contains("id=\"banner\""))
            // No external network: no absolute URL in src/href attributes or fetches.
            #expect(!html.contains("src=\"http"))
            #expect(!html.contains("href=\"http"))
        }
    }

    @Test func readyzReportsChecks() async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .ok)
            #expect(try Self.json(response)["ready"] as? Bool == true)
        }
        try await makeTestServer(ready: false).makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            let error = try Self.error(response)
            #expect(error.code == "unavailable")
            #expect(error.message.contains("model (model files missing; run supportkit models fetch)"))
        }
    }

    @Test func metricsNeedKeyUnlessOpen() async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            let denied = try await client.execute(uri: "/metrics", method: .get)
            #expect(denied.status == .unauthorized)
            _ = try await client.execute(uri: "/v1/chat", method: .post, headers: Self.jsonAuth, body: Self.chatBody("human please"))
            let response = try await client.execute(uri: "/metrics", method: .get, headers: Self.auth)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            let text = String(decoding: response.body.readableBytesView, as: UTF8.self)
            #expect(text.contains(#"supportkit_http_requests_total{route="/v1/chat",method="POST",status="200"} 1"#))
            #expect(text.contains(#"supportkit_http_request_duration_seconds_bucket{route="/v1/chat""#))
            #expect(text.contains(#"supportkit_escalations_total{transport="http"} 1"#))
            #expect(text.contains(#"supportkit_http_errors_total{route="/metrics",code="unauthorized"} 1"#))
            #expect(!text.contains(FakeData.key))
        }
        try await makeTestServer(configure: { $0.metricsRequireAuth = false }).makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
        }
    }

    @Test func chatNeedsAValidKey() async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            let missing = try await client.execute(uri: "/v1/chat", method: .post, body: Self.chatBody("hi"))
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
            #expect(try Self.error(missing).message.contains("Authorization: Bearer"))

            let wrongKey = "wrong-key-0123456789abcdef"
            let wrong = try await client.execute(
                uri: "/v1/chat", method: .post, headers: [.authorization: "Bearer \(wrongKey)"], body: Self.chatBody("hi"))
            #expect(wrong.status == .unauthorized)
            let error = try Self.error(wrong)
            #expect(error.code == "unauthorized")
            #expect(!error.message.contains(wrongKey))

            let basic = try await client.execute(
                uri: "/v1/chat", method: .post, headers: [.authorization: "Basic \(FakeData.key)"], body: Self.chatBody("hi"))
            #expect(basic.status == .unauthorized)
        }
    }

    @Test func chatReturnsTheReply() async throws {
        let assistant = FakeAssistant()
        try await makeTestServer(assistant: assistant).makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/chat", method: .post, headers: Self.jsonAuth, body: Self.chatBody("Where is my refund?"))
            #expect(response.status == .ok)
            let reply = try Self.json(response)
            #expect(reply["text"] as? String == "echo: Where is my refund?")
            #expect(reply["intent"] as? String == "question")
            #expect(reply["confidence"] as? Double == 0.75)
            #expect(reply["category"] as? String == "billing")
            #expect(reply["escalated"] as? Bool == false)
            #expect(reply["reasons"] as? [String] == [])
            #expect(reply["ticket"] is NSNull)
            #expect((reply["conversation_id"] as? String)?.isEmpty == false)
            let sources = try #require(reply["sources"] as? [[String: Any]])
            #expect(sources.first?["title"] as? String == "Refunds")
            #expect(sources.first?["link"] as? String == "https://help.example.com/refunds")

            let escalated = try Self.json(try await client.execute(
                uri: "/v1/chat", method: .post, headers: Self.jsonAuth, body: Self.chatBody("a human please")))
            #expect(escalated["escalated"] as? Bool == true)
            #expect(escalated["reasons"] as? [String] == ["asked for a person"])
            let ticket = try #require(escalated["ticket"] as? [String: Any])
            #expect(ticket["id"] as? String == "T-1")
            #expect(ticket["priority"] as? String == "high")
            #expect(ticket["opened_at"] as? String == "2023-11-14T22:13:20Z")
        }
    }

    @Test func sessionsAreKeptPerConversation() async throws {
        let assistant = FakeAssistant()
        try await makeTestServer(assistant: assistant).makeApplication().test(.router) { client in
            for text in ["one", "two"] {
                let response = try await client.execute(
                    uri: "/v1/chat", method: .post, headers: Self.jsonAuth, body: Self.chatBody(text, conversation: "conv-a"))
                #expect(response.status == .ok)
            }
            _ = try await client.execute(uri: "/v1/chat", method: .post, headers: Self.jsonAuth, body: Self.chatBody("three", conversation: "conv-b"))
        }
        #expect(assistant.sessionsOpened == 2)
        #expect(assistant.messages == ["one", "two", "three"])
    }

    @Test(arguments: [
        ("{not json", "not valid JSON"),
        ("", "the request body is empty"),
        ("[1, 2]", "must be a JSON object"),
        (#"{"customer_id": "c-1"}"#, "field message is missing"),
        (#"{"message": "hi"}"#, "field customer_id is missing"),
        (#"{"customer_id": 7, "message": "hi"}"#, "field customer_id must be a string, not a number"),
        (#"{"customer_id": "c-1", "message": "   "}"#, "field message is empty"),
        (#"{"customer_id": "c-1", "message": "hi", "conversation_id": true}"#, "field conversation_id must be a string, not a boolean"),
    ])
    func badJSONIs400WithAReason(body: String, expected: String) async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/chat", method: .post, headers: Self.jsonAuth, body: ByteBuffer(string: body))
            #expect(response.status == .badRequest)
            let error = try Self.error(response)
            #expect(error.code == "bad_request")
            #expect(error.message.contains(expected), "\(error.message)")
        }
    }

    @Test func largeBodyIs413() async throws {
        try await makeTestServer(configure: { $0.maxBodyBytes = 1024 }).makeApplication().test(.router) { client in
            let response = try await client.execute(
                uri: "/v1/chat", method: .post, headers: Self.jsonAuth, body: Self.chatBody(String(repeating: "x", count: 2000)))
            #expect(response.status == .contentTooLarge)
            let error = try Self.error(response)
            #expect(error.code == "payload_too_large")
            #expect(error.message.contains("1024 bytes"))
        }
    }

    @Test func rateLimitIs429WithRetryAfter() async throws {
        // Time stands still, so Retry-After does not depend on how fast this machine runs the requests.
        let server = try makeTestServer(configure: {
            $0.rateLimit = 0.1
            $0.burst = 2
        }, clock: { 0 })
        try await server.makeApplication().test(.router) { client in
            for _ in 0..<2 {
                #expect(try await client.execute(uri: "/v1/tickets/T-1", method: .get, headers: Self.auth).status == .ok)
            }
            let limited = try await client.execute(uri: "/v1/tickets/T-1", method: .get, headers: Self.auth)
            #expect(limited.status == .tooManyRequests)
            #expect(limited.headers[.retryAfter] == "10")
            #expect(try Self.error(limited).code == "rate_limited")
            // Buckets are per key: another key still gets through.
            let other = try await client.execute(
                uri: "/v1/tickets/T-1", method: .get, headers: [.authorization: "Bearer \(FakeData.otherKey)"])
            #expect(other.status == .ok)
        }
    }

    @Test func slowAssistantIs504OnTime() async throws {
        let assistant = FakeAssistant(slowDelay: .seconds(120))
        let server = try makeTestServer(assistant: assistant, configure: { $0.requestTimeout = .milliseconds(200) })
        try await server.makeApplication().test(.router) { client in
            let start = ContinuousClock.now
            let response = try await client.execute(uri: "/v1/chat", method: .post, headers: Self.jsonAuth, body: Self.chatBody("slow please"))
            #expect(response.status == .gatewayTimeout)
            // Long before the 120 s turn would finish, with room for a loaded machine (17.9 s was seen).
            #expect(ContinuousClock.now - start < .seconds(60))
            let error = try Self.error(response)
            #expect(error.code == "timeout")
            #expect(error.message.contains("0.2 s"))
        }
    }

    @Test func assistantFailuresMapTo503And500() async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            let unavailable = try await client.execute(uri: "/v1/chat", method: .post, headers: Self.jsonAuth, body: Self.chatBody("unavailable"))
            #expect(unavailable.status == .serviceUnavailable)
            #expect(try Self.error(unavailable).message.contains("the vector store at sqlite:x is locked"))
            let crash = try await client.execute(uri: "/v1/chat", method: .post, headers: Self.jsonAuth, body: Self.chatBody("crash"))
            #expect(crash.status == .internalServerError)
            #expect(try Self.error(crash).code == "internal_error")
        }
    }

    @Test func historyAndTickets() async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            let history = try await client.execute(uri: "/v1/customers/c-1/history?limit=1", method: .get, headers: Self.auth)
            #expect(history.status == .ok)
            let body = try Self.json(history)
            #expect(body["customer_id"] as? String == "c-1")
            let entries = try #require(body["entries"] as? [[String: Any]])
            #expect(entries.count == 1)
            #expect(entries.first?["text"] as? String == "refund for order 5521")

            let unknown = try await client.execute(uri: "/v1/customers/nobody/history", method: .get, headers: Self.auth)
            #expect(unknown.status == .notFound)
            #expect(try Self.error(unknown).code == "not_found")

            let badLimit = try await client.execute(uri: "/v1/customers/c-1/history?limit=zero", method: .get, headers: Self.auth)
            #expect(badLimit.status == .badRequest)

            let ticket = try await client.execute(uri: "/v1/tickets/T-1", method: .get, headers: Self.auth)
            #expect(ticket.status == .ok)
            let ticketBody = try Self.json(ticket)
            #expect(ticketBody["transcript"] as? [String] == ["customer: human please"])
            #expect(ticketBody["customer_id"] as? String == "c-1")

            let missingTicket = try await client.execute(uri: "/v1/tickets/T-404", method: .get, headers: Self.auth)
            #expect(missingTicket.status == .notFound)
            #expect(try Self.error(missingTicket).message.contains("T-404"))

            let noKey = try await client.execute(uri: "/v1/tickets/T-1", method: .get)
            #expect(noKey.status == .unauthorized)
        }
    }

    @Test func aCustomersTicketsAreListedWithoutTranscripts() async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            let listed = try await client.execute(uri: "/v1/customers/c-1/tickets", method: .get, headers: Self.auth)
            #expect(listed.status == .ok)
            let body = try Self.json(listed)
            #expect(body["customer_id"] as? String == "c-1")
            let tickets = try #require(body["tickets"] as? [[String: Any]])
            #expect(tickets.count == 1 && tickets.first?["customer_id"] as? String == "c-1" && tickets.first?["transcript"] == nil)

            let none = try Self.json(try await client.execute(uri: "/v1/customers/c-9/tickets", method: .get, headers: Self.auth))
            #expect((none["tickets"] as? [Any])?.isEmpty == true)
            #expect(try await client.execute(uri: "/v1/customers/c-1/tickets?limit=0", method: .get, headers: Self.auth).status == .badRequest)
            #expect(try await client.execute(uri: "/v1/customers/c-1/tickets", method: .get).status == .unauthorized)
        }
    }

    @Test func unknownRouteIs404WithErrorShape() async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/nope", method: .get)
            #expect(response.status == .notFound)
            let error = try Self.error(response)
            #expect(error.code == "not_found")
            #expect(error.message.contains("GET /nope"))
            // Unknown routes under /v1/ need a key first, so they do not reveal which routes exist.
            #expect(try await client.execute(uri: "/v1/nope", method: .get).status == .unauthorized)
            #expect(try await client.execute(uri: "/v1/nope", method: .get, headers: Self.auth).status == .notFound)
        }
    }

    @Test func plainGetOnSocketRouteIs426() async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            let response = try await client.execute(uri: "/v1/chat/ws", method: .get, headers: Self.auth)
            #expect(response.status == .upgradeRequired)
            #expect(try Self.error(response).code == "upgrade_required")
            #expect(try await client.execute(uri: "/v1/chat/ws", method: .get).status == .unauthorized)
        }
    }

    @Test func everyEndpointIsRouted() async throws {
        try await makeTestServer().makeApplication().test(.router) { client in
            for endpoint in SupportServer.endpoints {
                let path = endpoint.path.replacingOccurrences(of: "{id}", with: "c-1")
                let method = HTTPRequest.Method(rawValue: endpoint.method) ?? .get
                let response = try await client.execute(uri: path, method: method, headers: Self.jsonAuth, body: Self.chatBody("hi"))
                if response.status == .notFound {
                    // A handler's own 404 (unknown ticket) is fine; the router's "no route" is not.
                    #expect(try !Self.error(response).message.hasPrefix("no route"), "\(endpoint.method) \(endpoint.path)")
                }
            }
        }
    }
}
