import Foundation
import Testing
import Yams
@testable import SupportKitServer

/// Keeps `openapi.yaml` (repository root) true to the router.
@Suite struct OpenAPITests {
    static let specURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("openapi.yaml")

    static func loadSpec() throws -> [String: Any] {
        let text = try String(contentsOf: specURL, encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any], "openapi.yaml is not a YAML mapping")
    }

    static func operations(_ spec: [String: Any]) throws -> [String: [String: Any]] {
        let paths = try #require(spec["paths"] as? [String: Any])
        var operations: [String: [String: Any]] = [:]
        for (path, item) in paths {
            let item = try #require(item as? [String: Any], "\(path)")
            for (method, operation) in item where ["get", "post", "put", "delete", "patch", "head"].contains(method) {
                operations["\(method.uppercased()) \(path)"] = try #require(operation as? [String: Any])
            }
        }
        return operations
    }

    @Test func everyRouteIsDescribedAndViceVersa() throws {
        let described = Set(try Self.operations(try Self.loadSpec()).keys)
        let routed = Set(SupportServer.endpoints.map { "\($0.method) \($0.path)" })
        #expect(routed.subtracting(described).isEmpty, "routes missing from openapi.yaml: \(routed.subtracting(described).sorted())")
        #expect(described.subtracting(routed).isEmpty, "openapi.yaml describes routes the server lacks: \(described.subtracting(routed).sorted())")
    }

    @Test func theRouterServesExactlyTheDeclaredEndpoints() throws {
        let routed = try makeTestServer().makeRouter().routes.map { "\($0.method) \($0.path)" }
        let declared = SupportServer.endpoints.map { "\($0.method) \($0.path)" }
        // Besides the declared routes, only the catch-all that asks for a key before answering 404 under /v1/.
        #expect(Set(routed.filter { !$0.hasSuffix(" /v1/**") }) == Set(declared))
        #expect(routed.count == Set(routed).count)
    }

    @Test func protectedRoutesDeclareSecurityAnd401() throws {
        let spec = try Self.loadSpec()
        let operations = try Self.operations(spec)
        let configuration = ServerConfiguration()
        for endpoint in SupportServer.endpoints {
            let operation = try #require(operations["\(endpoint.method) \(endpoint.path)"])
            let responses = try #require(operation["responses"] as? [String: Any], "\(endpoint.path): no responses")
            let security = operation["security"] as? [Any]
            if endpoint.requiresKey(configuration) {
                #expect(responses["401"] != nil, "\(endpoint.method) \(endpoint.path) needs a key but declares no 401")
                #expect(security == nil || !(security?.isEmpty ?? true), "\(endpoint.method) \(endpoint.path) is declared open")
                if endpoint.path.hasPrefix("/v1/") {
                    #expect(responses["429"] != nil, "\(endpoint.method) \(endpoint.path) is rate limited but declares no 429")
                }
            } else {
                #expect(security?.isEmpty == true, "\(endpoint.method) \(endpoint.path) is open but the spec asks for a key")
            }
        }
        #expect(spec["security"] != nil, "a global security requirement (bearer key) is expected")
    }

    @Test func errorResponsesUseTheErrorSchema() throws {
        let spec = try Self.loadSpec()
        let components = try #require(spec["components"] as? [String: Any])
        let schemas = try #require(components["schemas"] as? [String: Any])
        let error = try #require(schemas["Error"] as? [String: Any])
        #expect(error["required"] as? [String] == ["error"])
        let properties = try #require(error["properties"] as? [String: Any])
        let detail = try #require(properties["error"] as? [String: Any])
        #expect(Set(detail["required"] as? [String] ?? []) == ["code", "message"])

        let shared = components["responses"] as? [String: Any] ?? [:]
        for (name, operation) in try Self.operations(spec) {
            let responses = operation["responses"] as? [String: Any] ?? [:]
            for (status, response) in responses where (Int(status) ?? 0) >= 400 {
                var response = response as? [String: Any] ?? [:]
                if let ref = response["$ref"] as? String {
                    response = shared[String(ref.split(separator: "/").last ?? "")] as? [String: Any] ?? [:]
                }
                let content = response["content"] as? [String: Any]
                let schema = (content?["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                let ref = schema?["$ref"] as? String ?? ((schema?["allOf"] as? [[String: Any]])?.first?["$ref"] as? String)
                #expect(ref == "#/components/schemas/Error", "\(name) \(status) does not use the Error schema")
            }
        }
    }

    @Test func errorCodesInSpecMatchServer() throws {
        let spec = try Self.loadSpec()
        let schemas = try #require((spec["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let error = try #require(schemas["Error"] as? [String: Any])
        let detail = try #require((error["properties"] as? [String: Any])?["error"] as? [String: Any])
        let code = try #require((detail["properties"] as? [String: Any])?["code"] as? [String: Any])
        let codes = Set(code["enum"] as? [String] ?? [])
        let server: Set<String> = [
            ServerError.Code.badRequest, .unauthorized, .forbidden, .notFound, .conversationBusy, .payloadTooLarge, .upgradeRequired, .rateLimited,
            .internalError, .unavailable, .timeout,
        ].reduce(into: []) { $0.insert($1.rawValue) }
        #expect(codes == server)
    }
}
