import Foundation
import Postgres
import Testing
import TestSupport

private let hexDigits = (0..<16).map { String($0, radix: 16) }

/// One row of the COPY test table, generated deterministically from its id.
private struct Sample: Equatable {
    var id: Int64
    var small: Int16
    var medium: Int32?
    var amount: Double
    var flag: Bool?
    var note: String?
    var payload: [UInt8]?
    var at: Int64  // microseconds since 1970
    var document: String?

    init(_ id: Int64) {
        self.id = id
        small = Int16(truncatingIfNeeded: id &* 7)
        medium = id % 11 == 0 ? nil : Int32(truncatingIfNeeded: id &* 104_729)
        amount = id % 13 == 0 ? -0.0 : Double(id) * 1.000_1 - 5e-7
        flag = id % 3 == 0 ? nil : id % 2 == 0
        let notes = ["plain", "naïve café ☕️", "日本語テキスト", "tab\there", "line\nbreak", #"back\slash"#, "", "emoji 👩‍👩‍👧"]
        note = id % 17 == 0 ? nil : "\(notes[Int(id) % notes.count]) #\(id)"
        payload = id % 5 == 0 ? nil : (0..<Int(id % 9)).map { UInt8(truncatingIfNeeded: Int(id) &+ $0 &* 31) }
        at = 1_700_000_000_000_000 + id * 1_234_567
        document = id % 7 == 0 ? nil : #"{"id": \#(id), "tags": ["a", "ü"]}"#
    }

    /// A row of text-format COPY data.
    /// - Parameter formatter: Formats whole UTC seconds as `yyyy-MM-dd HH:mm:ss`.
    func textLine(_ formatter: DateFormatter) -> String {
        func escape(_ text: String) -> String {
            var escaped = ""
            for character in text.unicodeScalars {
                switch character {
                case "\\": escaped += #"\\"#
                case "\t": escaped += #"\t"#
                case "\n": escaped += #"\n"#
                case "\r": escaped += #"\r"#
                default: escaped.unicodeScalars.append(character)
                }
            }
            return escaped
        }
        let fields: [String?] = [
            String(id), String(small), medium.map(String.init), String(amount), flag.map { $0 ? "t" : "f" },
            note.map(escape), payload.map { #"\\x"# + $0.map { hexDigits[Int($0 >> 4)] + hexDigits[Int($0 & 0xF)] }.joined() },
            timestampText(formatter), document.map(escape),
        ]
        return fields.map { $0 ?? #"\N"# }.joined(separator: "\t") + "\n"
    }

    /// `at` as PostgreSQL's text input reads it: `2023-11-14 22:13:20.123456+00`.
    private func timestampText(_ formatter: DateFormatter) -> String {
        let fraction = String(at % 1_000_000)
        let seconds = formatter.string(from: Date(timeIntervalSince1970: Double(at / 1_000_000)))
        return seconds + "." + String(repeating: "0", count: 6 - fraction.count) + fraction + "+00"
    }

    static func utcSecondsFormatter() -> DateFormatter {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter
    }

    func encode(into encoder: inout PostgresBinaryCopyEncoder) {
        encoder.beginRow(fieldCount: 9)
        encoder.append(id)
        encoder.append(small)
        if let medium { encoder.append(medium) } else { encoder.appendNull() }
        encoder.append(amount)
        if let flag { encoder.append(flag) } else { encoder.appendNull() }
        if let note { encoder.append(note) } else { encoder.appendNull() }
        if let payload { encoder.appendBytes(payload) } else { encoder.appendNull() }
        encoder.appendTimestamp(microsecondsSince1970: at)
        if let document { encoder.appendJSONB(document) } else { encoder.appendNull() }
    }

    init(row: PostgresRow) throws {
        id = try row[0, as: Int64.self]
        small = try row[1, as: Int16.self]
        medium = try row[2, as: Int32?.self]
        amount = try row[3, as: Double.self]
        flag = try row[4, as: Bool?.self]
        note = try row[5, as: String?.self]
        payload = try row[6, as: [UInt8]?.self]
        at = microseconds(try row[7, as: Date.self])
        document = try row[8, as: String?.self]
    }
}

@Suite("COPY FROM STDIN")
struct CopyTests {
    static let rowCount = 100_000
    static let columns = """
        id int8 PRIMARY KEY, small int2 NOT NULL, medium int4, amount float8 NOT NULL, flag bool,
        note text, payload bytea, at timestamptz NOT NULL, document jsonb
        """

    @Test("100,000 rows in binary format read back equal")
    func binaryCopy() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TEMP TABLE samples (\(Self.columns))")
        var chunks = 0
        let copied = try await connection.copyFrom("COPY samples FROM STDIN (FORMAT binary)") { writer in
            var encoder = PostgresBinaryCopyEncoder(capacity: 256 * 1024)
            for id in 1...Int64(Self.rowCount) {
                Sample(id).encode(into: &encoder)
                if encoder.buffer.count >= 200 * 1024 {
                    try await writer.write(encoder.buffer)
                    encoder.removeAll()
                    chunks += 1
                }
            }
            encoder.finish()
            try await writer.write(encoder.buffer)
        }
        #expect(copied == Self.rowCount)
        #expect(chunks > 10, "the data was streamed in chunks")
        try await expectSamples(connection)
    }

    @Test("100,000 rows in text format read back equal")
    func textCopy() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TEMP TABLE samples (\(Self.columns))")
        let copied = try await connection.copyFrom("COPY samples FROM STDIN") { writer in
            let formatter = Sample.utcSecondsFormatter()
            var chunk = ""
            for id in 1...Int64(Self.rowCount) {
                chunk += Sample(id).textLine(formatter)
                if chunk.utf8.count >= 64 * 1024 {
                    try await writer.write(chunk)
                    chunk = ""
                }
            }
            try await writer.write(chunk)
        }
        #expect(copied == Self.rowCount)
        try await expectSamples(connection)
    }

    private func expectSamples(_ connection: PostgresConnection) async throws {
        let rows = try await connection.query("SELECT * FROM samples ORDER BY id")
        #expect(rows.count == Self.rowCount)
        var mismatches = 0
        for (index, row) in rows.enumerated() {
            let expected = Sample(Int64(index + 1))
            let actual = try Sample(row: row)
            if actual != expected {
                mismatches += 1
                if mismatches <= 3 { Issue.record("row \(index + 1): \(actual) != \(expected)") }
            }
        }
        #expect(mismatches == 0)
    }

    @Test("bad COPY data reports the server's SQLSTATE and stores nothing")
    func badDataIsRejected() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TEMP TABLE numbers (id int8 PRIMARY KEY)")
        let error = try await #require(throws: PostgresError.self) {
            try await connection.copyFrom("COPY numbers FROM STDIN") { writer in
                try await writer.write("1\n2\nthree\n")
            }
        }
        #expect(error.sqlState == "22P02", "\(error)")
        let duplicate = try await #require(throws: PostgresError.self) {
            try await connection.copyFrom("COPY numbers FROM STDIN") { try await $0.write("1\n1\n") }
        }
        #expect(duplicate.sqlState == "23505")
        let missing = try await #require(throws: PostgresError.self) {
            try await connection.copyFrom("COPY no_such_table FROM STDIN") { _ in }
        }
        #expect(missing.sqlState == "42P01")
        #expect(try await connection.query("SELECT count(*) FROM numbers").first?[0, as: Int.self] == 0)
    }

    struct SourceFailed: Error {}

    @Test("a failing data source aborts the COPY; its writer is dead afterwards")
    func failingSourceAborts() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TEMP TABLE numbers (id int8)")
        var escaped: PostgresCopyWriter?
        await #expect(throws: SourceFailed.self) {
            try await connection.copyFrom("COPY numbers FROM STDIN") { writer in
                escaped = writer
                try await writer.write("1\n2\n")
                throw SourceFailed()
            }
        }
        #expect(try await connection.query("SELECT count(*) FROM numbers").first?[0, as: Int.self] == 0)
        let late = try await #require(throws: PostgresError.self) { try await escaped?.write("3\n") }
        #expect(late.code == .copyFailed)
        #expect(try await connection.copyFrom("COPY numbers FROM STDIN") { try await $0.write("4\n5\n") } == 2)
    }

    @Test("writing a chunk leaves the encoder's buffer uniquely owned, so refilling it does not allocate")
    func bufferIsReused() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        try await connection.execute("CREATE TEMP TABLE numbers (id int8)")
        _ = try await connection.copyFrom("COPY numbers FROM STDIN (FORMAT binary)") { writer in
            var encoder = PostgresBinaryCopyEncoder(capacity: 4096)
            let address = encoder.buffer.withUnsafeBufferPointer { $0.baseAddress }
            for round in 0..<50 {
                for id in 0..<100 {
                    encoder.beginRow(fieldCount: 1)
                    encoder.append(Int64(round * 100 + id))
                }
                try await writer.write(encoder.buffer)
                encoder.removeAll()
                #expect(encoder.buffer.withUnsafeBufferPointer { $0.baseAddress } == address)
            }
            encoder.finish()
            try await writer.write(encoder.buffer)
        }
        #expect(try await connection.query("SELECT count(DISTINCT id) FROM numbers").first?[0, as: Int.self] == 5000)
    }
}
