import Foundation
@testable import FraudModel

/// Test data read from `Fixtures/` next to this file (not SwiftPM resources).
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func path(_ name: String) -> String {
        folder.appendingPathComponent(name).path
    }

    /// The XGBoost parity rows: features and XGBoost's own predicted probabilities.
    static func xgboostPredictions() throws -> (features: ModelFeatureMatrix, predictions: [Double]) {
        let text = try String(contentsOfFile: path("xgboost-predictions.csv"), encoding: .utf8)
        let lines = text.split(separator: "\n").dropFirst()
        var values: [Double] = [], predictions: [Double] = []
        var featureCount = 0
        for line in lines {
            let fields = line.split(separator: ",").map { Double(String($0))! }
            featureCount = fields.count - 1
            values += fields.dropLast()
            predictions.append(fields.last!)
        }
        return (try ModelFeatureMatrix(featureCount: featureCount, values: values), predictions)
    }

    /// A temporary file path, removed by the caller.
    static func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("fraudmodel-\(UUID().uuidString)-\(name)").path
    }
}
