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

    @Test("stored deflate blocks hold the bytes unchanged, split at 65,535")
    func storedBlocks() {
        let data = (0..<70_000).map { UInt8($0 % 251) }
        let stream = PNGEncoder.zlibStored(data)
        #expect(stream.count == 2 + (5 + 65_535) + (5 + 4_465) + 4)
        #expect(Array(stream[7..<(7 + 65_535)]) == Array(data[0..<65_535]))
        #expect(stream[2] == 0 && stream[2 + 5 + 65_535] == 1, "only the last block is final")
    }

    @Test("a chart has the requested size and draws its series")
    func chartSize() {
        let chart = LineChart(
            panels: [LineChart.Panel(title: "rate", yUnit: "tx/s", series: [LineChart.Series(name: "a", points: [(0, 1), (10, 5)])])],
            xLabel: "seconds", width: 400, panelHeight: 200)
        let png = chart.png()
        // IHDR: width and height, big-endian, right after the signature and the chunk header.
        #expect(Array(png[16..<24]) == [0, 0, 1, 144, 0, 0, 0, 230])
        #expect(LineChart.niceCeiling(7_300) == 10_000 && LineChart.niceCeiling(180) == 200 && LineChart.niceCeiling(2.2) == 2.5)
    }
}
