import Foundation
import SupportKit

/// A running assistant evaluated through its HTTP API (`supportkit eval --target URL`): the base URL that
/// `/readyz` and `/v1/...` are relative to.
///
/// The URL carries no secret: credentials (`user:password@`), a query or a fragment are refused, so the URL
/// can be recorded with the run and shown in reports as it is. The API key travels in a header.
public struct AssistantTarget: Sendable, Hashable, CustomStringConvertible {
    /// `scheme://host[:port][/path]`, without a trailing slash.
    public let baseURL: URL

    /// Parses `--target`.
    ///
    /// - Throws: `SupportKitError.invalidInput` for anything but an `http(s)://HOST[:PORT][/PATH]` URL; the message
    ///   never repeats credentials found in it.
    public init(_ text: String) throws(SupportKitError) {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw SupportKitError(.invalidInput, "--target must be an http(s) URL of a running assistant, like http://127.0.0.1:8080")
        }
        guard components.user == nil, components.password == nil else {
            throw SupportKitError(.invalidInput, "--target must not carry credentials (user:password@); put the API key in SUPPORTKIT_API_KEY")
        }
        guard components.query == nil, components.fragment == nil else {
            throw SupportKitError(.invalidInput, "--target must not have a query or fragment; give the server's base URL, like http://\(host):8080")
        }
        var clean = URLComponents()
        clean.scheme = scheme
        clean.host = host
        clean.port = components.port
        var path = components.path
        while path.hasSuffix("/") { path.removeLast() }
        clean.path = path
        guard let url = clean.url else {
            throw SupportKitError(.invalidInput, "--target must be an http(s) URL of a running assistant, like http://127.0.0.1:8080")
        }
        baseURL = url
    }

    /// The URL as runs record it.
    public var description: String { baseURL.absoluteString }

    /// `path` (starting with `/`) under the base URL; `path` may carry a query.
    func url(_ path: String) -> URL {
        URL(string: baseURL.absoluteString + path) ?? baseURL
    }
}
