import Foundation

/// Line charts of series over time, stacked in panels that share the x axis, rendered to PNG.
struct LineChart {
    /// One line.
    struct Series: Sendable {
        var name: String
        var points: [(x: Double, y: Double)]
    }

    /// One chart area with its own y axis.
    struct Panel: Sendable {
        var title: String
        var yUnit: String
        var series: [Series]
    }

    var panels: [Panel]
    var xLabel: String
    var width = 960
    var panelHeight = 300

    /// The chart as PNG bytes.
    func png() -> [UInt8] {
        let margin = (left: 90, right: 20, top: 40, bottom: 50)
        var canvas = Canvas(width: width, height: panels.count * panelHeight + 30)
        let allX = panels.flatMap { $0.series.flatMap { $0.points.map(\.x) } }
        let xMax = Self.niceCeiling(allX.max() ?? 1)
        for (index, panel) in panels.enumerated() {
            let top = index * panelHeight
            let plot = (x: margin.left, y: top + margin.top, width: width - margin.left - margin.right,
                        height: panelHeight - margin.top - margin.bottom)
            let yMax = Self.niceCeiling(panel.series.flatMap { $0.points.map(\.y) }.max() ?? 1)
            canvas.text(panel.title, x: margin.left, y: top + 12, .black)
            // Grid, ticks and labels.
            for tick in 0...5 {
                let value = yMax * Double(tick) / 5
                let y = plot.y + plot.height - Int(Double(plot.height) * Double(tick) / 5)
                canvas.line(from: (plot.x, y), to: (plot.x + plot.width, y), tick == 0 ? .axis : .grid)
                let label = Self.format(value) + (tick == 5 ? " " + panel.yUnit : "")
                let labelWidth = Canvas.textWidth(Self.format(value), scale: 1)
                canvas.text(label, x: plot.x - 6 - labelWidth, y: y - 3, .black, scale: 1)
            }
            for tick in 0...10 {
                let value = xMax * Double(tick) / 10
                let x = plot.x + Int(Double(plot.width) * Double(tick) / 10)
                canvas.line(from: (x, plot.y + plot.height), to: (x, plot.y + plot.height + 4), .axis)
                let label = Self.format(value)
                canvas.text(label, x: x - Canvas.textWidth(label, scale: 1) / 2, y: plot.y + plot.height + 8, .black, scale: 1)
            }
            canvas.line(from: (plot.x, plot.y), to: (plot.x, plot.y + plot.height), .axis)
            // Series.
            var legendX = plot.x + plot.width
            for (seriesIndex, series) in panel.series.enumerated().reversed() {
                let color = Canvas.Color.series[seriesIndex % Canvas.Color.series.count]
                let points = series.points.map { point in
                    (plot.x + Int(Double(plot.width) * point.x / xMax),
                     plot.y + plot.height - Int(Double(plot.height) * min(point.y, yMax) / yMax))
                }
                for (from, to) in zip(points, points.dropFirst()) {
                    canvas.line(from: from, to: to, color, thickness: 2)
                }
                if points.count == 1 { canvas.fill(x: points[0].0 - 2, y: points[0].1 - 2, width: 5, height: 5, color) }
                legendX -= Canvas.textWidth(series.name, scale: 1) + 26
                canvas.fill(x: legendX, y: top + 14, width: 14, height: 4, color)
                canvas.text(series.name, x: legendX + 18, y: top + 12, .black, scale: 1)
            }
        }
        canvas.text(xLabel, x: width / 2 - Canvas.textWidth(xLabel) / 2, y: panels.count * panelHeight + 6, .black)
        return canvas.png
    }

    /// The smallest of 1, 2, 2.5, 5 × 10ⁿ at or above `value`.
    static func niceCeiling(_ value: Double) -> Double {
        guard value > 0, value.isFinite else { return 1 }
        let magnitude = pow(10, floor(log10(value)))
        for step in [1.0, 2, 2.5, 5, 10] where step * magnitude >= value {
            return step * magnitude
        }
        return 10 * magnitude
    }

    /// A short label: 1.5, 20, 2.5k, 1.2m.
    static func format(_ value: Double) -> String {
        switch abs(value) {
        case 1_000_000...: return Self.trim(value / 1_000_000) + "m"
        case 10_000...: return Self.trim(value / 1000) + "k"
        default: return Self.trim(value)
        }
    }

    private static func trim(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
