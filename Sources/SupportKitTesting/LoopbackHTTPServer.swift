import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests: it listens on a port the system picks, hands every request to a
/// handler closure, and stops itself after `lifetime` seconds or `maxRequests` requests, whichever comes first, so
/// that a test that forgets `stop()` cannot leave it running.
///
/// Supports Content-Length and chunked request bodies, keep-alive, a delay before answering, and answers sent a
/// few bytes at a time (to test total deadlines against idle timeouts). Only loopback is ever bound.
///
/// ```swift
/// let server = try LoopbackHTTPServer { request in
///     .json(200, ["ok": true])
/// }
/// defer { server.stop() }
/// let url = server.baseURL.appendingPathComponent("v1/embeddings")
/// ```
public final class LoopbackHTTPServer: Sendable {
    public struct Request: Sendable {
        public var method: String
        /// The request target as sent, e.g. `/v1/embeddings?x=1`.
        public var path: String
        /// Header names lower-cased; repeated headers joined with ", ".
        public var headers: [String: String]
        public var body: Data

        /// The body parsed as JSON, if it is.
        public var json: Any? { try? JSONSerialization.jsonObject(with: body) }
    }

    public struct Response: Sendable {
        public var status: Int
        public var headers: [String: String]
        public var body: Data
        /// Seconds to wait before sending anything.
        public var delay: TimeInterval?
        /// When set, the body is sent in pieces of `trickle.bytes` bytes, `trickle.interval` seconds apart.
        public var trickle: (bytes: Int, interval: TimeInterval)?

        public init(status: Int, headers: [String: String] = [:], body: Data = Data(), delay: TimeInterval? = nil,
                    trickle: (bytes: Int, interval: TimeInterval)? = nil)
        {
            self.status = status
            self.headers = headers
            self.body = body
            self.delay = delay
            self.trickle = trickle
        }

        /// A JSON answer from a JSON-compatible value (dictionaries, arrays, strings, numbers, booleans).
        public static func json(_ status: Int, _ value: Any, headers: [String: String] = [:], delay: TimeInterval? = nil)
            -> Response
        {
            let body = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data("null".utf8)
            var all = headers
            all["Content-Type"] = "application/json"
            return Response(status: status, headers: all, body: body, delay: delay)
        }

        /// A plain-text answer.
        public static func text(_ status: Int, _ text: String, headers: [String: String] = [:]) -> Response {
            var all = headers
            all["Content-Type"] = "text/plain; charset=utf-8"
            return Response(status: status, headers: all, body: Data(text.utf8))
        }
    }

    public typealias Handler = @Sendable (Request) -> Response

    /// The port the server listens on.
    public let port: UInt16
    /// `http://127.0.0.1:PORT`.
    public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private let handler: Handler
    private let listener: Int32
    /// What the accept loop, the connection threads and the test share.
    private struct State {
        var stopped = false
        var connections: Set<Int32> = []
        var recorded: [Request] = []
        var handled = 0
    }

    private let state = Mutex(State())
    private let maxRequests: Int
    private let acceptDone = DispatchSemaphore(value: 0)
    private let deadline: Date

