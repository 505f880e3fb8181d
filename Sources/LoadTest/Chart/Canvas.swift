/// An RGB raster to draw charts on: filled rectangles, lines and small text.
struct Canvas {
    /// A colour.
    struct Color: Sendable {
        var red: UInt8
        var green: UInt8
        var blue: UInt8

        static let white = Color(red: 255, green: 255, blue: 255)
        static let black = Color(red: 30, green: 30, blue: 30)
        static let grid = Color(red: 225, green: 225, blue: 225)
        static let axis = Color(red: 120, green: 120, blue: 120)
        /// Distinguishable series colours.
        static let series = [
            Color(red: 31, green: 119, blue: 180), Color(red: 44, green: 160, blue: 44), Color(red: 255, green: 127, blue: 14),
            Color(red: 214, green: 39, blue: 40), Color(red: 148, green: 103, blue: 189), Color(red: 140, green: 86, blue: 75),
        ]
    }

    let width: Int
    let height: Int
    private(set) var pixels: [UInt8]

    init(width: Int, height: Int, background: Color = .white) {
        self.width = width
        self.height = height
        pixels = [UInt8](repeating: 0, count: width * height * 3)
        fill(x: 0, y: 0, width: width, height: height, background)
    }

    /// The image as PNG bytes.
    var png: [UInt8] { PNGEncoder.encode(width: width, height: height, rgb: pixels) }

    mutating func set(_ x: Int, _ y: Int, _ color: Color) {
        guard x >= 0, y >= 0, x < width, y < height else { return }
        let index = (y * width + x) * 3
        pixels[index] = color.red
        pixels[index + 1] = color.green
        pixels[index + 2] = color.blue
    }

    mutating func fill(x: Int, y: Int, width: Int, height: Int, _ color: Color) {
        for row in max(0, y)..<min(self.height, y + height) {
            for column in max(0, x)..<min(self.width, x + width) {
                set(column, row, color)
            }
        }
    }

    /// A straight line, `thickness` pixels wide (Bresenham with a square pen).
    mutating func line(from start: (Int, Int), to end: (Int, Int), _ color: Color, thickness: Int = 1) {
        var (x0, y0) = start
        let (x1, y1) = end
        let dx = abs(x1 - x0)
        let dy = -abs(y1 - y0)
        let sx = x0 < x1 ? 1 : -1
        let sy = y0 < y1 ? 1 : -1
        var error = dx + dy
        let half = thickness / 2
        while true {
            fill(x: x0 - half, y: y0 - half, width: thickness, height: thickness, color)
            if x0 == x1 && y0 == y1 { break }
            let twice = 2 * error
            if twice >= dy { error += dy; x0 += sx }
            if twice <= dx { error += dx; y0 += sy }
        }
    }

    /// Text in the built-in 5×7 font, `scale` pixels per font pixel; upper case is drawn as
    /// lower case, and characters the font lacks as blanks.
    /// - Returns: The width drawn.
    @discardableResult
    mutating func text(_ string: String, x: Int, y: Int, _ color: Color, scale: Int = 2) -> Int {
        var cursor = x
        for character in string.lowercased() {
            if let columns = BitmapFont.glyphs[character] {
                for (column, bits) in columns.enumerated() {
                    for row in 0..<7 where bits & (1 << row) != 0 {
                        fill(x: cursor + column * scale, y: y + row * scale, width: scale, height: scale, color)
                    }
                }
            }
            cursor += 6 * scale
        }
        return cursor - x
    }

    /// The width `string` takes at `scale`.
    static func textWidth(_ string: String, scale: Int = 2) -> Int {
        string.count * 6 * scale
    }
}
