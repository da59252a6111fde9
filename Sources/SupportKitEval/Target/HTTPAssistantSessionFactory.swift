import Foundation
import Synchronization
import SupportKit

/// Opens assistant sessions on a running assistant (`supportkit serve`, or any service with the API of
/// `docs/evaluate-your-assistant.md`): `supportkit eval --target URL`.
///
/// Each replayed conversation speaks as its own customer, `eval-<run>-<12 hex>-<customer>`, so neither live
/// customers' memory nor another conversation's mixes in, and a conversation replayed again by `--resume` starts
/// afresh. A conversation's `customer.history` and `profile` are seeded through `POST /v1/customers/{id}/history`;
/// a target that refuses it (403, 404) makes that conversation unmeasurable, with the reason.
public final class HTTPAssistantSessionFactory: AssistantSessionFactory {
    /// Where the target is and how to talk to it.
    public struct Configuration: Sendable {
        /// The target's base URL.
        public var target: AssistantTarget
        /// `SUPPORTKIT_API_KEY`; nil sends no `Authorization` header.
        public var apiKey: APIKeyValue?
        /// Seconds one HTTP request may take in total (the runner's per-turn deadline also applies).
        public var requestTimeout: Double
        /// 429 answers retried per request, each after its `Retry-After`.
        public var maxRateLimitRetries: Int
        /// The longest `Retry-After` waited out, in seconds.
        public var maxRetryWait: Double
        /// Whether the run's test customers stay on the target (`--keep-target-data`); by default ``finishRun()``
        /// erases them.
        public var keepCustomers: Bool

        /// Settings with 30 s per request, 5 retries on 429 and at most 30 s per wait.
        public init(
            target: AssistantTarget, apiKey: APIKeyValue?, requestTimeout: Double = 30, maxRateLimitRetries: Int = 5,
            maxRetryWait: Double = 30, keepCustomers: Bool = false
        ) {
            self.keepCustomers = keepCustomers
            self.target = target
            self.apiKey = apiKey
            self.requestTimeout = requestTimeout
            self.maxRateLimitRetries = maxRateLimitRetries
            self.maxRetryWait = maxRetryWait
        }
    }

    private struct State {
        var runId = "norun"
        var deployment: [String: String] = [:]
        var customers: [String: String] = [:]
        /// Every customer id this factory made on the target and has not erased yet, in order.
        var created: [String] = []
    }

    let client: TargetClient
    let keepCustomers: Bool
    private let state = Mutex(State())

    /// A factory for `configuration.target`, over `transport`.
    public init(configuration: Configuration, transport: any HTTPTransport = HTTPClientTransport()) {
        keepCustomers = configuration.keepCustomers
        client = TargetClient(
            target: configuration.target, apiKey: configuration.apiKey, transport: transport,
            requestTimeout: configuration.requestTimeout, maxRateLimitRetries: configuration.maxRateLimitRetries,
            maxRetryWait: configuration.maxRetryWait)
    }

    /// Reads what the target reports about itself at `/readyz` and checks the key, before any turn.
    ///
    /// - Throws: `SupportKitError.unavailable` when the target cannot be reached or is not ready;
    ///   `SupportKitError.invalidInput` when it refuses the key (401).
    public func prepare(forRun runId: String) async throws {
        state.withLock { $0.runId = runId }
        let (data, response) = try await client.send("GET", "/readyz")
        switch response.statusCode {
        case 200:
            let deployment = Self.deployment(in: data)
            state.withLock { $0.deployment = deployment }
        case 404:
            break  // A minimal API without /readyz: the run records only the URL.
        default:
            throw client.failure(response, data, doing: "checking GET /readyz")
        }
        // Any authenticated route tells a refused key from an accepted one; this one changes nothing.
        let probe = "/v1/customers/\(HTTPAssistantSession.pathSegment(namespace(runId) + "key-check"))/history?limit=1"
        let (probeData, probeResponse) = try await client.send("GET", probe)
        if probeResponse.statusCode == 401 {
            throw client.failure(probeResponse, probeData, doing: "checking the API key")
        }
    }

