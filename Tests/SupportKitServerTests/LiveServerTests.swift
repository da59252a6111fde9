import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Hummingbird
import HummingbirdWSClient
import Logging
import ServiceLifecycle
import Testing
@testable import SupportKitServer

/// The WebSocket path and graceful shutdown, on real loopback sockets.
@Suite(.serialized) struct LiveServerTests {
    static var logger: Logger {
        var logger = Logger(label: "test.client")
        logger.logLevel = .critical
        return logger
    }

    static func nextEvent(_ iterator: inout WebSocketInboundMessageStream.AsyncIterator) async throws -> [String: Any] {
        guard let message = try await iterator.next() else { throw TestFailure("the socket closed") }
        guard case .text(let text) = message else { throw TestFailure("binary message") }
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        guard let event = object as? [String: Any] else { throw TestFailure("not an object: \(text)") }
        return event
    }

    @Test func webSocketTurnsEscalationAndMalformedFrames() async throws {
        let assistant = FakeAssistant()
        let server = try makeTestServer(assistant: assistant)
        let running = try await RunningServer.start(server)
        let url = "ws://127.0.0.1:\(running.port)/v1/chat/ws?customer_id=c-9"
        try await WebSocketClient.connect(
            url: url, configuration: .init(additionalHeaders: [.authorization: "Bearer \(FakeData.key)"]), logger: Self.logger
        ) { inbound, outbound, _ in
            var events = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            let ready = try await Self.nextEvent(&events)
            #expect(ready["type"] as? String == "ready")
            let conversation = try #require(ready["conversation_id"] as? String)

            try await outbound.write(.text(#"{"message": "Where is my refund?"}"#))
            let reply = try await Self.nextEvent(&events)
            #expect(reply["type"] as? String == "reply")
            #expect(reply["text"] as? String == "echo: Where is my refund?")
            #expect(reply["customer_id"] as? String == "c-9")
            #expect(reply["conversation_id"] as? String == conversation)
            #expect((reply["sources"] as? [[String: Any]])?.first?["title"] as? String == "Refunds")

            // Malformed frames get an error event and the connection stays usable.
            try await outbound.write(.text("{not json"))
            let error = try await Self.nextEvent(&events)
            #expect(error["type"] as? String == "error")
            let detail = try #require(error["error"] as? [String: Any])
            #expect(detail["code"] as? String == "bad_request")
            #expect((detail["message"] as? String)?.contains("not valid JSON") == true)
            try await outbound.write(.binary(ByteBuffer(string: "raw bytes")))
            #expect(try await Self.nextEvent(&events)["type"] as? String == "error")
            try await outbound.write(.text(#"{"nothing": 1}"#))
            let missing = try await Self.nextEvent(&events)
            #expect(((missing["error"] as? [String: Any])?["message"] as? String)?.contains("field message is missing") == true)

            try await outbound.write(.text(#"{"message": "get me a human"}"#))
            let escalatedReply = try await Self.nextEvent(&events)
            #expect(escalatedReply["type"] as? String == "reply")
            #expect(escalatedReply["escalated"] as? Bool == true)
            let escalation = try await Self.nextEvent(&events)
            #expect(escalation["type"] as? String == "escalation")
            #expect(escalation["reasons"] as? [String] == ["asked for a person"])
            let ticket = try await Self.nextEvent(&events)
            #expect(ticket["type"] as? String == "ticket")
            #expect((ticket["ticket"] as? [String: Any])?["id"] as? String == "T-1")
            try await outbound.close(.normalClosure, reason: nil)
        }
        // Both turns went to one session: the connection is one conversation.
        #expect(assistant.sessionsOpened == 1)
        #expect(assistant.messages == ["Where is my refund?", "get me a human"])
        try await Self.waitUntil { server.metrics.openSockets == 0 }
        let metrics = server.metrics.render()
        #expect(metrics.contains(#"supportkit_websocket_messages_total{outcome="reply"} 2"#))
        #expect(metrics.contains(#"supportkit_escalations_total{transport="websocket"} 1"#))
        try await running.stop()
    }

    @Test func webSocketNeedsAKey() async throws {
        let server = try makeTestServer()
        let running = try await RunningServer.start(server)
        let socket = try RawSocket(port: running.port)
        socket.send(Array(Self.upgradeRequest(port: running.port, query: "customer_id=c-1").utf8))
        let response = socket.read(until: "\r\n\r\n")
        // hummingbird-websocket answers a refused handshake itself (400, connection closed); no socket opens.
        #expect(response.hasPrefix("HTTP/1.1 400"), "\(response)")
        #expect(server.metrics.openSockets == 0)
        socket.abort()
        let wrongKey = try RawSocket(port: running.port)
        wrongKey.send(Array(Self.upgradeRequest(port: running.port, query: "customer_id=c-1", key: "wrong-key-0123456789abcdef").utf8))
        #expect(wrongKey.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 400"))
        wrongKey.abort()
        // The key in the query parameter is accepted (browsers cannot set headers on a WebSocket).
        let browser = try RawSocket(port: running.port)
        browser.send(Array(Self.upgradeRequest(port: running.port, query: "customer_id=c-1&api_key=\(FakeData.key)").utf8))
        #expect(browser.read(until: "\r\n\r\n").hasPrefix("HTTP/1.1 101"))
        browser.abort()
        let metrics = server.metrics.render()
        #expect(metrics.contains(#"supportkit_http_requests_total{route="/v1/chat/ws",method="GET",status="401"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"supportkit_http_requests_total{route="/v1/chat/ws",method="GET",status="200"} 1"#))
        try await running.stop()
    }

    @Test func abruptDisconnectIsCleanedUp() async throws {
        let assistant = FakeAssistant(slowDelay: .seconds(3))
        let server = try makeTestServer(assistant: assistant)
        let running = try await RunningServer.start(server)
        var sockets: [RawSocket] = []
        for index in 0..<5 {
            let socket = try RawSocket(port: running.port)
            socket.send(Array(Self.upgradeRequest(port: running.port, query: "customer_id=c-\(index)", key: FakeData.key).utf8))
            let handshake = socket.read(until: "conversation_id")
            #expect(handshake.hasPrefix("HTTP/1.1 101"), "\(handshake)")
            // Leave a slow turn in flight on some of them, then vanish without a close frame.
            if index % 2 == 0 { socket.send(RawSocket.textFrame(#"{"message": "slow one"}"#)) }
            sockets.append(socket)
        }
        try await Self.waitUntil { server.metrics.openSockets == 5 }
        try await Self.waitUntil { assistant.turnsStarted == 3 }
        for socket in sockets { socket.abort() }
        try await Self.waitUntil { server.metrics.openSockets == 0 }
        // Wait past the turns' 3 s: had they not been cancelled, their replies would be counted by now.
        try await Task.sleep(for: .seconds(4))
        // The turns in flight were cancelled with their sockets, not answered into the void.
        #expect(!server.metrics.render().contains(#"outcome="reply""#))
        // The server still serves new connections after the resets.
        let (status, _) = try await HTTP.post(port: running.port, path: "/v1/chat", json: #"{"customer_id": "c-1", "message": "still there?"}"#)
        #expect(status == 200)
        try await running.stop()
    }

    @Test func pingKeepsAnsweringClientsAndDropsSilentOnes() async throws {
        // 250 ms pings through a 1.5 s turn: six periods, with room for a loaded 2-core machine to schedule the
        // client's pong (at 100 ms a full parallel test run sometimes missed one).
        let assistant = FakeAssistant(slowDelay: .milliseconds(1500))
        let server = try makeTestServer(assistant: assistant, configure: { $0.pingInterval = .milliseconds(250) })
        let running = try await RunningServer.start(server)
        // A client that answers pings outlives many ping periods, even while the server is busy with a slow turn
        // (the server keeps reading pongs while it answers).
        try await WebSocketClient.connect(
            url: "ws://127.0.0.1:\(running.port)/v1/chat/ws?customer_id=c-1",
            configuration: .init(additionalHeaders: [.authorization: "Bearer \(FakeData.key)"]), logger: Self.logger
        ) { inbound, outbound, _ in
            var events = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            #expect(try await Self.nextEvent(&events)["type"] as? String == "ready")
            try await outbound.write(.text(#"{"message": "slow, still here"}"#))
            // Waiting in next() is what lets this client answer the server's pings.
            #expect(try await Self.nextEvent(&events)["text"] as? String == "echo: slow, still here")
            try await outbound.close(.normalClosure, reason: nil)
        }
        // A client that never answers a ping is closed with 1001 (going away).
        let silent = try RawSocket(port: running.port)
        silent.send(Array(Self.upgradeRequest(port: running.port, query: "customer_id=c-2", key: FakeData.key).utf8))
        let bytes = silent.readToEnd()
        let headerEnd = try #require(bytes.indices.first { bytes[$0...].starts(with: Array("\r\n\r\n".utf8)) })
        let frames = RawSocket.frames(bytes[(headerEnd + 4)...])
        #expect(frames.contains { $0.opcode == 0x9 }, "a ping was sent")
        let close = try #require(frames.first { $0.opcode == 0x8 }, "a close frame was sent")
        #expect(close.payload.prefix(2) == [0x03, 0xE9])
        silent.abort()
        try await Self.waitUntil { server.metrics.openSockets == 0 }
        try await running.stop()
    }

    @Test func oversizedSocketMessageClosesWith1009() async throws {
        let server = try makeTestServer(configure: { $0.maxBodyBytes = 1024 })
        let running = try await RunningServer.start(server)
        let socket = try RawSocket(port: running.port)
        socket.send(Array(Self.upgradeRequest(port: running.port, query: "customer_id=c-1", key: FakeData.key).utf8))
        _ = socket.read(until: "conversation_id")
        socket.send(RawSocket.textFrame(#"{"message": "\#(String(repeating: "x", count: 2000))"}"#))
        let frames = RawSocket.frames(socket.readToEnd()[...])
        let close = try #require(frames.first { $0.opcode == 0x8 }, "a close frame was sent")
        #expect(close.payload.prefix(2) == [0x03, 0xF1])
        socket.abort()
        try await Self.waitUntil { server.metrics.openSockets == 0 }
        try await running.stop()
    }

    @Test func invalidUTF8TextClosesWith1007() async throws {
        let server = try makeTestServer()
        let running = try await RunningServer.start(server)
        let socket = try RawSocket(port: running.port)
        socket.send(Array(Self.upgradeRequest(port: running.port, query: "customer_id=c-1", key: FakeData.key).utf8))
        _ = socket.read(until: "conversation_id")
        // A masked text frame whose payload is not UTF-8 (a lone continuation byte and an overlong encoding).
        let payload: [UInt8] = [0x7B, 0x80, 0xC0, 0xAF, 0x7D]
        let mask: [UInt8] = [1, 2, 3, 4]
        socket.send([0x81, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] })
        let frames = RawSocket.frames(socket.readToEnd()[...])
        let close = try #require(frames.first { $0.opcode == 0x8 }, "a close frame was sent")
        #expect(close.payload.prefix(2) == [0x03, 0xEF])  // 1007
        socket.abort()
        try await Self.waitUntil { server.metrics.openSockets == 0 }
        try await running.stop()
    }

    @Test func unmaskedClientFrameClosesWith1002() async throws {
        let server = try makeTestServer()
        let running = try await RunningServer.start(server)
        let socket = try RawSocket(port: running.port)
        socket.send(Array(Self.upgradeRequest(port: running.port, query: "customer_id=c-1", key: FakeData.key).utf8))
        _ = socket.read(until: "conversation_id")
        // A well-formed masked frame first (it is answered), then the same message unmasked.
        socket.send(RawSocket.textFrame(#"{"message": "hello there"}"#))
        _ = socket.read(until: "echo: hello there")
        let payload = Array(#"{"message": "unmasked"}"#.utf8)
        socket.send([0x81, UInt8(payload.count)] + payload)
        let frames = RawSocket.frames(socket.readToEnd()[...])
        let close = try #require(frames.first { $0.opcode == 0x8 }, "a close frame was sent")
        #expect(close.payload.prefix(2) == [0x03, 0xEA])  // 1002
        #expect(!frames.contains { $0.opcode == 0x1 && String(decoding: $0.payload, as: UTF8.self).contains("echo: unmasked") })
        socket.abort()
        try await Self.waitUntil { server.metrics.openSockets == 0 }
        try await running.stop()
    }

    @Test func gracefulShutdownFinishesInFlightRequestsAndRefusesNewOnes() async throws {
        let assistant = FakeAssistant(slowDelay: .seconds(3))
        let server = try makeTestServer(assistant: assistant, configure: {
            $0.gracePeriod = .seconds(10)
            $0.requestTimeout = .seconds(10)
        })
        let running = try await RunningServer.start(server)
        let port = running.port
        async let inFlight = HTTP.post(port: port, path: "/v1/chat", json: #"{"customer_id": "c-1", "message": "slow question"}"#)
        try await Self.waitUntil { assistant.turnsStarted == 1 }
        let shutdownStarted = ContinuousClock.now
        await running.group.triggerGracefulShutdown()
        // New connections are refused while the request is still being answered.
        try await Self.waitUntil(timeout: .milliseconds(2500)) { (try? RawSocket(port: port)).map { $0.abort(); return false } ?? true }
        #expect(assistant.turnsStarted == 1)
        let (status, body) = try await inFlight
        #expect(status == 200)
        #expect(body.contains("echo: slow question"))
        try await running.task.value
        #expect(ContinuousClock.now - shutdownStarted < .seconds(10))
    }

    @Test func gracefulShutdownClosesOpenSockets() async throws {
        let server = try makeTestServer(configure: { $0.gracePeriod = .seconds(10) })
        let running = try await RunningServer.start(server)
        let url = "ws://127.0.0.1:\(running.port)/v1/chat/ws?customer_id=c-1"
        let client = Task {
            try await WebSocketClient.connect(
                url: url, configuration: .init(additionalHeaders: [.authorization: "Bearer \(FakeData.key)"]), logger: Self.logger
            ) { inbound, _, _ in
                // Idle until the server closes the socket.
                for try await _ in inbound.messages(maxSize: 1 << 20) {}
            }
        }
        try await Self.waitUntil { server.metrics.openSockets == 1 }
        let started = ContinuousClock.now
        await running.group.triggerGracefulShutdown()
        let closeFrame = try await client.value
        #expect(closeFrame?.closeCode == .normalClosure)
        try await running.task.value
        #expect(server.metrics.openSockets == 0)
        #expect(ContinuousClock.now - started < .seconds(5), "sockets drained well within the grace period")
    }

    @Test func sigtermDrainsThroughRun() async throws {
        let assistant = FakeAssistant(slowDelay: .milliseconds(1000))
        let server = try makeTestServer(assistant: assistant, configure: { $0.gracePeriod = .seconds(10) })
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let serverTask = Task { try await server.run(onServerRunning: { continuation.yield($0) }) }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        async let inFlight = HTTP.post(port: port, path: "/v1/chat", json: #"{"customer_id": "c-1", "message": "slow again"}"#)
        try await Self.waitUntil { assistant.turnsStarted == 1 }
        kill(getpid(), SIGTERM)
        let (status, _) = try await inFlight
        #expect(status == 200)
        try await serverTask.value
        #expect(throws: RawSocketError.self) { try RawSocket(port: port) }
    }

    static func upgradeRequest(port: Int, query: String, key: String? = nil) -> String {
        var request = "GET /v1/chat/ws?\(query) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        if let key { request += "Authorization: Bearer \(key)\r\n" }
        return request + "\r\n"
    }

    static func waitUntil(timeout: Duration = .seconds(10), _ condition: @Sendable () async -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !(await condition()) {
            guard ContinuousClock.now < deadline else { throw TestFailure("condition not met within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}
