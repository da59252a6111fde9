import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 speaking just enough of the chat-completions wire format for tests:
/// every request gets the canned response of the current `Behavior`.
///
/// POSIX sockets and a thread per connection keep the test target free of server dependencies.
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

    let port: UInt16
    private let listener: Int32
    private let state: Mutex<(behavior: Behavior, requests: [Recorded], stopped: Bool)>

    init(_ behavior: Behavior) throws {
        state = Mutex((behavior, [], false))
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 16) == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in self.serve() }
        thread.start()
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/v1")! }

    var requests: [Recorded] { state.withLock { $0.requests } }

    func setBehavior(_ behavior: Behavior) { state.withLock { $0.behavior = behavior } }

    func stop() {
        state.withLock { $0.stopped = true }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve() {
        while true {
            let client = accept(listener, nil, nil)
            if client < 0 { return }
            if state.withLock({ $0.stopped }) { close(client); return }
            // One thread per connection, each serving requests until the client closes: the client may keep
            // a connection alive between requests or open another one.
            let thread = Thread { [self] in self.serveConnection(client) }
            thread.start()
        }
    }

    private func serveConnection(_ client: Int32) {
        defer { close(client) }
        var buffer = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            var headerEnd: Int?
            var contentLength = 0
            var continued = false
            while true {
                if headerEnd == nil, let range = findHeaderEnd(buffer) {
                    headerEnd = range
                    let head = String(decoding: buffer[0..<range], as: UTF8.self)
                    for line in head.split(separator: "\r\n") {
                        let lowered = line.lowercased()
                        if lowered.hasPrefix("content-length:") {
                            contentLength = Int(line.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) ?? 0
                        }
                        // libcurl asks before sending a large body; answering at once saves it a one-second wait.
                        if lowered.hasPrefix("expect:"), lowered.contains("100-continue"), !continued {
                            continued = true
                            let proceed = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
                            _ = proceed.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                        }
                    }
                }
                if let headerEnd, buffer.count >= headerEnd + 4 + contentLength { break }
                let count = recv(client, &chunk, chunk.count, 0)
                if count <= 0 { return }
                buffer.append(contentsOf: chunk[0..<count])
            }
            guard let headerEnd else { return }
            let requestEnd = headerEnd + 4 + contentLength
            respond(to: Array(buffer[0..<requestEnd]), headerEnd: headerEnd, on: client)
            buffer.removeFirst(requestEnd)
        }
    }

    private func respond(to request: [UInt8], headerEnd: Int, on client: Int32) {
        let head = String(decoding: request[0..<headerEnd], as: UTF8.self)
        var lines = head.split(separator: "\r\n").map(String.init)
        let requestLine = lines.isEmpty ? "" : lines.removeFirst()
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = String(decoding: request[(headerEnd + 4)...], as: UTF8.self)
        let path = requestLine.split(separator: " ").dropFirst().first.map(String.init) ?? ""
        let behavior = state.withLock { state -> Behavior in
            state.requests.append(Recorded(path: path, headers: headers, body: body))
            return state.behavior
        }
        let (status, payload): (Int, String)
        switch behavior {
        case .content(let text): (status, payload) = (200, Self.completion(text))
        case .rawBody(let raw): (status, payload) = (200, raw)
        case .status(let code, let message): (status, payload) = (code, #"{"error": {"message": "\#(message)", "type": "invalid_request_error"}}"#)
        case .slow(let seconds, let text):
            Thread.sleep(forTimeInterval: seconds)
            (status, payload) = (200, Self.completion(text))
        }
        let bytes = Array(payload.utf8)
        let response = "HTTP/1.1 \(status) X\r\nContent-Type: application/json\r\nContent-Length: \(bytes.count)\r\n\r\n"
        let all = Array(response.utf8) + bytes
        _ = all.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    private func findHeaderEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4) where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    static func completion(_ content: String) -> String {
        let object: [String: Any] = [
            "id": "chatcmpl-test", "object": "chat.completion", "model": "stub",
            "choices": [["index": 0, "finish_reason": "stop", "message": ["role": "assistant", "content": content]]],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
