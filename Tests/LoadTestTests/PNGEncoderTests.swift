@testable import LoadTest
import Testing

@Suite("PNG chart encoding")
struct PNGEncoderTests {
    @Test("checksums match the published check values")
    func checksums() {
        #expect(PNGEncoder.crc32(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(PNGEncoder.adler32(Array("Wikipedia".utf8)) == 0x11E6_0398)
        // Every PNG ends with the same IEND chunk.
        let png = PNGEncoder.encode(width: 2, height: 1, rgb: [255, 0, 0, 0, 0, 255])
        #expect(Array(png.suffix(12)) == [0, 0, 0, 0, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82])
    }

    @Test("deflate output inflates back to the input, and repeats shrink it", arguments: [0, 1, 2, 300, 70_000])
    func deflateRoundTrip(size: Int) throws {
        var seed: UInt64 = 7
        let data: [UInt8] = (0..<size).map { index in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1
            // Runs of one value, runs of a 3-byte pattern, and noise.
            switch index / 500 % 3 {
            case 0: return 255
            case 1: return [31, 119, 180][index % 3]
            default: return UInt8(truncatingIfNeeded: seed >> 56)
            }
        }
        let stream = Deflate.zlib(data, distances: [1, 3, 97])
        #expect(Array(stream.prefix(2)) == [0x78, 0x01])
        #expect(try FixedHuffmanInflater.inflate(Array(stream.dropFirst(2).dropLast(4))) == data)
        var adler: [UInt8] = []
        adler.appendBigEndian(PNGEncoder.adler32(data))
        #expect(Array(stream.suffix(4)) == adler)
        if size == 70_000 { #expect(stream.count < size / 2, "\(stream.count) bytes for \(size)") }
    }

    @Test("a chart has the requested size and stays small")
    func chartSize() {
        let chart = LineChart(
            panels: [LineChart.Panel(title: "rate", yUnit: "tx/s", series: [LineChart.Series(name: "a", points: [(0, 1), (10, 5)])])],
            xLabel: "seconds", width: 400, panelHeight: 200)
        let png = chart.png()
        // IHDR: width and height, big-endian, right after the signature and the chunk header.
        #expect(Array(png[16..<24]) == [0, 0, 1, 144, 0, 0, 0, 230])
        #expect(png.count < 400 * 230 * 3 / 10, "\(png.count) bytes")
        #expect(LineChart.niceCeiling(7_300) == 10_000 && LineChart.niceCeiling(180) == 200 && LineChart.niceCeiling(2.2) == 2.5)
    }
}

/// Inflates one final DEFLATE block with fixed Huffman codes: enough to check the encoder
/// without trusting it.
enum FixedHuffmanInflater {
    struct Failure: Error {}

    static func inflate(_ data: [UInt8]) throws -> [UInt8] {
        var position = 0
        func bit() throws -> Int {
            guard position / 8 < data.count else { throw Failure() }
            defer { position += 1 }
            return Int(data[position / 8] >> UInt8(position % 8)) & 1
        }
        func bits(_ count: Int) throws -> Int {
            var value = 0
            for index in 0..<count { value |= try bit() << index }
            return value
        }
        func code(_ length: Int) throws -> Int {
            var value = 0
            for _ in 0..<length { value = value << 1 | (try bit()) }
            return value
        }
        guard try bits(1) == 1, try bits(2) == 1 else { throw Failure() }
        let lengthBases = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258]
        let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
        let distanceBases = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577]
        let distanceExtra = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
        var output: [UInt8] = []
        while true {
            // Read 7 bits, then extend to 8 or 9 as the fixed code table says.
            var symbol = try code(7)
            if symbol <= 0x17 {
                symbol += 256
            } else {
                symbol = symbol << 1 | (try bit())
                if (0x30...0xBF).contains(symbol) {
                    symbol -= 0x30
                } else if (0xC0...0xC7).contains(symbol) {
                    symbol = symbol - 0xC0 + 280
                } else {
                    symbol = (symbol << 1 | (try bit())) - 0x190 + 144
                }
            }
            switch symbol {
            case 0..<256: output.append(UInt8(symbol))
            case 256: return output
            default:
                let index = symbol - 257
                let length = lengthBases[index] + (try bits(lengthExtra[index]))
                let distanceCode = try code(5)
                let distance = distanceBases[distanceCode] + (try bits(distanceExtra[distanceCode]))
                guard distance <= output.count else { throw Failure() }
                for _ in 0..<length { output.append(output[output.count - distance]) }
            }
        }
    }
}
