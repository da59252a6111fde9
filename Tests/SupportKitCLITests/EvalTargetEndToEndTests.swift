import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import ServiceLifecycle
import Testing
import SupportKit
import SupportKitEval
import SupportKitReport
import SupportKitServer
import SupportKitTesting
@testable import supportkit

/// `eval --target` against the real server: `serve`'s wiring (the real assistant, the lexical embedder, the bundled
/// corpus) on a loopback port, and the same suite replayed in process and through the API.
@Suite(.serialized, .enabled(if: CLI.binary != nil, "the supportkit binary is built beside the tests"))
struct EvalTargetEndToEndTests {
    static let key = "e2e-eval-key-0123456789abcdef"

    static let suite = """
        - id: double-charge
          customer:
            id: cust-1
            profile: {plan: plus}
            history:
              - {text: "Refund requested for order NW-20481734", category: billing, resolved: false}
          turns:
            - user: "I was charged twice for my order"
              expect: {intent: problem, category: billing, docs: [billing/duplicate-charges], escalate: false}
            - agent: "I see two charges of $12.99; one of them is a pending hold."
            - user: "when will the hold disappear?"
              expect: {category: billing, docs: [billing/duplicate-charges]}
            - user: "this is the third time, get me a human now"
              expect: {intent: escalate, escalate: true}
        - id: reset-password
          customer: {id: cust-2}
          turns:
            - user: "how do I reset my password?"
              expect: {intent: question, category: account, docs: [account/reset-password], escalate: false}
            - user: "thanks, that worked"
        - id: same-customer-again
          customer:
            id: cust-1
            history:
              - {text: "Asked where the refund for order NW-20481734 is", category: billing, resolved: true}
          turns:
            - user: "where is my refund?"
              expect: {category: billing, escalate: false}
        """

