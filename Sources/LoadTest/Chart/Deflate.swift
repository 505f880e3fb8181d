/// A small DEFLATE encoder (RFC 1951) for charts: one block with the fixed Huffman codes, and
/// matches only at the distances a raster repeats at (the previous byte, the previous pixel,
/// the previous row). Flat backgrounds and straight lines shrink to a few percent, which is all
/// a chart needs, without a compression library.
struct Deflate {
    private var output: [UInt8] = []
    private var bitBuffer: UInt32 = 0
    private var bitCount = 0

    /// A zlib stream (RFC 1950) of `data`, trying back-references at `distances`.
    static func zlib(_ data: [UInt8], distances: [Int]) -> [UInt8] {
        var encoder = Deflate()
        encoder.output = [0x78, 0x01]
        encoder.writeBits(1, count: 1)  // final block
        encoder.writeBits(1, count: 2)  // fixed Huffman codes
        var position = 0
        while position < data.count {
            var bestLength = 0
            var bestDistance = 0
            for distance in distances where distance <= position && distance <= 32_768 {
                var length = 0
                while length < 258, position + length < data.count, data[position + length] == data[position + length - distance] {
                    length += 1
                }
                if length > bestLength {
                    bestLength = length
                    bestDistance = distance
                }
            }
            if bestLength >= 3 {
                encoder.writeLength(bestLength)
                encoder.writeDistance(bestDistance)
                position += bestLength
            } else {
                encoder.writeLiteral(Int(data[position]))
                position += 1
            }
        }
        encoder.writeLiteral(256)  // end of block
        if encoder.bitCount > 0 { encoder.output.append(UInt8(encoder.bitBuffer & 0xFF)) }
        encoder.output.appendBigEndian(PNGEncoder.adler32(data))
        return encoder.output
    }

    private mutating func writeBits(_ value: Int, count: Int) {
        bitBuffer |= UInt32(value) << UInt32(bitCount)
        bitCount += count
        while bitCount >= 8 {
            output.append(UInt8(bitBuffer & 0xFF))
            bitBuffer >>= 8
            bitCount -= 8
        }
    }

    /// A Huffman code, most significant bit first.
    private mutating func writeCode(_ code: Int, length: Int) {
        var reversed = 0
        for bit in 0..<length where code & (1 << bit) != 0 {
            reversed |= 1 << (length - 1 - bit)
        }
        writeBits(reversed, count: length)
    }

    /// A literal byte (0–255), the end-of-block symbol (256) or a length symbol (257–287).
    private mutating func writeLiteral(_ symbol: Int) {
        switch symbol {
        case 0...143: writeCode(0x30 + symbol, length: 8)
        case 144...255: writeCode(0x190 + symbol - 144, length: 9)
        case 256...279: writeCode(symbol - 256, length: 7)
        default: writeCode(0xC0 + symbol - 280, length: 8)
        }
    }

    private static let lengthBases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
    private static let lengthExtraBits = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBases = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtraBits = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]

    private mutating func writeLength(_ length: Int) {
        let index = Self.lengthBases.lastIndex { $0 <= length }!
        writeLiteral(257 + index)
        writeBits(length - Self.lengthBases[index], count: Self.lengthExtraBits[index])
    }

    private mutating func writeDistance(_ distance: Int) {
        let index = Self.distanceBases.lastIndex { $0 <= distance }!
        writeCode(index, length: 5)
        writeBits(distance - Self.distanceBases[index], count: Self.distanceExtraBits[index])
    }
}
