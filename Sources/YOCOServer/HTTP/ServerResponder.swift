import Hummingbird
import Logging
import NeedleSupport

/// Every request passes here: refused while draining (503) or without the API key (401),
/// routed by method and path, any error turned into the OpenAI error shape, then counted in the
/// metrics and logged (method, path, status, time: never a header, so never the key).
struct ServerResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let endpoints: Endpoints
    let apiKey: [UInt8]?
    let draining: SharedFlag
    let logger: Logger

    /// Paths the OpenAI clients use without the /v1 prefix, as llama.cpp accepts them.
    static let aliases = ["/completions": "/v1/completions", "/chat/completions": "/v1/chat/completions", "/models": "/v1/models"]

    func respond(to request: Request, context: Context) async throws -> Response {
        let clock = Stopwatch()
        let raw = request.uri.path
        let path = Self.aliases[raw] ?? raw
        let response: Response
        do {
            response = try await route(request, path: path)
        } catch {
            response = HTTPSupport.error(error)
        }
        let status = Int(response.status.code)
        endpoints.metrics.recordRequest(path: path, status: status, seconds: clock.seconds)
        logger.info("\(request.method) \(ServerMetrics.endpoints.contains(path) ? path : "(other path)") \(status) \(Int(clock.milliseconds)) ms")
        return response
    }

    private func route(_ request: Request, path: String) async throws(APIError) -> Response {
        if draining.isSet { throw APIError.draining }
        if let apiKey, path != "/health", !HTTPSupport.bearerMatches(request.headers[.authorization], key: apiKey) {
            throw APIError.unauthorized
        }
        let method = request.method
        func only(_ allowed: HTTPRequest.Method) throws(APIError) {
            if method != allowed { throw APIError.methodNotAllowed(method.rawValue, path) }
        }
        switch path {
        case "/v1/completions": try only(.post); return try await endpoints.completions(request)
        case "/v1/chat/completions": try only(.post); return try await endpoints.chatCompletions(request)
        case "/tokenize": try only(.post); return try await endpoints.tokenize(request)
        case "/detokenize": try only(.post); return try await endpoints.detokenize(request)
        case "/v1/models": try only(.get); return endpoints.models()
        case "/props": try only(.get); return endpoints.props()
        case "/health": try only(.get); return endpoints.health()
        case "/metrics": try only(.get); return endpoints.metricsText()
        default: throw APIError.notFound(String(path.prefix(200)))
        }
    }
}