    @Test func theSameSuiteScoresTheSameInProcessAndThroughTheServer() async throws {
        let folder = try CLI.scratch()
        defer { folder.remove() }
        _ = try folder.write(Self.suite, to: "target.yaml")
        #expect(try await CLI.runDetached(["ingest", "corpora", "--embedder", "lexical"], in: folder).status == 0)
        #expect(try await CLI.runDetached(["train", "corpora/intents.yaml"], in: folder).status == 0)

        let store = folder.url.appendingPathComponent(".supportkit/store.sqlite").path
        let wiring = try Wiring(options: try GlobalOptions.parse(["--store", "sqlite:\(store)", "--config", folder.url.appendingPathComponent("supportkit.yaml").path]))
        var logger = Logger(label: "e2e")
        logger.logLevel = .critical
        let server = SupportServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, rateLimit: 1000, burst: 1000),
            dependencies: try await makeServerDependencies(wiring: wiring),
            keys: try APIKeySet.parseKeysFile("\(Self.key) chat history:read history:write\n", origin: "keys"), logger: logger)
        let (ports, reported) = AsyncStream<Int>.makeStream()
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [server.makeApplication { reported.yield($0) }], logger: logger))
        let serving = Task { try await group.run() }
        var portIterator = ports.makeAsyncIterator()
        let port = try #require(await portIterator.next())
        let target = try AssistantTarget("http://127.0.0.1:\(port)")

        // In process, as `eval` builds it; then through the API.
        let context = try await wiring.makeEvalContext(dryRun: false)
        let loaded = context.loader.load(paths: [folder.url.appendingPathComponent("target.yaml").path])
        #expect(loaded.errors.isEmpty, "\(loaded.errors)")
        func plan(_ name: String) throws -> EvalPlan {
            try EvalRequest(paths: ["target.yaml"], results: folder.url.appendingPathComponent("\(name).sqlite").path,
                            reportDirectory: folder.url.appendingPathComponent(name).path, resamples: 200).plan(settings: EvalSettings())
        }
        let local = try await EvalJob.run(
            plan: try plan("local"), loaded: loaded, factory: try #require(context.assistant).factory,
            fingerprints: wiring.runFingerprints(catalog: context.catalog))
        let http = HTTPAssistantSessionFactory(configuration: .init(target: target, apiKey: APIKeyValue(Self.key)))
        let remote = try await EvalJob.run(
            plan: try plan("remote"), loaded: loaded, factory: http, fingerprints: wiring.runFingerprints(catalog: nil, target: target))

        #expect(remote.exitCode == 0 && remote.outcome.records.allSatisfy { $0.isMeasured }, "\(remote.outcome.records.compactMap(\.error))")
        let quality = local.outcome.metrics.metrics.keys.filter { !$0.hasPrefix("latency_") }
        #expect(quality.count > 10)
        for name in quality.sorted() {
            #expect(remote.outcome.metrics.metrics[name] == local.outcome.metrics.metrics[name], "\(name)")
        }
        for (mine, theirs) in zip(local.outcome.records, remote.outcome.records) {
            #expect(mine.prediction?.intent == theirs.prediction?.intent && mine.prediction?.rankedDocIds == theirs.prediction?.rankedDocIds
                    && mine.prediction?.escalated == theirs.prediction?.escalated && mine.prediction?.memoryRecalled == theirs.prediction?.memoryRecalled,
                    "\(mine.conversationId)#\(mine.turnIndex)")
        }
        // What answered, as the server reports it, matches what answered in process.
        let fingerprints = remote.outcome.run.fingerprints
        #expect(fingerprints["target"] == "http://127.0.0.1:\(port)" && fingerprints["target_tool_version"] == BuildInfo.version)
        for key in ["embedder", "classifier", "corpus_hash", "assistant_config"] {
            #expect(fingerprints[key] != nil && fingerprints[key] == local.outcome.run.fingerprints[key], "\(key)")
        }

        // The seeded history is in the server's memory, under the run's namespaced customer, not the suite's.
        let customer = try #require(http.targetCustomerId(forConversation: "double-charge"))
        #expect(customer.hasPrefix("eval-\(remote.outcome.run.id)-") && customer.hasSuffix("-cust-1"))
        #expect(http.targetCustomerId(forConversation: "same-customer-again") != customer, "each conversation its own customer")
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/customers/\(customer)/history")!)
        request.setValue("Bearer \(Self.key)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        let history = String(decoding: data, as: UTF8.self)
        #expect(history.contains("Refund requested for order NW-20481734") && history.contains("I was charged twice"))
        var live = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/customers/cust-1/history")!)
        live.setValue("Bearer \(Self.key)", forHTTPHeaderField: "Authorization")
        #expect((try await URLSession.shared.data(for: live)).1 is HTTPURLResponse)
        #expect(((try await URLSession.shared.data(for: live)).1 as? HTTPURLResponse)?.statusCode == 404, "the suite's own customer id was never used")

        // The command: a refused key stops before any turn (exit 2); the right one measures every turn.
        let wrong = try await CLI.runDetached(["eval", "target.yaml", "--target", target.description, "--results", "cli.sqlite"], in: folder,
                                environment: ["SUPPORTKIT_API_KEY": "not-the-key-0123456789"])
        #expect(wrong.status == 2 && wrong.stderr.contains("refused the API key"), "\(wrong.stderr)")
        #expect(!wrong.stderr.contains("not-the-key"))
        let right = try await CLI.runDetached(["eval", "target.yaml", "--target", target.description, "--results", "cli.sqlite", "--json"], in: folder,
                                environment: ["SUPPORTKIT_API_KEY": Self.key])
        #expect(right.status == 0, "\(right.stderr)")
        let output = try CLI.object(right.stdout)
        #expect(output["unmeasured"] as? Int == 0)
        let recall = (output["metrics"] as? [String: Any])?["recall@5"] as? [String: Any]
        #expect(recall?["value"] as? Double == local.outcome.metrics.metrics["recall@5"]?.value)
        let database = try Data(contentsOf: folder.url.appendingPathComponent("cli.sqlite"))
        #expect(database.range(of: Data(Self.key.utf8)) == nil)

        await group.triggerGracefulShutdown()
        try await serving.value
    }
}
