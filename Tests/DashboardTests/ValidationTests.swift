import Foundation
import Testing

@Suite("Parameter errors: 400 with a JSON message naming the parameter and what it accepts")
struct ValidationTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var path: String
        var status: Int = 400
        var message: String
        var testDescription: String { path }
    }

    static let cases: [Case] = [
        Case(path: "/api/throughput?minutes=0", message: #"minutes: expected a whole number from 1 to 360, got "0""#),
        Case(path: "/api/throughput?minutes=five", message: #"minutes: expected a whole number from 1 to 360, got "five""#),
        Case(path: "/api/model-quality?minutes=20000", message: "minutes: expected a whole number from 1 to 10080"),
        Case(path: "/api/throughput?from=yesterday", message: #"from: expected an RFC 3339 time such as 2026-01-01T12:00:00Z"#),
        Case(path: "/api/throughput?to=2026-03-01", message: #"to: expected an RFC 3339 time such as 2026-01-01T12:00:00Z"#),
        Case(path: "/api/throughput?from=2026-03-01%2010:00:00Z", message: #"got "2026-03-01 10:00:00Z""#),
        Case(path: "/api/throughput?from=2026-03-01T10:00:00Z&to=2026-03-01T09:00:00Z",
             message: "from: must be before to, got from=2026-03-01T10:00:00.000Z and to=2026-03-01T09:00:00.000Z"),
        Case(path: "/api/throughput?from=2026-03-01T10:00:00Z&to=2026-03-01T10:00:00Z", message: "from: must be before to"),
        Case(path: "/api/throughput?from=2026-03-01T10:00:00Z&to=2026-03-01T10:10:00Z&minutes=5", message: "from, to, minutes: give at most two of them"),
        Case(path: "/api/throughput?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z",
             message: "from, to: the range spans 1440 minutes; this endpoint accepts at most 360"),
        Case(path: "/api/fraud-per-minute?from=2026-03-01T00:00:00Z&to=2026-03-03T00:00:00Z", message: "accepts at most 1440"),
        Case(path: "/api/rejected?minutes=-1", message: "minutes: expected a whole number from 1 to 1440"),
        Case(path: "/api/flagged?limit=0", message: #"limit: expected a whole number from 1 to 500, got "0""#),
        Case(path: "/api/flagged?limit=501", message: #"limit: expected a whole number from 1 to 500, got "501""#),
        Case(path: "/api/flagged?limit=ten", message: #"limit: expected a whole number from 1 to 500, got "ten""#),
        Case(path: "/api/flagged?limit=5&limit=6", message: "limit: given more than once; give it once"),
        Case(path: "/api/flagged?account=", message: #"account: expected an account id such as C123456789 of 1 to 64 characters without spaces, got """#),
        Case(path: "/api/flagged?account=C1%20C2", message: #"account: expected an account id such as C123456789 of 1 to 64 characters without spaces, got "C1 C2""#),
        Case(path: "/api/flagged?account=" + String(repeating: "C", count: 65), message: "account: expected an account id such as C123456789 of 1 to 64 characters"),
        Case(path: "/api/flagged?limt=5", message: #"unknown parameter "limt": this endpoint accepts limit, account"#),
        Case(path: "/api/flagged?minutes=5", message: #"unknown parameter "minutes": this endpoint accepts limit, account"#),
        Case(path: "/api/throughput?account=C1", message: #"unknown parameter "account": this endpoint accepts from, to, minutes"#),
        Case(path: "/api/workers?minutes=5", message: #"unknown parameter "minutes": this endpoint accepts no parameters"#),
        Case(path: "/api/nothing-here", status: 404, message: "no endpoint at /api/nothing-here: the dashboard serves /api/throughput, /api/flagged"),
    ]

    @Test("each bad request", arguments: cases)
    func badRequest(_ check: Case) async throws {
        try await DashboardTestServer.with { server, _, _ in
            let answer = try await server.get(check.path)
            #expect(answer.status == check.status, "\(answer.status) \(answer.text)")
            #expect(answer.headers["content-type"] == "application/json; charset=utf-8")
            let message = try answer.error()
            #expect(message.contains(check.message), "message: \(message)")
        }
    }
}
