import Foundation
import Hummingbird
import SupportKit

/// What operators and browsers reach without the API: the chat page at `/`, `GET /healthz`, `GET /readyz` and
/// `GET /metrics` (which needs a key with the `metrics` scope unless the server is configured otherwise).
struct OperationsRoutes: ServerResource {
    static let routes: [ServerRoute<Self>] = [
        .get("/", .open) { _, _, _ in
            .body(.ok, contentType: "text/html; charset=utf-8", body: Data(AvatarPage.html.utf8), headers: AvatarPage.headers)
        },
        .get("/healthz", .open) { _, _, _ in try .json(.ok, ["status": "ok"]) },
        .get("/readyz", .open) { try await $0.readiness($1, $2) },
        .get("/metrics", .key(.metrics, configurable: true)) { resource, _, _ in
            .body(.ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Data(resource.metrics.render().utf8))
        },
    ]

    let metrics: ServerMetrics
    let probe: any ReadinessProbe
    let timeout: Duration

    init(server: SupportServer) {
        metrics = server.metrics
        probe = server.dependencies.readiness
        timeout = server.configuration.requestTimeout
    }

    func readiness(_ request: Request, _ context: ServerRequestContext) async throws -> Response {
        let probe = self.probe
        let checks: [ReadinessCheck]
        let deployment: [String: String]
        do {
            (checks, deployment) = try await withAbandoningDeadline(timeout) {
                (await probe.checkReadiness(), await probe.deployment())
            }
        } catch {
            checks = [ReadinessCheck(name: "readiness", isReady: false, detail: "the readiness check did not finish within \(timeout.formattedSeconds) s")]
            deployment = [:]
        }
        let notReady = checks.filter { !$0.isReady }
        let payload = ReadinessPayload(
            ready: notReady.isEmpty, checks: checks.map { .init(name: $0.name, ready: $0.isReady, detail: $0.detail) },
            deployment: deployment)
        guard notReady.isEmpty else {
            // Same error shape as every other failure, plus the checks so an operator sees what is missing.
            struct NotReady: Encodable {
                var error: ServerError.ErrorBody.Detail
                var ready: Bool
                var checks: [ReadinessPayload.Check]
            }
            let message = "not ready: " + notReady.map { "\($0.name)\($0.detail.map { " (\($0))" } ?? "")" }.joined(separator: ", ")
            return try .json(.serviceUnavailable, NotReady(error: .init(code: ServerError.Code.unavailable.rawValue, message: message), ready: false, checks: payload.checks))
        }
        return try .json(.ok, payload)
    }
}
