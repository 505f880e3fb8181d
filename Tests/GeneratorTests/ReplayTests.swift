import FraudCore
import Foundation
@testable import Generator
import Testing

@Suite("PaySim replay")
struct ReplayTests {
    static let fixture = """
        step,type,amount,nameOrig,oldbalanceOrg,newbalanceOrig,nameDest,oldbalanceDest,newbalanceDest,isFraud,isFlaggedFraud
        1,PAYMENT,9839.64,C1231006815,170136.0,160296.36,M1979787155,0.0,0.0,0,0
        1,PAYMENT,1864.28,C1666544295,21249.0,19384.72,M2044282225,0.0,0.0,0,0
        1,TRANSFER,181.0,C1305486145,181.0,0.0,C553264065,0.0,0.0,1,0
        1,CASH_OUT,181.0,C840083671,181.0,0.0,C38997010,21182.0,0.0,1,0
        2,CASH_IN,500.5,C2048537720,41554.0,42054.5,C1026483832,0.0,0.0,0,0
        3,DEBIT,5337.77,C712410124,41720.0,36382.23,C195600860,41898.0,40348.79,0,0

        """

    private func write(_ text: String) throws -> String {
        let path = temporaryPath("paysim.csv")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func replay(_ text: String, labelShare: Double = 0) throws -> [SimulatedEvent] {
        var replay = try PaySimReplay(
            path: try write(text), start: EventTime(rfc3339: "2026-01-01T00:00:00Z")!, labelShare: labelShare, labelDelay: .seconds(60))
        var events: [SimulatedEvent] = []
        while let event = try replay.nextEvent() { events.append(event) }
        return events
    }

    @Test("rows become transactions spread over their step's hour, fraud rows get fraud labels")
    func replaysFixture() throws {
        let events = try replay(Self.fixture)
        let transactions = events.compactMap { if case .transaction(let t, _) = $0 { t } else { nil } }
        let labels = events.compactMap { if case .label(let l) = $0 { l } else { nil } }
        #expect(transactions.count == 6)
        #expect(transactions.map(\.id) == ["ps-2", "ps-3", "ps-4", "ps-5", "ps-6", "ps-7"])
        #expect(transactions.map(\.timestamp.description) == [
            "2026-01-01T00:00:00.000Z", "2026-01-01T00:15:00.000Z", "2026-01-01T00:30:00.000Z", "2026-01-01T00:45:00.000Z",
            "2026-01-01T01:00:00.000Z", "2026-01-01T02:00:00.000Z",
        ])
        let first = transactions[0]
        #expect(first.type == .payment && first.amount == 9839.64 && first.accountFrom == "C1231006815")
        #expect(first.oldBalanceFrom == 170136 && first.newBalanceFrom == 160296.36 && first.accountTo == "M1979787155")
        #expect(transactions[5].oldBalanceTo == 41898 && transactions[5].newBalanceTo == 40348.79)
        #expect(labels.map(\.id) == ["ps-4", "ps-5"])
        #expect(labels.allSatisfy { $0.isFraud && $0.fraudType == "paysim" })
        let encoded = transactions.map(\.jsonBytes)
        #expect(try encoded.map { try TransactionDecoder().decode($0) } == transactions)
    }

    @Test("a label share labels legitimate rows as not fraud, deterministically")
    func labelShare() throws {
        let all = try replay(Self.fixture, labelShare: 1)
        let labels = all.compactMap { if case .label(let l) = $0 { l } else { nil } }
        #expect(labels.count == 6)
        #expect(labels.filter(\.isFraud).count == 2)
        #expect(try replay(Self.fixture, labelShare: 1) == all)
    }

    @Test(
        "malformed lines name the line, the column and what was expected",
        arguments: [
            ("1,PAYMENT,abc,C1,1,1,M1,0,0,0,0", "line 2, column 3 (amount): expected a non-negative number, got \"abc\""),
            ("1,PAYMENT,-5,C1,1,1,M1,0,0,0,0", "line 2, column 3 (amount): expected a non-negative number, got \"-5\""),
            ("1,REFUND,5,C1,1,1,M1,0,0,0,0", "line 2, column 2 (type): expected one of PAYMENT, TRANSFER, CASH_OUT, CASH_IN, DEBIT, got \"REFUND\""),
            ("x,PAYMENT,5,C1,1,1,M1,0,0,0,0", "line 2, column 1 (step): expected a positive whole number of hours, got \"x\""),
            ("1,PAYMENT,5,C1,1,1,M1,0,0,yes,0", "line 2, column 10 (isFraud): expected 0 or 1, got \"yes\""),
            ("1,PAYMENT,5,,1,1,M1,0,0,0,0", "line 2, column 4 (nameOrig): expected an account name such as C1231006815, got \"\""),
            ("1,PAYMENT,5,C1,1,1,M1", "line 2: expected 11 comma-separated columns"),
        ])
    func malformedLine(line: String, message: String) throws {
        let text = "step,type,amount,nameOrig,oldbalanceOrg,newbalanceOrig,nameDest,oldbalanceDest,newbalanceDest,isFraud,isFlaggedFraud\n\(line)\n"
        #expect {
            _ = try replay(text)
        } throws: { error in
            guard let error = error as? PaySimReplayError else { return false }
            return error.line == 2 && error.description.contains(message)
        }
    }

    @Test("rows out of step order are rejected with the line number")
    func unsortedSteps() throws {
        let text = "2,PAYMENT,5,C1,10,5,M1,0,0,0,0\n1,PAYMENT,5,C1,10,5,M1,0,0,0,0\n"
        #expect {
            _ = try replay(text)
        } throws: { error in
            "\(error)".contains("line 2, column 1 (step): step 1 comes after step 2")
        }
    }

    @Test("a missing file is reported with its path")
    func missingFile() {
        #expect {
            _ = try PaySimReplay(path: "/nonexistent/paysim.csv", start: EventTime(millisecondsSinceEpoch: 0))
        } throws: { error in
            "\(error)".contains("--replay: cannot open /nonexistent/paysim.csv")
        }
    }
}
