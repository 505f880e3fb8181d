/// Splits rows into earlier training rows and later validation rows by event time, so that
/// nothing from the future leaks into training.
public struct EventTimeSplit: Hashable, Sendable {
    /// Indices of the training rows, in event-time order.
    public var training: [Int]
    /// Indices of the validation rows, in event-time order; every one is at or after the latest training row.
    public var validation: [Int]

    /// Splits at a share of the rows.
    ///
    /// Rows sharing the event time at the cut all go to validation, so every training row is
    /// strictly earlier than every validation row.
    ///
    /// - Parameters:
    ///   - eventTimes: Each row's event time (any comparable representation, e.g. epoch milliseconds).
    ///   - trainingFraction: The share of rows for training, in `(0, 1)`, e.g. 0.8.
    /// - Throws: ``ModelError/Code/invalidTrainingData`` when the fraction is outside `(0, 1)`.
    public init<Time: Comparable>(eventTimes: [Time], trainingFraction: Double) throws(ModelError) {
        guard trainingFraction > 0, trainingFraction < 1 else {
            throw ModelError(.invalidTrainingData, "event-time split: training fraction is \(trainingFraction); use a share strictly between 0 and 1, e.g. 0.8")
        }
        // Ties keep their row order, so the split is deterministic.
        let order = eventTimes.indices.sorted { (eventTimes[$0], $0) < (eventTimes[$1], $1) }
        var cut = Int((Double(order.count) * trainingFraction).rounded(.down))
        while cut > 0 && cut < order.count && eventTimes[order[cut - 1]] == eventTimes[order[cut]] {
            cut -= 1
        }
        training = Array(order[..<cut])
        validation = Array(order[cut...])
    }
}
