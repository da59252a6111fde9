import Foundation
import Synchronization
import Testing
import SupportKit
import SupportKitTesting
@testable import SupportKitEval
@testable import SupportKitReport

/// `eval --target` against loopback servers that speak real HTTP: a refused key, rate limits, a server that goes
/// away mid-run, a slow server, and the key kept out of everything written.
@Suite(.serialized) struct EvalTargetTests {
    static let key = "target-key-0123456789abcdef"

    static let suiteYAML = """
        - id: first
          customer:
            id: cust-1
            history:
              - {text: "Refund requested for order 5521", category: billing, resolved: false}
          turns:
            - user: "I was charged twice"
              expect: {intent: problem, docs: [billing/duplicate-charges]}
            - user: "still waiting"
              expect: {intent: problem}
        - id: second
          customer: {id: cust-2}
          turns:
            - user: "how do I reset my password?"
              expect: {intent: question}
            - user: "thanks"
              expect: {intent: feedback}
        """

    static func suite() -> EvalSuite {
        SuiteLoader().load(sources: [("evals/target.yaml", suiteYAML)]).suite
    }

    /// A reply in the API's shape; the intent is whatever the message says it should be.
    static func reply(to request: LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response {
        let body = request.json as? [String: Any] ?? [:]
        let message = body["message"] as? String ?? ""
        let intent = message.contains("password") ? "question" : message == "thanks" ? "feedback" : "problem"
        return .json(200, [
            "conversation_id": body["conversation_id"] as? String ?? "c", "customer_id": body["customer_id"] as? String ?? "",
            "text": "answer", "intent": intent, "confidence": 0.9, "category": "billing", "category_confidence": 0.8,
            "sources": [], "escalated": false, "reasons": [], "ticket": NSNull(),
            "retrieved": [["doc_id": "billing/duplicate-charges", "chunk_id": "6f1c2a52-3b8e-5d4e-9a61-2f0d7c9b8e11", "score": 0.8]],
        ] as [String: Any])
    }

    /// The routes `eval --target` uses: readiness, the key check, history seeding and chat.
    static func api(
        chat: @escaping @Sendable (LoopbackHTTPServer.Request) -> LoopbackHTTPServer.Response = reply
    ) -> LoopbackHTTPServer.Handler {
        { request in
            guard request.headers["authorization"] == "Bearer \(key)" || request.path == "/readyz" else {
                return .json(401, ["error": ["code": "unauthorized", "message": "the API key is not valid"]])
            }
            if request.path == "/readyz" {
                return .json(200, ["ready": true, "checks": [], "deployment": ["tool_version": "9.9.9", "embedder": "lexical@1/256", "knowledge_base": "kb1"]])
            }
            if request.path.hasSuffix("/history?limit=1") { return .json(404, ["error": ["code": "not_found", "message": "no customer"]]) }
            if request.path.hasSuffix("/history") { return .json(201, ["customer_id": "x", "recorded": 1]) }
            return chat(request)
        }
    }

    static func factory(_ server: LoopbackHTTPServer, key: String? = EvalTargetTests.key, timeout: Double = 10) throws -> HTTPAssistantSessionFactory {
        HTTPAssistantSessionFactory(configuration: .init(
            target: try AssistantTarget(server.baseURL.absoluteString), apiKey: key.map(APIKeyValue.init), requestTimeout: timeout,
            maxRetryWait: 5))
    }

    static func plan(_ folder: TemporaryDirectory, resume: String? = nil, turnTimeout: Double = 10) throws -> EvalPlan {
        try EvalRequest(
            paths: ["evals/target.yaml"], results: folder.url.appendingPathComponent("results.sqlite").path,
            reportDirectory: folder.url.appendingPathComponent("reports").path, junit: folder.url.appendingPathComponent("junit.xml").path,
            concurrency: 2, resume: resume, turnTimeout: turnTimeout, resamples: 20
        ).plan(settings: EvalSettings())
    }

    static func run(_ factory: HTTPAssistantSessionFactory, _ folder: TemporaryDirectory, resume: String? = nil, turnTimeout: Double = 10) async throws -> EvalJob.Result {
        let loaded = SuiteLoadResult(suite: suite(), errors: [], warnings: [])
        return try await EvalJob.run(plan: try plan(folder, resume: resume, turnTimeout: turnTimeout), loaded: loaded, factory: factory, fingerprints: [:])
    }

    @Test func targetURLsCarryNoSecrets() throws {
        #expect(try AssistantTarget("http://127.0.0.1:8080/").description == "http://127.0.0.1:8080")
        #expect(try AssistantTarget("https://gw.example.com/support").description == "https://gw.example.com/support")
        for bad in ["ftp://host", "127.0.0.1:8080", "http://user:secret@host:8080", "http://host:8080/?key=secret"] {
            let error = #expect(throws: SupportKitError.self) { try AssistantTarget(bad) }
            #expect(error?.code == .invalidInput)
            #expect(error?.message.contains("secret") == false, "the message never repeats a secret")
        }
    }

    @Test func aRefusedKeyStopsTheRunBeforeAnyTurn() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let server = try LoopbackHTTPServer(handler: Self.api())
        defer { server.stop() }
        let wrong = "wrong-key-0123456789abcdef"
        let error = await #expect(throws: SupportKitError.self) { try await Self.run(try Self.factory(server, key: wrong), folder) }
        #expect(error?.exitCode == EvalExitCode.invalidInput)
        #expect(error?.message.contains("refused the API key") == true && error?.message.contains("SUPPORTKIT_API_KEY") == true)
        #expect(error?.message.contains(wrong) == false)
        #expect(!server.requests.contains { $0.path == "/v1/chat" }, "no turn was sent")
        #expect(try ResultsStore(path: folder.url.appendingPathComponent("results.sqlite").path).runs().isEmpty, "no run was recorded")

        let missing = await #expect(throws: SupportKitError.self) { try await Self.run(try Self.factory(server, key: nil), folder) }
        #expect(missing?.message.contains("set SUPPORTKIT_API_KEY") == true)
    }

