import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SupportKitServer

/// Idle sockets, slow or oversized request heads and too many connections cannot starve the server.
@Suite(.serialized) struct ConnectionLimitTests {
    /// Runs a blocking socket read on a thread of its own: blocking a cooperative thread (two on this machine)
    /// can starve the server under test, which answers on the same pool.
    func offPool<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            Thread { continuation.resume(returning: body()) }.start()
        }
    }

    static func request(_ path: String, extraHeaders: String = "") -> [UInt8] {
        Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(extraHeaders)\r\n".utf8)
    }

    @Test func oversizedHeadersAre431AndTheConnectionCloses() async throws {
        let server = try makeTestServer(configure: { $0.maxHeaderBytes = 8 * 1024 })
        let running = try await RunningServer.start(server)
        for size in [10 * 1024, 100 * 1024, 1024 * 1024] {
            let socket = try RawSocket(port: running.port)
            socket.send(Self.request("/healthz", extraHeaders: "X-Big: \(String(repeating: "a", count: size))\r\n"))
            let response = String(decoding: await offPool { socket.readToEnd() }, as: UTF8.self)
            #expect(response.hasPrefix("HTTP/1.1 431"), "\(size) bytes of headers: \(response.prefix(80))")
            #expect(response.contains(#""code":"headers_too_large""#))
            socket.abort()
        }
        // A normal request still works.
        let normal = try RawSocket(port: running.port)
        normal.send(Self.request("/healthz"))
        #expect(await offPool { normal.read(until: "\r\n\r\n") }.hasPrefix("HTTP/1.1 200"))
        normal.abort()
        try await running.stop()
    }

    @Test func aSlowRequestHeadIsCutOff() async throws {
        let server = try makeTestServer(configure: { $0.headerTimeout = .milliseconds(300) })
        let running = try await RunningServer.start(server)
        let slow = try RawSocket(port: running.port)
        slow.send(Array("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: 1\r\n".utf8))  // never finished
        let started = ContinuousClock.now
        let response = String(decoding: await offPool { slow.readToEnd() }, as: UTF8.self)
        #expect(response.hasPrefix("HTTP/1.1 408"), "\(response.prefix(80))")
        #expect(ContinuousClock.now - started < .seconds(15))
        slow.abort()
        // A silent connection is closed the same way.
        let silent = try RawSocket(port: running.port)
        #expect(String(decoding: await offPool { silent.readToEnd() }, as: UTF8.self).hasPrefix("HTTP/1.1 408"))
        silent.abort()
        try await running.stop()
    }

    @Test func connectionsBeyondTheLimitAreRefusedAndTheServerRecovers() async throws {
        let server = try makeTestServer(configure: { $0.maxConnections = 8; $0.headerTimeout = .seconds(30) })
        let running = try await RunningServer.start(server)
        var idle: [RawSocket] = []
        for _ in 0..<8 { idle.append(try RawSocket(port: running.port)) }
        // Let the server count them.
        for _ in 0..<100 where server.connectionLimiter.openConnections < 8 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(server.connectionLimiter.openConnections == 8)
        let extra = try RawSocket(port: running.port)
        let refused = String(decoding: await offPool { extra.readToEnd() }, as: UTF8.self)
        #expect(refused.hasPrefix("HTTP/1.1 503"), "\(refused.prefix(80))")
        extra.abort()
        // The idle ones go away; /healthz answers again.
        for socket in idle { socket.abort() }
        for _ in 0..<100 where server.connectionLimiter.openConnections > 0 { try await Task.sleep(for: .milliseconds(20)) }
        let health = try RawSocket(port: running.port)
        health.send(Self.request("/healthz"))
        #expect(await offPool { health.read(until: "\r\n\r\n") }.hasPrefix("HTTP/1.1 200"))
        health.abort()
        try await running.stop()
    }
}
