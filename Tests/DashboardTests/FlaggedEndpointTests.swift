import Foundation
import Testing

@Suite("GET /api/flagged")
struct FlaggedEndpointTests {
    /// Five flagged transactions an hour apart (f0 oldest), and one newer that is not flagged.
    static func seed(_ seed: DashboardSeed) async throws {
        let accounts = [("C1", "M9"), ("C2", "C1"), ("C3", "M9"), ("C1", "C4"), ("C5", "M9")]
        for (index, (account, counterparty)) in accounts.enumerated() {
            try await seed.scored(
                "f\(index)", eventTime: "2026-03-01T1\(index):00:00Z", scoredAt: "2026-03-02T00:00:0\(index).250Z", flagged: true,
                account: account, counterparty: counterparty, amount: 100 + Double(index), type: index % 2 == 0 ? "TRANSFER" : "CASH_OUT",
                score: Double(80 + index) / 100, model: "m\(index)", offset: index)
        }
        try await seed.scored("quiet", eventTime: "2026-03-01T20:00:00Z", flagged: false, account: "C1", offset: 99)
    }

    @Test("the latest flagged transactions, newest first, with every field; unflagged ones never")
    func latest() async throws {
        try await DashboardTestServer.with(seed: { try await Self.seed(DashboardSeed(connection: $0, schema: $1)) }) { server, _, _ in
            let json = try await server.json("/api/flagged")
            #expect(json["limit"] as? Int == 50)
            #expect(json["account"] is NSNull)
            let transactions = try #require(json["transactions"] as? [[String: Any]])
            #expect(transactions.compactMap { $0["transactionId"] as? String } == ["f4", "f3", "f2", "f1", "f0"])
            let newest = try #require(transactions.first)
            #expect(newest["time"] as? String == "2026-03-01T14:00:00.000Z")
            #expect(newest["scoredAt"] as? String == "2026-03-02T00:00:04.250Z")
            #expect(newest["account"] as? String == "C5")
            #expect(newest["counterparty"] as? String == "M9")
            #expect(newest["amount"] as? Double == 104)
            #expect(newest["type"] as? String == "TRANSFER")
            #expect(newest["score"] as? Double == 0.84)
            #expect(newest["modelVersion"] as? String == "m4")
        }
    }

    @Test("limit keeps the newest; account matches the payer or the payee")
    func limitAndAccount() async throws {
        try await DashboardTestServer.with(seed: { try await Self.seed(DashboardSeed(connection: $0, schema: $1)) }) { server, _, _ in
            let limited = try await server.json("/api/flagged?limit=2")
            #expect(limited["limit"] as? Int == 2)
            #expect((limited["transactions"] as? [[String: Any]])?.compactMap { $0["transactionId"] as? String } == ["f4", "f3"])

            let account = try await server.json("/api/flagged?account=C1")
            #expect(account["account"] as? String == "C1")
            // f3 and f0 were paid by C1, f1 paid to it; "quiet" is C1's but not flagged.
            #expect((account["transactions"] as? [[String: Any]])?.compactMap { $0["transactionId"] as? String } == ["f3", "f1", "f0"])

            let both = try await server.json("/api/flagged?account=C1&limit=1")
            #expect((both["transactions"] as? [[String: Any]])?.compactMap { $0["transactionId"] as? String } == ["f3"])

            let nobody = try await server.json("/api/flagged?account=C404")
            #expect((nobody["transactions"] as? [Any])?.isEmpty == true)
        }
    }
}
