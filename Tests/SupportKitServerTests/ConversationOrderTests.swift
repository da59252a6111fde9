import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
@testable import SupportKitServer

/// Turns of one conversation are answered one at a time, in arrival order, over REST and WebSocket alike.
@Suite struct ConversationOrderTests {
    @Test func sixteenConcurrentTurnsIntoOneConversationOpenOneTicket() async throws {
        let assistant = RacyAssistant()
        // A generous deadline: this is about order, not speed, and a loaded machine must not turn it into 504s.
        let server = try makeTestServer(assistant: assistant, configure: { $0.requestTimeout = .seconds(60) })
        try await server.makeApplication().test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: (HTTPResponse.Status, String?).self) { group in
                for index in 0..<16 {
                    group.addTask {
                        let response = try await client.execute(
                            uri: "/v1/chat", method: .post, headers: RouterTests.jsonAuth,
                            body: RouterTests.chatBody("a person please (\(index))", conversation: "conv-race"))
                        let ticket = (try? RouterTests.json(response))?["ticket"] as? [String: Any]
                        return (response.status, ticket?["id"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.allSatisfy { $0.0 == .ok })
            #expect(Set(statuses.compactMap { $0.1 }) == ["T-1"])
        }
        let seen = assistant.state.withLock { $0 }
        #expect(seen.tickets == 1)
        #expect(seen.conversations["conv-race"]?.maxRunning == 1)
        #expect(seen.conversations["conv-race"]?.messages.count == 16)
    }

    @Test func differentConversationsStillRunInParallel() async throws {
        let assistant = RacyAssistant(turnTime: .milliseconds(300))
        let server = try makeTestServer(assistant: assistant, configure: { $0.requestTimeout = .seconds(60) })
        try await server.makeApplication().test(.router) { client in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        _ = try await client.execute(
                            uri: "/v1/chat", method: .post, headers: RouterTests.jsonAuth,
                            body: RouterTests.chatBody("hello", conversation: "conv-\(index)"))
                    }
                }
                try await group.waitForAll()
            }
        }
        let seen = assistant.state.withLock { $0 }
        #expect(seen.tickets == 8)
        // Serializing across conversations would keep this at 1.
        #expect(seen.maxRunning > 1)
    }

    @Test func aFullQueueIs409WithAClearBody() async throws {
        // Turns long enough that all four requests arrive while the first runs, even on a loaded machine.
        let assistant = RacyAssistant(turnTime: .milliseconds(1500))
        let server = try makeTestServer(assistant: assistant, configure: {
            $0.maxQueuedTurns = 1
            $0.requestTimeout = .seconds(60)
        })
        try await server.makeApplication().test(.router) { client in
            let responses = try await withThrowingTaskGroup(of: TestResponse.self) { group in
                for index in 0..<4 {
                    group.addTask {
                        try await client.execute(
                            uri: "/v1/chat", method: .post, headers: RouterTests.jsonAuth,
                            body: RouterTests.chatBody("turn \(index)", conversation: "conv-busy"))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let refused = responses.filter { $0.status == .conflict }
            #expect(responses.filter { $0.status == .ok }.count == 2)
            #expect(refused.count == 2)
            let error = try RouterTests.error(try #require(refused.first))
            #expect(error.code == "conversation_busy")
            #expect(error.message.contains("wait for the replies"))
        }
    }

    @Test func aTurnThatTimesOutFinishesBeforeTheNextStarts() async throws {
        let assistant = RacyAssistant(turnTime: .milliseconds(600), ignoresCancellation: true)
        let server = try makeTestServer(assistant: assistant, configure: { $0.requestTimeout = .milliseconds(200) })
        try await server.makeApplication().test(.router) { client in
            let first = try await client.execute(
                uri: "/v1/chat", method: .post, headers: RouterTests.jsonAuth, body: RouterTests.chatBody("first", conversation: "conv-slow"))
            #expect(first.status == .gatewayTimeout)
            // The first keeps running past its 504; the second waits behind it, times out while waiting, and
            // never runs.
            let second = try await client.execute(
                uri: "/v1/chat", method: .post, headers: RouterTests.jsonAuth, body: RouterTests.chatBody("second", conversation: "conv-slow"))
            #expect(second.status == .gatewayTimeout)
        }
        // Wait for the first turn to finish in the background.
        for _ in 0..<100 where assistant.state.withLock({ $0.running }) > 0 { try await Task.sleep(for: .milliseconds(50)) }
        let seen = assistant.state.withLock { $0 }
        #expect(seen.conversations["conv-slow"]?.maxRunning == 1)
        #expect(seen.running == 0)
        // The second either timed out while waiting and never ran, or (on a slow machine) ran after the first ended.
        #expect(seen.events == ["start first", "end first"] || seen.events == ["start first", "end first", "start second", "end second"])
    }
}
