import Testing
import FraudModel

/// The measures' definitions on crafted rows (docs/model.md, "How detection is measured").
@Suite struct DetectionReportTests {
    static let minute: Int64 = 60_000

    static func row(
        _ id: String, _ account: String, minute: Int64, amount: Double, fraud: String? = nil, flagged: Bool = false
    ) -> DetectionReport.Row {
        DetectionReport.Row(
            id: id, account: account, eventTime: minute * Self.minute, amount: amount,
            isFraud: fraud != nil, fraudType: fraud, flagged: flagged)
    }

    @Test func unlabelledRowsCountAsLegitimatePerTransaction() {
        let report = DetectionReport(rows: [
            Self.row("a", "A", minute: 0, amount: 10, fraud: "cash_out", flagged: true),
            Self.row("b", "B", minute: 0, amount: 10, flagged: true),
            Self.row("c", "C", minute: 0, amount: 10),
            Self.row("d", "D", minute: 0, amount: 10, fraud: "cash_out"),
        ])
        #expect(report.confusionMatrix == ConfusionMatrix(truePositives: 1, falsePositives: 1, trueNegatives: 1, falseNegatives: 1))
    }

    @Test func aScenarioIsOneAccountsFraudOfOneTypeWithinThirtyMinutes() throws {
        let report = DetectionReport(rows: [
            // Account A: three fan-out rows 10 minutes apart (one scenario), then another after 31 minutes.
            Self.row("a1", "A", minute: 0, amount: 100, fraud: "fan_out"),
            Self.row("a2", "A", minute: 10, amount: 100, fraud: "fan_out", flagged: true),
            Self.row("a3", "A", minute: 20, amount: 100, fraud: "fan_out"),
            Self.row("a4", "A", minute: 51, amount: 50, fraud: "fan_out"),
            // Account B: a change of type starts a new scenario even without a pause.
            Self.row("b1", "B", minute: 0, amount: 10, fraud: "account_takeover"),
            Self.row("b2", "B", minute: 1, amount: 30, fraud: "cash_out", flagged: true),
            // A legitimate row between fraud rows does not split a scenario.
            Self.row("c1", "C", minute: 0, amount: 5, fraud: "account_takeover"),
            Self.row("c2", "C", minute: 1, amount: 1),
            Self.row("c3", "C", minute: 2, amount: 20, fraud: "account_takeover"),
        ])
        #expect(report.all.scenarios == 5)
        #expect(report.all.detected == 2)
        // Only A's first scenario is flagged before its last transaction; B's cash-out has one row.
        #expect(report.all.multiTransaction == 2)
        #expect(report.all.detectedEarly == 1)
        let fanOut = try #require(report.byType.first { $0.name == "fan_out" })
        #expect(fanOut.scenarios == 2 && fanOut.detected == 1)
        let takeover = try #require(report.byType.first { $0.name == "account_takeover" })
        #expect(takeover.scenarios == 2 && takeover.detected == 0)
    }

    @Test func valueCountsFlaggedRowsAndLaterRowsOfAFlaggedAccount() throws {
        let report = DetectionReport(rows: [
            // A's first fraud row is missed, the second flagged, the third rides on that flag.
            Self.row("a1", "A", minute: 0, amount: 100, fraud: "fan_out"),
            Self.row("a2", "A", minute: 1, amount: 200, fraud: "fan_out", flagged: true),
            Self.row("a3", "A", minute: 2, amount: 300, fraud: "fan_out"),
            // A false alarm on B's legitimate payment counts for B's later fraud.
            Self.row("b1", "B", minute: 0, amount: 1, flagged: true),
            Self.row("b2", "B", minute: 5, amount: 400, fraud: "cash_out"),
            // C is never flagged.
            Self.row("c1", "C", minute: 0, amount: 1_000, fraud: "cash_out"),
        ])
        #expect(report.all.amount == 2_000)
        #expect(report.all.amountCaught == 900)
        #expect(try #require(report.all.valueDetectionRate) == 0.45)
        let cashOut = try #require(report.byType.first { $0.name == "cash_out" })
        #expect(cashOut.amountCaught == 400 && cashOut.amount == 1_400)
        // B's cash-out scenario was not itself flagged.
        #expect(cashOut.detected == 0)
    }

    @Test func arrivalOrderDoesNotMatterEventTimeThenIdDoes() {
        let rows = [
            Self.row("a2", "A", minute: 1, amount: 200, fraud: "fan_out"),
            Self.row("a1", "A", minute: 0, amount: 100, fraud: "fan_out", flagged: true),
            Self.row("a0", "A", minute: 1, amount: 50, fraud: "fan_out"),
        ]
        let report = DetectionReport(rows: rows)
        #expect(report == DetectionReport(rows: rows.reversed()))
        #expect(report.all.scenarios == 1 && report.all.detectedEarly == 1 && report.all.amountCaught == 350)
        // A flag on the row that comes last by time (not by arrival) is not early.
        let late = DetectionReport(rows: [
            Self.row("x2", "X", minute: 1, amount: 1, fraud: "fan_out", flagged: true),
            Self.row("x1", "X", minute: 0, amount: 1, fraud: "fan_out"),
        ])
        #expect(late.all.detected == 1 && late.all.detectedEarly == 0)
    }

    @Test func emptyInputsGiveNoRates() {
        let report = DetectionReport(rows: [Self.row("a", "A", minute: 0, amount: 1)])
        #expect(report.all.scenarios == 0)
        #expect(report.all.detectionRate == nil && report.all.valueDetectionRate == nil && report.all.earlyDetectionRate == nil)
    }
}
