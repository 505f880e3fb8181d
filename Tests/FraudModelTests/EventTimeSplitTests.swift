import Testing
@testable import FraudModel

@Suite struct EventTimeSplitTests {
    @Test func earlierRowsTrainLaterRowsValidate() throws {
        let times: [Int64] = [50, 10, 40, 20, 30, 60, 70, 80, 90, 100]
        let split = try EventTimeSplit(eventTimes: times, trainingFraction: 0.8)
        #expect(split.training == [1, 3, 4, 2, 0, 5, 6, 7])
        #expect(split.validation == [8, 9])
    }

    @Test func tiesAtTheCutGoToValidation() throws {
        let split = try EventTimeSplit(eventTimes: [1, 2, 3, 3, 3], trainingFraction: 0.8)
        #expect(split.training == [0, 1])
        #expect(split.validation == [2, 3, 4])
    }

    @Test func refusesAFractionOutsideZeroToOne() {
        let error = #expect(throws: ModelError.self) { try EventTimeSplit(eventTimes: [1, 2], trainingFraction: 1) }
        #expect(error?.message.contains("strictly between 0 and 1") == true)
    }
}