    /// Starts listening at once.
    /// - Parameters:
    ///   - lifetime: seconds after which the server stops by itself.
    ///   - maxRequests: requests after which the server stops by itself.
    public init(lifetime: TimeInterval = 120, maxRequests: Int = 10_000, handler: @escaping Handler) throws {
        self.handler = handler
        self.maxRequests = maxRequests
        self.deadline = Date().addingTimeInterval(lifetime)
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw Self.posixError("socket") }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 64) == 0 else {
            let error = Self.posixError("bind/listen")
            close(fd)
            throw error
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "LoopbackHTTPServer.accept"
        thread.start()
    }

    deinit { stop() }

    /// Every request received so far, in arrival order.
    public var requests: [Request] {
        state.withLock { $0.recorded }
    }

    public var isStopped: Bool {
        state.withLock { $0.stopped }
    }

    /// Stops listening and closes open connections; waits for the accept loop to end. Safe to call more than once.
    public func stop() {
        guard let open = markStopped() else { return }
        for connection in open { shutdown(connection, Int32(SHUT_RDWR)) }
        _ = acceptDone.wait(timeout: .now() + 2)
    }

    /// Marks the server stopped; the connections to shut down, or nil when it already was.
    private func markStopped() -> Set<Int32>? {
        state.withLock { state in
            guard !state.stopped else { return nil }
            state.stopped = true
            return state.connections
        }
    }

    // MARK: - Serving

    private func acceptLoop() {
        defer {
            close(listener)
            acceptDone.signal()
        }
        while true {
            if isStopped { return }
            if Date() >= deadline {
                stopSelf()
                return
            }
            var poller = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 50)
            if ready <= 0 { continue }
            let connection = accept(listener, nil, nil)
            if connection < 0 { continue }
            var yes: Int32 = 1
            setsockopt(connection, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
            let accepted = state.withLock { state in
                guard !state.stopped else { return false }
                state.connections.insert(connection)
                return true
            }
            guard accepted else {
                close(connection)
                return
            }
            let thread = Thread { [self] in serve(connection) }
            thread.name = "LoopbackHTTPServer.connection"
            thread.start()
        }
    }

    /// Marks the server stopped from inside (lifetime or request limit reached) without waiting on itself.
    private func stopSelf() {
        guard let open = markStopped() else { return }
        for connection in open { shutdown(connection, Int32(SHUT_RDWR)) }
    }

    private func serve(_ connection: Int32) {
        defer {
            state.withLock { _ = $0.connections.remove(connection) }
            close(connection)
        }
        var buffer = Data()
        while !isStopped {
            guard let request = readRequest(connection, buffer: &buffer) else { return }
            let limitReached = state.withLock { state in
                state.recorded.append(request)
                state.handled += 1
                return state.handled >= maxRequests
            }
            let response = handler(request)
            let keepAlive = request.headers["connection"]?.lowercased() != "close" && !limitReached
            if !write(response, to: connection, keepAlive: keepAlive) { return }
            if limitReached { stopSelf() }
            if !keepAlive { return }
        }
    }

    private func readMore(_ connection: Int32, into buffer: inout Data) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            if isStopped { return false }
            var poller = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready == 0 { continue }
            if ready < 0 { return false }
            let count = recv(connection, &chunk, chunk.count, 0)
            if count <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
    }

    private func readRequest(_ connection: Int32, buffer: inout Data) -> Request? {
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        while true {
            headerEnd = buffer.range(of: separator)
            if headerEnd != nil { break }
            if buffer.count > 1 << 20 || !readMore(connection, into: &buffer) { return nil }
        }
        let head = String(decoding: buffer[buffer.startIndex..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ", maxSplits: 2).map(String.init)
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        buffer = Data(buffer[headerEnd!.upperBound...])
        var body = Data()
        if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            while true {
                var lineEnd = buffer.range(of: Data("\r\n".utf8))
                while lineEnd == nil {
                    if !readMore(connection, into: &buffer) { return nil }
                    lineEnd = buffer.range(of: Data("\r\n".utf8))
                }
                let sizeText = String(decoding: buffer[buffer.startIndex..<lineEnd!.lowerBound], as: UTF8.self)
                    .split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? ""
                guard let size = Int(sizeText, radix: 16) else { return nil }
                buffer = Data(buffer[lineEnd!.upperBound...])
                while buffer.count < size + 2 {
                    if !readMore(connection, into: &buffer) { return nil }
                }
                body.append(buffer.prefix(size))
                buffer = Data(buffer.dropFirst(size + 2))
                if size == 0 { break }
            }
        } else if let length = headers["content-length"].flatMap({ Int($0) }), length > 0 {
            while buffer.count < length {
                if !readMore(connection, into: &buffer) { return nil }
            }
            body = Data(buffer.prefix(length))
            buffer = Data(buffer.dropFirst(length))
        }
        return Request(method: requestLine[0], path: requestLine[1], headers: headers, body: body)
    }

    private func write(_ response: Response, to connection: Int32, keepAlive: Bool) -> Bool {
        if let delay = response.delay, delay > 0 {
            let until = Date().addingTimeInterval(delay)
            while Date() < until {
                if isStopped { return false }
                usleep(useconds_t(min(20_000, max(1, until.timeIntervalSinceNow * 1_000_000))))
            }
        }
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        var headers = response.headers
        headers["Content-Length"] = String(response.body.count)
        headers["Connection"] = keepAlive ? "keep-alive" : "close"
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        guard sendAll(Data(head.utf8), connection) else { return false }
        if let trickle = response.trickle, trickle.bytes > 0 {
            var offset = 0
            while offset < response.body.count {
                if isStopped { return false }
                let end = min(offset + trickle.bytes, response.body.count)
                guard sendAll(response.body.subdata(in: offset..<end), connection) else { return false }
                offset = end
                if offset < response.body.count { usleep(useconds_t(trickle.interval * 1_000_000)) }
            }
            return true
        }
        return sendAll(response.body, connection)
    }

    private func sendAll(_ data: Data, _ connection: Int32) -> Bool {
        data.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                #if canImport(Glibc)
                let sent = send(connection, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                #else
                let sent = send(connection, raw.baseAddress! + offset, raw.count - offset, 0)
                #endif
                if sent <= 0 { return false }
                offset += sent
            }
            return true
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 201: "Created"
        case 204: "No Content"
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 429: "Too Many Requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        case 504: "Gateway Timeout"
        default: "Status"
        }
    }

    static func posixError(_ call: String) -> NSError {
        NSError(domain: NSPOSIXErrorDomain, code: Int(errno),
                userInfo: [NSLocalizedDescriptionKey: "\(call): \(String(cString: strerror(errno)))"])
    }
}
