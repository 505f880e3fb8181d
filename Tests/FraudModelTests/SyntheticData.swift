@testable import FraudModel

/// Seeded synthetic fraud data for training tests.
enum SyntheticData {
    /// Six features in `-1...1` (5 % missing); fraud when `x0 > 0.8 && x1 < -0.6` (a nonlinear
    /// corner, about 2 % of rows), with 0.2 % of labels flipped as noise.
    static func corner(rows: Int, seed: UInt64) -> (features: ModelFeatureMatrix, labels: [Bool]) {
        var generator = SplitMix64(seed: seed)
        var values: [Double] = [], labels: [Bool] = []
        for _ in 0..<rows {
            let row = (0..<6).map { _ in generator.nextUnit() * 2 - 1 }
            var isFraud = row[0] > 0.8 && row[1] < -0.6
            if generator.nextUnit() < 0.002 { isFraud.toggle() }
            // Missing values only on features that do not decide the label.
            values += row.enumerated().map { $0.offset >= 2 && generator.nextUnit() < 0.05 ? .nan : $0.element }
            labels.append(isFraud)
        }
        return (try! ModelFeatureMatrix(featureCount: 6, values: values), labels)
    }
}
