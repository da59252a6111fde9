import Foundation
import SupportKitTesting
import Synchronization

/// A chat-completions endpoint for tests, on the shared loopback server (`LoopbackHTTPServer`): every request gets
/// the canned response of the current `Behavior`.
final class ChatCompletionsStubServer: Sendable {
    enum Behavior: Sendable {
        /// 200 with a completion whose message content is this text.
        case content(String)
        /// 200 with this raw body.
        case rawBody(String)
        /// This HTTP status with an OpenAI-style error body.
        case status(Int, String)
        /// Waits this long before answering with the content (to exceed the client's deadline).
        case slow(seconds: Double, content: String)
    }

    struct Recorded: Sendable {
        var path: String
        var headers: [String: String]
        var body: String
    }

    /// The behavior in force, shared with the server's handler.
    private final class Current: Sendable {
        let behavior: Mutex<Behavior>
        init(_ behavior: Behavior) { self.behavior = Mutex(behavior) }
    }

    private let server: LoopbackHTTPServer
    private let current: Current

    init(_ behavior: Behavior) throws {
        let current = Current(behavior)
        self.current = current
        server = try LoopbackHTTPServer { _ in
            let json = ["Content-Type": "application/json"]
            switch current.behavior.withLock({ $0 }) {
            case .content(let text):
                return .init(status: 200, headers: json, body: Data(Self.completion(text).utf8))
            case .rawBody(let raw):
                return .init(status: 200, headers: json, body: Data(raw.utf8))
            case .status(let code, let message):
                return .json(code, ["error": ["message": message, "type": "invalid_request_error"]])
            case .slow(let seconds, let text):
                return .init(status: 200, headers: json, body: Data(Self.completion(text).utf8), delay: seconds)
            }
        }
    }

    var port: UInt16 { server.port }
    var baseURL: URL { server.baseURL.appendingPathComponent("v1") }
    var requests: [Recorded] {
        server.requests.map { Recorded(path: $0.path, headers: $0.headers, body: String(decoding: $0.body, as: UTF8.self)) }
    }

    func setBehavior(_ behavior: Behavior) { current.behavior.withLock { $0 = behavior } }

    func stop() { server.stop() }

    static func completion(_ content: String) -> String {
        let object: [String: Any] = [
            "id": "chatcmpl-test", "object": "chat.completion", "model": "stub",
            "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": content]]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
