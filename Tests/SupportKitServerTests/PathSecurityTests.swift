import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import SupportKit
@testable import SupportKitServer

/// No spelling of a path reaches a protected route without its key and scope: the path is normalized once, before
/// routing, and the key check is attached to the route the router matched.
@Suite struct PathSecurityTests {
    static let chatOnlyKey = "chat-only-key-0123456789abcdef"
    static let historyWriterKey = "writer-key-0123456789abcdef"

    /// A server whose keys file has a full key (defaults), a chat-only key and a history writer.
    static func server() throws -> SupportServer {
        let keys = try APIKeySet.parseKeysFile("""
            \(FakeData.key)
            \(chatOnlyKey) chat
            \(historyWriterKey) chat history:read history:write
            """, origin: "keys.txt")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return SupportServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, requestTimeout: .seconds(60), rateLimit: 1000, burst: 1000),
            dependencies: ServerDependencies(
                sessions: FakeAssistant(), history: FakeHistory(), tickets: FakeTickets(), readiness: FakeReadiness(ready: true),
                historyRecorder: ScopeAndHistoryTests.Recorder()),
            keys: keys, logger: logger)
    }

    /// A protected route with a concrete path, and a key that lacks its scope.
    struct Protected: Sendable {
        var method: HTTPRequest.Method
        var segments: [String]
        var scopeless: String
    }

    static let protected: [Protected] = [
        Protected(method: .post, segments: ["v1", "chat"], scopeless: "none"),
        Protected(method: .get, segments: ["v1", "chat", "ws"], scopeless: "none"),
        Protected(method: .post, segments: ["v1", "conversations", "conv-1", "agent-messages"], scopeless: "none"),
        Protected(method: .get, segments: ["v1", "customers", "c1", "history"], scopeless: chatOnlyKey),
        Protected(method: .post, segments: ["v1", "customers", "c1", "history"], scopeless: chatOnlyKey),
        Protected(method: .get, segments: ["v1", "tickets", "T-00001"], scopeless: chatOnlyKey),
        Protected(method: .get, segments: ["metrics"], scopeless: chatOnlyKey),
    ]

    /// Spellings that normalize to the route itself.
    static func equivalentSpellings(_ segments: [String]) -> [String] {
        let plain = "/" + segments.joined(separator: "/")
        return [
            plain,
            "/" + plain,                                   // //v1/chat
            "//" + plain,                                  // ///v1/chat
            plain + "/",                                   // trailing slash
            "/" + segments.joined(separator: "//"),        // /v1//chat
            "/" + segments.joined(separator: "/./"),       // /v1/./chat
            "/x/../" + segments.joined(separator: "/"),    // /x/../v1/chat
            "/" + segments.joined(separator: "/%2e/"),     // encoded dot
            "/" + segments[0] + "/y/%2E%2E/" + segments.dropFirst().joined(separator: "/"),
        ]
    }

    @Test func everySpellingOfAProtectedRouteNeedsItsKeyAndScope() async throws {
        try await Self.server().makeApplication().test(.router) { client in
            for route in Self.protected {
                for path in Self.equivalentSpellings(route.segments) {
                    let body = ByteBuffer(string: #"{"customer_id":"c1","message":"I was charged twice"}"#)
                    let none = try await client.execute(uri: path, method: route.method, body: body)
                    #expect(none.status == .unauthorized, "\(route.method) \(path) without a key answered \(none.status)")
                    let wrong = try await client.execute(
                        uri: path, method: route.method, headers: [.authorization: "Bearer wrong-key-0123456789abcdef"], body: body)
                    #expect(wrong.status == .unauthorized, "\(route.method) \(path) with a wrong key answered \(wrong.status)")
                    if route.scopeless != "none" {
                        let scopeless = try await client.execute(
                            uri: path, method: route.method, headers: [.authorization: "Bearer \(route.scopeless)"], body: body)
                        #expect(scopeless.status == .forbidden, "\(route.method) \(path) with a key lacking the scope answered \(scopeless.status)")
                    }
                }
            }
        }
    }

    @Test func pathsThatCannotBeNormalizedAre400AndUpperCaseIsNotARoute() async throws {
        try await Self.server().makeApplication().test(.router) { client in
            for path in ["/v1/customers/a%2Fb/history", "/v1%2fchat", "/v1/tickets/..%5C..%5Cx", "/../v1/chat", "/v1/chat/../../..", "/v1/ch%zzat", "/v1/c%00hat"] {
                let response = try await client.execute(uri: path, method: .post, body: ByteBuffer(string: "{}"))
                #expect(response.status == .badRequest, "\(path) answered \(response.status)")
                #expect(try RouterTests.error(response).code == "bad_request")
            }
            for path in ["/V1/chat", "/METRICS", "/V1/tickets/T-00001"] {
                let response = try await client.execute(uri: path, method: path.contains("chat") ? .post : .get)
                #expect(response.status == .notFound, "\(path) answered \(response.status)")
            }
            // Under /v1/, an unknown spelling asks for a key first (and then is 404): never the route itself.
            let upper = try await client.execute(uri: "/v1/CHAT", method: .post, body: ByteBuffer(string: "{}"))
            #expect(upper.status == .unauthorized)
            let upperWithKey = try await client.execute(
                uri: "/v1/CHAT", method: .post, headers: [.authorization: "Bearer \(FakeData.key)"], body: ByteBuffer(string: "{}"))
            #expect(upperWithKey.status == .notFound)
        }
    }

    @Test func equivalentSpellingsWithTheRightKeyReachTheRoute() async throws {
        try await Self.server().makeApplication().test(.router) { client in
            let auth: HTTPFields = [.authorization: "Bearer \(FakeData.key)", .contentType: "application/json"]
            for path in Self.equivalentSpellings(["v1", "chat"]) {
                let response = try await client.execute(
                    uri: path, method: .post, headers: auth, body: ByteBuffer(string: #"{"customer_id":"c1","message":"hi"}"#))
                #expect(response.status == .ok, "\(path) answered \(response.status)")
            }
            // The query string survives normalization.
            let history = try await client.execute(uri: "//v1/customers/c1/history?limit=1", method: .get, headers: auth)
            #expect(history.status != .badRequest)
        }
    }

    @Test func normalization() throws {
        #expect(try RequestPath.normalize("//v1//chat/").get() == "/v1/chat")
        #expect(try RequestPath.normalize("/").get() == "/")
        #expect(try RequestPath.normalize("///").get() == "/")
        #expect(try RequestPath.normalize("/a/./b/../c").get() == "/a/c")
        #expect(try RequestPath.normalize("/v1/customers/a%20b/history").get() == "/v1/customers/a%20b/history")
        #expect(try RequestPath.normalize(target: "//v1/chat/ws?api_key=k").get() == "/v1/chat/ws?api_key=k")
        #expect((try? RequestPath.normalize("v1/chat").get()) == nil)
        #expect((try? RequestPath.normalize("/..").get()) == nil)
        #expect((try? RequestPath.normalize("/a%2fb").get()) == nil)
        #expect((try? RequestPath.normalize("/a%").get()) == nil)
    }

    /// A bounded fuzz run: 100,000 generated paths, normalized by ``RequestPath`` and by a model written the other
    /// way round (RFC 3986 dot-segment removal on the whole string), must agree.
    @Test func fuzzedPathsMatchTheModel() throws {
        var generator = SplitMix(seed: 20261206)
        let pieces = ["", ".", "..", "v1", "V1", "chat", "ws", "customers", "c1", "history", "tickets", "T-1", "metrics",
                      "%2e", "%2E%2e", "%2F", "%5c", "a%20b", "conversations", "agent-messages", "healthz", "%", "%zz"]
        for _ in 0..<100_000 {
            let count = Int(generator.next() % 7)
            let path = "/" + (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined(separator: "/")
            let actual = try? RequestPath.normalize(Substring(path)).get()
            #expect(actual == Self.model(path), "\(path)")
        }
    }

    /// Through the router: 2,000 generated paths without a key never reach a protected route's handler.
    @Test func fuzzedPathsThroughTheRouterNeverSkipTheKey() async throws {
        var generator = SplitMix(seed: 7)
        let pieces = ["", ".", "..", "v1", "chat", "ws", "customers", "c1", "history", "tickets", "T-1", "metrics", "%2e", "x"]
        var cases: [(path: String, method: HTTPRequest.Method)] = []
        for _ in 0..<2_000 {
            let count = 1 + Int(generator.next() % 5)
            let path = "/" + (0..<count).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }.joined(separator: "/")
            cases.append((path, generator.next() % 2 == 0 ? .get : .post))
        }
        try await Self.server().makeApplication().test(.router) { [cases] client in
            for (path, method) in cases {
                let response = try await client.execute(uri: path, method: method, body: ByteBuffer(string: "{}"))
                let expected: Set<Int>
                switch Self.model(path).flatMap({ Self.route(of: $0, method: method) }) {
                case .some(true): expected = [401]
                case .some(false): expected = [200, 503, 404, 400]  // open routes, or a method not served there
                case nil:
                    // Unknown paths under /v1/ ask for a key first; a known path with another method is 404.
                    expected = Self.model(path) == nil ? [400] : Self.model(path)?.hasPrefix("/v1") == true ? [401, 404] : [404, 405]
                }
                #expect(expected.contains(response.status.code), "\(method) \(path) answered \(response.status.code)")
            }
        }
    }

    /// Whether `normalized` names a protected route (true), an open one (false), or none (nil).
    static func route(of normalized: String, method: HTTPRequest.Method) -> Bool? {
        let segments = normalized.split(separator: "/").map(String.init)
        for endpoint in SupportServer.endpoints where endpoint.method == method.rawValue {
            let pattern = endpoint.path.split(separator: "/").map(String.init)
            guard pattern.count == segments.count else { continue }
            if zip(pattern, segments).allSatisfy({ $0.hasPrefix("{") || $0 == $1 }) {
                return endpoint.requiresKey(ServerConfiguration())
            }
        }
        return nil
    }

    /// The reference: refuse what cannot be normalized, then remove empty and dot segments textually.
    static func model(_ path: String) -> String? {
        let lower = path.lowercased()
        if lower.contains("%2f") || lower.contains("%5c") { return nil }
        var index = path.startIndex
        while let percent = path[index...].firstIndex(of: "%") {
            let hex = path[path.index(after: percent)...].prefix(2)
            guard hex.count == 2, hex.allSatisfy(\.isHexDigit) else { return nil }
            index = path.index(percent, offsetBy: 3)
        }
        var text = path.replacingOccurrences(of: "%2e", with: ".").replacingOccurrences(of: "%2E", with: ".")
        while text.contains("//") { text = text.replacingOccurrences(of: "//", with: "/") }
        if !text.hasSuffix("/") { text += "/" }
        while text.contains("/./") { text = text.replacingOccurrences(of: "/./", with: "/") }
        var output: [Substring] = []
        for segment in text.split(separator: "/") {
            if segment == ".." {
                guard output.popLast() != nil else { return nil }
            } else {
                output.append(segment)
            }
        }
        // Percent-encoded dots were compared decoded; give back the original spelling of the kept segments.
        let original = path.split(separator: "/").filter { !$0.isEmpty }
        var kept: [Substring] = []
        for segment in original {
            let decoded = segment.replacingOccurrences(of: "%2e", with: ".").replacingOccurrences(of: "%2E", with: ".")
            if decoded == "." { continue }
            if decoded == ".." { kept.removeLast(); continue }
            kept.append(segment)
        }
        guard kept.count == output.count else { return nil }
        return "/" + kept.joined(separator: "/")
    }
}

/// A small deterministic generator for the fuzz runs.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE5_E9B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
