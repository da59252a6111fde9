import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// Limits on connections, enforced on the raw bytes before any HTTP parsing, so that neither many idle sockets nor
/// slow or oversized request heads can starve the server.
///
/// - At most ``ServerConfiguration/maxConnections`` connections are open at once; one more is answered 503 and
///   closed, and the first refusal after a quiet period is logged (the limit sits well below the process's file
///   descriptors, so the accept loop, and with it `/healthz`, keeps working as connections come and go).
/// - A request head (request line and headers) must arrive within ``ServerConfiguration/headerTimeout`` of the
///   connection opening (a slowloris client trickling header bytes is cut off), and may be at most
///   ``ServerConfiguration/maxHeaderBytes`` long: a longer one is answered 431 and the connection closed.
/// - A connection idle for ``ServerConfiguration/idleTimeout`` between requests is closed (Hummingbird's own
///   idle handler, configured by the server).
///
/// The head checks cover the first request of a connection at the byte level; later requests on a kept-alive
/// connection are bounded by the HTTP decoder's own head limit and the idle timeout.
final class ConnectionLimiter: Sendable {
    let maxConnections: Int
    let headerTimeout: TimeAmount
    let maxHeaderBytes: Int
    let logger: Logger
    private let state = Mutex<(open: Int, refusing: Bool)>((0, false))

    init(maxConnections: Int, headerTimeout: Duration, maxHeaderBytes: Int, logger: Logger) {
        self.maxConnections = maxConnections
        self.headerTimeout = .nanoseconds(Int64(headerTimeout.components.seconds) * 1_000_000_000 + headerTimeout.components.attoseconds / 1_000_000_000)
        self.maxHeaderBytes = maxHeaderBytes
        self.logger = logger
    }

    /// Connections open now.
    var openConnections: Int { state.withLock { $0.open } }

    /// Counts a new connection in; false when the limit is reached (the connection must be refused).
    func admit() -> Bool {
        let (admitted, logRefusal) = state.withLock { state -> (Bool, Bool) in
            guard state.open < maxConnections else {
                defer { state.refusing = true }
                return (false, !state.refusing)
            }
            state.open += 1
            if state.open < maxConnections * 9 / 10 { state.refusing = false }
            return (true, false)
        }
        if logRefusal {
            logger.warning(
                "connection limit reached: \(maxConnections) connections are open; new ones are refused with 503 until some close (serve --max-connections)")
        }
        return admitted
    }

    /// Counts a closed connection out.
    func release() {
        state.withLock { $0.open -= 1 }
    }
}

