import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A response to ``httpGet(_:timeout:)``.
struct HTTPGetResponse {
    var status: Int
    var contentType: String
    var body: String
}

/// `GET url`, without caches or cookies.
/// - Throws: When nothing answers within `timeout`.
func httpGet(_ url: String, timeout: TimeInterval = 10) async throws -> HTTPGetResponse {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeout
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }
    let (data, response) = try await session.data(from: URL(string: url)!)
    let http = response as! HTTPURLResponse
    return HTTPGetResponse(
        status: http.statusCode, contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "",
        body: String(decoding: data, as: UTF8.self))
}
