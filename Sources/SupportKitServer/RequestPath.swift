import Hummingbird

/// The one spelling of a request path that routing and authorization both see.
///
/// Every request passes through ``normalize(_:)`` before the router: empty segments (`//`) are dropped, `.` and
/// `..` segments are resolved (also when percent-encoded), and a trailing slash is removed, so `//v1/chat`,
/// `/v1/./chat` and `/v1/chat/` all become `/v1/chat`. What cannot be normalized safely is refused with 400: a
/// percent-encoded slash or backslash inside a segment (`/v1/customers/a%2Fb/history` would otherwise mean a
/// different path to a proxy than to the router), a `..` above the root, an invalid percent escape, a control or
/// NUL character, or a path that does not start with `/`. The query string is kept as it was.
public enum RequestPath {
    /// Why a path was refused.
    public struct Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        /// What is wrong with the path, phrased for the client.
        public var reason: String
        public var description: String { reason }
    }

    /// The normalized path (without the query), or the reason it cannot be normalized.
    ///
    /// - Parameter path: The path as the request line gave it, without the query string.
    public static func normalize(_ path: Substring) -> Result<String, Refusal> {
        guard path.first == "/" else {
            return .failure(Refusal(reason: "the request path must start with /"))
        }
        var segments: [Substring] = []
        for segment in path.split(separator: "/", omittingEmptySubsequences: true) {
            if let refusal = refusal(of: segment) { return .failure(refusal) }
            switch dotSegment(segment) {
            case .current:
                continue
            case .parent:
                guard segments.popLast() != nil else {
                    return .failure(Refusal(reason: "the request path climbs above the root with '..'"))
                }
            case nil:
                segments.append(segment)
            }
        }
        return .success("/" + segments.joined(separator: "/"))
    }

    /// The path and query of a request target with its path normalized.
    public static func normalize(target: String) -> Result<String, Refusal> {
        let queryStart = target.firstIndex(where: { $0 == "?" || $0 == "#" }) ?? target.endIndex
        return normalize(target[..<queryStart]).map { $0 + target[queryStart...] }
    }

    private enum Dot { case current, parent }

    /// `.` or `..`, literally or percent-encoded (`%2e`, `%2E%2e`, ...).
    private static func dotSegment(_ segment: Substring) -> Dot? {
        guard segment.count <= 6 else { return nil }
        let decoded = segment.lowercased().replacingOccurrences(of: "%2e", with: ".")
        switch decoded {
        case ".": return .current
        case "..": return .parent
        default: return nil
        }
    }

    /// Why a segment cannot be routed safely, if it cannot.
    private static func refusal(of segment: Substring) -> Refusal? {
        var utf8 = segment.utf8.makeIterator()
        while let byte = utf8.next() {
            if byte < 0x20 || byte == 0x7F {
                return Refusal(reason: "the request path contains a control character")
            }
            guard byte == UInt8(ascii: "%") else { continue }
            guard let high = utf8.next().flatMap(hexValue), let low = utf8.next().flatMap(hexValue) else {
                return Refusal(reason: "the request path has an invalid percent escape; encode '%' as %25")
            }
            switch high << 4 | low {
            case UInt8(ascii: "/"), UInt8(ascii: "\\"):
                return Refusal(reason: "the request path contains an encoded slash (%2F or %5C), which is not accepted")
            case 0x00..<0x20, 0x7F:
                return Refusal(reason: "the request path contains an encoded control character")
            default:
                continue
            }
        }
        return nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Wraps a router so that every request is routed, authorized and measured on its normalized path
/// (``RequestPath``); a path that cannot be normalized gets 400 with the usual error body before any route runs.
struct PathNormalizingRouter<Builder: HTTPResponderBuilder>: HTTPResponderBuilder
where Builder.Responder.Context == ServerRequestContext {
    let router: Builder
    let metrics: ServerMetrics

    func buildResponder() -> Responder {
        Responder(next: router.buildResponder(), metrics: metrics)
    }

    struct Responder: HTTPResponder {
        typealias Context = ServerRequestContext
        let next: Builder.Responder
        let metrics: ServerMetrics

        func respond(to request: Request, context: Context) async throws -> Response {
            let target = request.head.path ?? ""
            switch RequestPath.normalize(target: target) {
            case .success(let normalized) where normalized == target:
                return try await next.respond(to: request, context: context)
            case .success(let normalized):
                var head = request.head
                head.path = normalized
                return try await next.respond(to: Request(head: head, body: request.body), context: context)
            case .failure(let refusal):
                metrics.recordRequest(
                    route: "BadPath", method: request.method.rawValue, status: 400, duration: .zero,
                    errorCode: ServerError.Code.badRequest.rawValue)
                return ServerError(.badRequest, .badRequest, "\(refusal.reason); send the path as openapi.yaml spells it")
                    .makeResponse()
            }
        }
    }
}