/// The first handler of every connection: counts it, times and measures its first request head.
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    /// Set when the server answered `101 Switching Protocols`: from then on the client sends WebSocket frames,
    /// each of which must be masked (RFC 6455 5.1); an unmasked one closes the connection with 1002.
    private var webSocket = false
    /// The current frame's header bytes collected so far, and the payload bytes still to pass.
    private var frameHeader: [UInt8] = []
    private var payloadRemaining: UInt64 = 0

    private let limiter: ConnectionLimiter
    private var headBytes = 0
    /// The last bytes seen, to find the blank line that ends the head across reads.
    private var tail: [UInt8] = []
    private var headComplete = false
    private var timer: Scheduled<Void>?
    private var started = false
    /// Set once the connection was answered here; nothing more is passed on.
    private var refused = false

    init(limiter: ConnectionLimiter) {
        self.limiter = limiter
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    /// Admits the connection (or refuses it) and starts the head timer, once.
    private func start(context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard limiter.admit() else {
            refuse(context: context, status: "503 Service Unavailable", code: "unavailable",
                   message: "the server has too many open connections; retry shortly")
            return
        }
        let limiter = self.limiter
        context.channel.closeFuture.whenComplete { _ in limiter.release() }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: limiter.headerTimeout) { [weak self] in
            guard let self, !self.headComplete else { return }
            self.refuse(context: loopBound.value, status: "408 Request Timeout", code: "timeout",
                        message: "the request head did not arrive in time; send the request line and headers at once")
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if !webSocket, headComplete {
            let buffer = unwrapOutboundIn(data)
            webSocket = buffer.readableBytesView.starts(with: "HTTP/1.1 101".utf8)
        }
        context.write(data, promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        if webSocket {
            guard framesAreMasked(unwrapInboundIn(data).readableBytesView) else {
                refused = true
                // Close frame, status 1002 (protocol error), then close.
                let channel = context.channel
                context.writeAndFlush(wrapOutboundOut(channel.allocator.buffer(bytes: [0x88, 0x02, 0x03, 0xEA]))).whenComplete { _ in
                    channel.close(promise: nil)
                }
                return
            }
            context.fireChannelRead(data)
            return
        }
        guard !headComplete else {
            context.fireChannelRead(data)
            return
        }
        let buffer = unwrapInboundIn(data)
        let bytes = buffer.readableBytesView
        // Find CRLF CRLF (or LF LF) across the previous read's tail and this one.
        var window = tail
        var endOffset: Int?
        for (offset, byte) in bytes.enumerated() {
            window.append(byte)
            if window.count > 4 { window.removeFirst() }
            if window.suffix(4) == [13, 10, 13, 10] || window.suffix(2) == [10, 10] {
                endOffset = offset + 1
                break
            }
        }
        tail = window
        headBytes += endOffset ?? bytes.count
        if headBytes > limiter.maxHeaderBytes {
            refuse(context: context, status: "431 Request Header Fields Too Large", code: "headers_too_large",
                   message: "the request line and headers are larger than \(limiter.maxHeaderBytes) bytes; send fewer or shorter headers")
            return
        }
        if endOffset != nil {
            headComplete = true
            timer?.cancel()
            tail = []
        }
        context.fireChannelRead(data)
    }

    /// Follows the client's frames across reads; false at the first frame without a mask.
    private func framesAreMasked(_ bytes: ByteBufferView) -> Bool {
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if payloadRemaining > 0 {
                let skip = min(payloadRemaining, UInt64(bytes.endIndex - index))
                index += Int(skip)
                payloadRemaining -= skip
                continue
            }
            frameHeader.append(bytes[index])
            index += 1
            guard frameHeader.count >= 2 else { continue }
            guard frameHeader[1] & 0x80 != 0 else { return false }
            let shortLength = frameHeader[1] & 0x7F
            let extended = shortLength == 126 ? 2 : shortLength == 127 ? 8 : 0
            guard frameHeader.count == 2 + extended + 4 else { continue }
            payloadRemaining = extended == 0
                ? UInt64(shortLength) : frameHeader[2..<(2 + extended)].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
            frameHeader.removeAll(keepingCapacity: true)
        }
        return true
    }

    /// Answers with a minimal JSON error in the server's usual shape and closes the connection.
    private func refuse(context: ChannelHandlerContext, status: String, code: String, message: String) {
        headComplete = true
        refused = true
        timer?.cancel()
        guard context.channel.isActive else { return }
        let body = #"{"error":{"code":"\#(code)","message":"\#(message)"}}"#
        let response = "HTTP/1.1 \(status)\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: \(body.utf8.count)\r\nConnection: close\r\n\r\n\(body)"
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response))).whenComplete { _ in
            // A lingering close: stop writing, keep reading (and dropping) what the client still sends for a
            // moment, then close. Closing at once with unread bytes would reset the connection and the client
            // could lose the answer.
            channel.close(mode: .output, promise: nil)
            channel.eventLoop.scheduleTask(in: .seconds(2)) { channel.close(promise: nil) }
        }
    }
}

/// A server child channel that puts ``ConnectionGuardHandler`` in front of another one (HTTP/1.1 with the
/// WebSocket upgrade).
struct GuardedChildChannel<Inner: ServerChildChannel>: ServerChildChannel {
    let inner: Inner
    let limiter: ConnectionLimiter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Inner.Value> {
        let limiter = self.limiter
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(ConnectionGuardHandler(limiter: limiter))
        }.flatMap {
            inner.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Inner.Value, logger: Logger) async {
        await inner.handle(value: value, logger: logger)
    }
}