    @Test func rateLimitedTurnsWaitForRetryAfterAndAreMeasured() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let limited = Counter()
        let server = try LoopbackHTTPServer(handler: Self.api { request in
            // The first two chat requests are refused, as a server over its rate would.
            limited.next() < 2 ? .json(429, ["error": ["code": "rate_limited", "message": "slow down"]], headers: ["Retry-After": "1"]) : Self.reply(to: request)
        })
        defer { server.stop() }
        let started = ContinuousClock.now
        // The turn timeout covers the waits too: generous, for a machine busy with other tests.
        let result = try await Self.run(try Self.factory(server), folder, turnTimeout: 60)
        #expect(ContinuousClock.now - started >= .seconds(1), "Retry-After was waited out")
        #expect(result.outcome.records.allSatisfy { $0.isMeasured }, "\(result.outcome.records.map(\.error))")
        #expect(result.exitCode == EvalExitCode.ok)
        #expect(result.outcome.metrics.metrics["intent_accuracy"]?.value == 1)
        let chats = server.requests.filter { $0.path == "/v1/chat" }
        #expect(chats.count == 6, "4 turns and 2 retries")
        #expect(server.requests.contains { $0.method == "POST" && $0.path.hasSuffix("/history") }, "cust-1's history was seeded")
        let customers = Set(chats.compactMap { ($0.json as? [String: Any])?["customer_id"] as? String })
        #expect(customers.count == 2 && customers.allSatisfy { $0.hasPrefix("eval-\(result.outcome.run.id)-") })
        #expect(result.outcome.run.fingerprints["target"] == server.baseURL.absoluteString)
        #expect(result.outcome.run.fingerprints["target_tool_version"] == "9.9.9")
        #expect(result.outcome.run.fingerprints["corpus_hash"] == "kb1")

