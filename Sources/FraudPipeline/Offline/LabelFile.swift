import FraudCore

/// Reads a JSON Lines file of labels, keeping the latest label (by `labeled_at`) of each
/// transaction, as the `labels` table does.
public enum LabelFile {
    /// The latest label of each transaction id in `path`.
    ///
    /// - Throws: ``OfflineInputError`` naming the file, line and reason of the first line that is
    ///   not a label, or when the file cannot be read.
    public static func latestLabels(path: String, flag: String = "--labels") throws -> [String: Label] {
        let decoder = LabelDecoder()
        var latest: [String: Label] = [:]
        try JSONLinesReader(path: path, flag: flag).forEachLine { number, bytes in
            let label: Label
            do throws(WireDecodingError) {
                label = try decoder.decode(bytes)
            } catch {
                throw OfflineInputError("\(flag): \(path):\(number): \(error.description)")
            }
            if let current = latest[label.id], current.labeledAt > label.labeledAt { return }
            latest[label.id] = label
        }
        return latest
    }
}
