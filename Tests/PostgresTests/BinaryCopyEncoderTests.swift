import Foundation
import Postgres
import Testing

@Suite("PostgresBinaryCopyEncoder")
struct BinaryCopyEncoderTests {
    @Test("writes the signature, flags and extension length first")
    func header() {
        let encoder = PostgresBinaryCopyEncoder()
        #expect(encoder.buffer == Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00] + [0, 0, 0, 0] + [0, 0, 0, 0])
    }

    @Test("encodes each field type as a length-prefixed big-endian value")
    func fields() {
        var encoder = PostgresBinaryCopyEncoder()
        encoder.removeAll()
        encoder.beginRow(fieldCount: 10)
        encoder.append(Int16(-2))
        encoder.append(Int32(258))
        encoder.append(Int64(1))
        encoder.append(1.0)
        encoder.append(true)
        encoder.append("é")
        encoder.appendBytes([0xAB])
        encoder.appendTimestamp(microsecondsSince1970: 946_684_800_000_001)
        encoder.appendJSONB("[]")
        encoder.appendNull()
        encoder.finish()
        let expected: [[UInt8]] = [
            [0, 10],
            [0, 0, 0, 2, 0xFF, 0xFE],
            [0, 0, 0, 4, 0, 0, 1, 2],
            [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1],
            [0, 0, 0, 8, 0x3F, 0xF0, 0, 0, 0, 0, 0, 0],
            [0, 0, 0, 1, 1],
            [0, 0, 0, 2, 0xC3, 0xA9],
            [0, 0, 0, 1, 0xAB],
            [0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1],  // one microsecond after 2000-01-01
            [0, 0, 0, 3, 1, UInt8(ascii: "["), UInt8(ascii: "]")],
            [0xFF, 0xFF, 0xFF, 0xFF],
            [0xFF, 0xFF],
        ]
        #expect(encoder.buffer == expected.flatMap { $0 })
    }

    @Test("Date timestamps match integer ones")
    func dateTimestamps() {
        var fromDate = PostgresBinaryCopyEncoder()
        fromDate.appendTimestamp(Date(timeIntervalSince1970: 1_700_000_000.25))
        var fromInteger = PostgresBinaryCopyEncoder()
        fromInteger.appendTimestamp(microsecondsSince1970: 1_700_000_000_250_000)
        #expect(fromDate.buffer == fromInteger.buffer)
    }

    @Test("reset starts a new COPY in the same buffer")
    func reset() {
        var encoder = PostgresBinaryCopyEncoder()
        let header = encoder.buffer
        encoder.beginRow(fieldCount: 1)
        encoder.append(Int64(5))
        encoder.finish()
        encoder.reset()
        #expect(encoder.buffer == header)
    }
}