        // A Retry-After beyond what a retry may wait fails the turn at once, with the reason.
        let stubborn = try LoopbackHTTPServer(handler: Self.api { _ in .json(429, ["error": ["code": "rate_limited", "message": "later"]], headers: ["Retry-After": "600"]) })
        defer { stubborn.stop() }
        let refused = try await Self.run(try Self.factory(stubborn), folder)
        #expect(refused.outcome.records.allSatisfy { $0.status == .error && $0.error?.contains("lower --concurrency") == true })
    }

    @Test func theRunErasesItsTestCustomersUnlessTold() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let server = try LoopbackHTTPServer(handler: Self.api { request in
            request.method == "DELETE" ? .json(200, ["customer_id": "x", "deleted": ["memory_entries": 2, "tickets": 0], "sessions_closed": 0]) : Self.reply(to: request)
        })
        defer { server.stop() }
        let result = try await Self.run(try Self.factory(server), folder)
        let chatted = Set(server.requests.filter { $0.path == "/v1/chat" }.compactMap { ($0.json as? [String: Any])?["customer_id"] as? String })
        let erased = server.requests.filter { $0.method == "DELETE" }.map(\.path)
        #expect(chatted.count == 2)
        #expect(Set(erased) == Set(chatted.map { "/v1/customers/\($0)" }), "every test customer is erased, once")
        #expect(erased.count == 2)
        #expect(result.outcome.warnings.isEmpty)
        let lastChat = try #require(server.requests.lastIndex { $0.path == "/v1/chat" })
        #expect(server.requests.firstIndex { $0.method == "DELETE" }.map { $0 > lastChat } == true, "after the last turn")

        // --keep-target-data: nothing is erased.
        let keeping = try LoopbackHTTPServer(handler: Self.api())
        defer { keeping.stop() }
        let kept = try await Self.run(HTTPAssistantSessionFactory(configuration: .init(
            target: try AssistantTarget(keeping.baseURL.absoluteString), apiKey: APIKeyValue(Self.key), keepCustomers: true)), folder)
        #expect(!keeping.requests.contains { $0.method == "DELETE" })
        #expect(kept.outcome.warnings.isEmpty)

        // A key without history:delete: the run is still scored, and says what stays and how to fix it.
        let refusing = try LoopbackHTTPServer(handler: Self.api { request in
            request.method == "DELETE"
                ? .json(403, ["error": ["code": "forbidden", "message": "the API key lacks the scope history:delete"]]) : Self.reply(to: request)
        })
        defer { refusing.stop() }
        let refused = try await Self.run(try Self.factory(refusing), folder)
        #expect(refused.exitCode == EvalExitCode.ok)
        let warning = try #require(refused.outcome.warnings.first { $0.contains("test customers stay") })
        #expect(warning.contains("2 of 2 test customers stay on \(refusing.baseURL.absoluteString)"))
        #expect(warning.contains("eval-\(refused.outcome.run.id)-*") && warning.contains("give the key the history:delete scope"))
        #expect(warning.contains("--keep-target-data") && !warning.contains(Self.key))
    }

    @Test func aServerThatStopsMidRunLeavesTheRunForResume() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // readyz, key check, history, then two chat turns: the server stops after its fifth request.
        let first = try LoopbackHTTPServer(maxRequests: 5, handler: Self.api())
        defer { first.stop() }
        let interrupted = try await Self.run(try Self.factory(first), folder)
        #expect(interrupted.exitCode == EvalExitCode.unavailable)
        #expect(interrupted.outcome.run.status == .running)
        let unavailable = interrupted.outcome.records.filter { $0.status == .unavailable }
        #expect(!unavailable.isEmpty && unavailable.allSatisfy { $0.error?.contains("cannot reach the target") == true })
        #expect(interrupted.outcome.records.count == 4, "every turn is recorded, measured or not")

        let second = try LoopbackHTTPServer(handler: Self.api())
        defer { second.stop() }
        let resumed = try await Self.run(try Self.factory(second), folder, resume: interrupted.outcome.run.id)
        #expect(resumed.outcome.run.id == interrupted.outcome.run.id)
        #expect(resumed.exitCode == EvalExitCode.ok)
        #expect(resumed.outcome.run.status == .complete)
        #expect(resumed.outcome.records.count == 4 && resumed.outcome.records.allSatisfy { $0.isMeasured })
    }

    @Test func aSlowServerHitsThePerTurnTimeout() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let server = try LoopbackHTTPServer(handler: Self.api { request in
            var response = Self.reply(to: request)
            if ((request.json as? [String: Any])?["message"] as? String) == "thanks" { response.delay = 20 }
            return response
        })
        defer { server.stop() }
        let started = ContinuousClock.now
        let result = try await Self.run(try Self.factory(server), folder, turnTimeout: 1)
        #expect(ContinuousClock.now - started < .seconds(15))
        let slow = try #require(result.outcome.records.first { $0.user == "thanks" })
        #expect(slow.status == .timeout && slow.error == "no reply within 1.0s")
        #expect(result.outcome.records.filter { $0.isMeasured }.count == 3)
    }

    @Test func theKeyNeverReachesTheDatabaseOrTheReports() async throws {
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        // A careless server that echoes the Authorization header in its errors.
        let server = try LoopbackHTTPServer(handler: Self.api { request in
            .json(500, ["error": ["code": "internal_error", "message": "failed for \(request.headers["authorization"] ?? "")"]])
        })
        defer { server.stop() }
        let result = try await Self.run(try Self.factory(server), folder)
        #expect(result.outcome.records.allSatisfy { $0.status == .error && $0.error?.contains("[redacted]") == true })
        var written: [URL] = [folder.url.appendingPathComponent("junit.xml")]
        written += try FileManager.default.contentsOfDirectory(at: folder.url.appendingPathComponent("reports"), includingPropertiesForKeys: nil)
        written += try FileManager.default.contentsOfDirectory(at: folder.url, includingPropertiesForKeys: nil).filter { $0.lastPathComponent.hasPrefix("results.sqlite") }
        #expect(written.count >= 3)
        for file in written {
            let bytes = try Data(contentsOf: file)
            #expect(bytes.range(of: Data(Self.key.utf8)) == nil, "\(file.lastPathComponent) holds the key")
        }
        let configuration = HTTPAssistantSessionFactory.Configuration(target: try AssistantTarget(server.baseURL.absoluteString), apiKey: APIKeyValue(Self.key))
        #expect(!"\(configuration)".contains(Self.key) && !String(reflecting: configuration).contains(Self.key))
    }
}

/// Counts calls across the server's threads.
final class Counter: Sendable {
    private let value = Mutex(0)
    /// The count before this call.
    func next() -> Int { value.withLock { value in defer { value += 1 }; return value } }
}