    public func makeSession(conversationId: String, customer: Conversation.Customer, isolatedMemory: Bool) async throws -> any AssistantSession {
        let runId = state.withLock { $0.runId }
        let nonce = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        let prefix = namespace(runId) + nonce + "-"
        let customerId = prefix + String(customer.id.prefix(Self.maxIdLength - prefix.count))
        state.withLock {
            $0.customers[conversationId] = customerId
            $0.created.append(customerId)
        }
        if !customer.history.isEmpty || !customer.profile.isEmpty {
            try await seed(customer, as: customerId)
        }
        return HTTPAssistantSession(client: client, customerId: customerId, conversationId: String(conversationId.prefix(Self.maxIdLength)))
    }

    /// Erases the run's test customers on the target (`DELETE /v1/customers/{id}`), unless `keepCustomers`.
    ///
    /// - Returns: A warning naming what stays on the target and why (a key without the `history:delete` scope, a
    ///   target without the endpoint, an unreachable target); nothing when every customer was erased.
    public func finishRun() async -> [String] {
        let (runId, created) = state.withLock { state in
            defer { state.created = [] }
            return (state.runId, state.created)
        }
        guard !created.isEmpty, !keepCustomers else { return [] }
        var erased = 0
        for customerId in created {
            let path = "/v1/customers/\(HTTPAssistantSession.pathSegment(customerId))"
            let failure: String
            do {
                let (data, response) = try await client.send("DELETE", path)
                if (200..<300).contains(response.statusCode) {
                    erased += 1
                    continue
                }
                let detail = client.serverMessage(data).map { ": \($0)" } ?? ""
                failure = switch response.statusCode {
                case 403: "DELETE /v1/customers/{id} answered 403 (the key lacks the history:delete scope); give the key the history:delete scope in the server's keys file"
                case 404, 405, 501: "the target does not erase customers (DELETE /v1/customers/{id} answered \(response.statusCode)\(detail))"
                default: "DELETE /v1/customers/{id} answered \(response.statusCode)\(detail)"
                }
            } catch {
                failure = "the target could not be reached to erase them (\(client.redact("\(error)")))"
            }
            let left = created.count - erased
            return ["\(left) of \(created.count) test customers stay on \(client.target) (\(namespace(runId))*): \(failure); or pass --keep-target-data to keep them knowingly"]
        }
        return []
    }

    /// The target, what it reported at `/readyz` (`tool_version` as `target_tool_version`, `knowledge_base` as
    /// `corpus_hash`, the rest under their own names), and the customers' namespace.
    public var fingerprints: [String: String] {
        let (runId, deployment) = state.withLock { ($0.runId, $0.deployment) }
        var fingerprints: [String: String] = ["target": client.target.description, "target_customers": namespace(runId) + "*"]
        for (key, value) in deployment {
            switch key {
            case "tool_version": fingerprints["target_tool_version"] = value
            case "knowledge_base": fingerprints[FingerprintKey.corpusHash] = value
            default: fingerprints[key] = value
            }
        }
        return fingerprints
    }

    /// The customer id the target saw for the last replay of `conversationId` (for logs and checks).
    public func targetCustomerId(forConversation conversationId: String) -> String? {
        state.withLock { $0.customers[conversationId] }
    }

    /// Longest id the API accepts.
    static let maxIdLength = 128

    private func namespace(_ runId: String) -> String { "eval-\(runId)-" }

    private func seed(_ customer: Conversation.Customer, as customerId: String) async throws {
        var entries: [[String: Any]] = []
        for item in customer.history {
            var entry: [String: Any] = ["text": item.text, "resolved": item.resolved]
            if let intent = item.intent { entry["intent"] = intent }
            if let category = item.category { entry["category"] = category }
            entries.append(entry)
        }
        let path = "/v1/customers/\(HTTPAssistantSession.pathSegment(customerId))/history"
        let (data, response) = try await client.send("POST", path, json: ["entries": entries, "profile": customer.profile])
        switch response.statusCode {
        case 200..<300:
            return
        case 403, 404, 405, 501:
            let detail = client.serverMessage(data).map { ": \($0)" } ?? ""
            throw SupportKitError(.invalidInput, "not measurable against \(client.target): the conversation's customer has a history or profile and the target refused to seed it (POST /v1/customers/{id}/history answered \(response.statusCode)\(detail)); give the key the history:write scope")
        default:
            throw client.failure(response, data, doing: "seeding the customer's history")
        }
    }

    /// The string fields of `deployment` in a `/readyz` body.
    static func deployment(in data: Data) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let deployment = object["deployment"] as? [String: Any]
        else { return [:] }
        return deployment.compactMapValues { $0 as? String }
    }
}
