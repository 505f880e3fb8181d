import Foundation
import Postgres
import Testing
import TestSupport

@Suite("Array columns read as PostgresArray")
struct ArrayDecodingTests {
    @Test("double precision[] comes back bit for bit, NaN, infinities, -0 and subnormals included")
    func doublesRoundTrip() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        var generator = SystemRandomNumberGenerator()
        let special: [Double] = [0, -0.0, 0.1 + 0.2, 1 / 3, .leastNonzeroMagnitude, -.leastNormalMagnitude,
                                 .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 123_456_789.123_456_79, -1e-300]
        let random = (0..<200).map { _ in Double(bitPattern: generator.next()) }.filter { !$0.isNaN }
        let values = special + random
        let placeholders = values.indices.map { "$\($0 + 1)::float8" }.joined(separator: ",")
        let rows = try await connection.query("SELECT ARRAY[\(placeholders)] AS a", values.map { .double($0) })
        #expect(rows.columnTypes == [PostgresDataType(rawValue: 1022)])
        let read = try rows[0]["a", as: PostgresArray<Double>.self].elements
        #expect(read.count == values.count)
        for (got, sent) in zip(read, values) {
            #expect(got.bitPattern == sent.bitPattern || (got.isNaN && sent.isNaN), "sent \(sent), read \(got)")
        }
    }

    @Test("quoted text elements, NULL elements, empty arrays and other lower bounds")
    func textAndNulls() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let awkward = ["plain", "", "NULL", "with space", #"quote " and \ backslash"#, "comma,brace{}", "naïve ☕️", " lead"]
        let row = try #require(try await connection.query(
            """
            SELECT $1::text[] AS texts, ARRAY['a', NULL, 'NULL']::text[] AS nullable, '{}'::int4[] AS empty,
                   '[0:2]={7,8,9}'::int8[] AS shifted, ARRAY[1, NULL, 3]::int4[] AS ints, ARRAY[true, false] AS flags,
                   ARRAY['\\x00ff'::bytea, '\\x'::bytea] AS blobs,
                   ARRAY['2024-05-01 12:34:56.123456+00'::timestamptz] AS instants
            """,
            [.text("{" + awkward.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}")]
        ).first)
        #expect(try row["texts", as: PostgresArray<String>.self].elements == awkward)
        #expect(try row["nullable", as: PostgresArray<String?>.self].elements == ["a", nil, "NULL"])
        #expect(try row["empty", as: PostgresArray<Int32>.self].elements == [])
        #expect(try row["shifted", as: PostgresArray<Int64>.self].elements == [7, 8, 9])
        #expect(try row["ints", as: PostgresArray<Int?>.self] == PostgresArray([1, nil, 3]))
        #expect(try row["flags", as: PostgresArray<Bool>.self].elements == [true, false])
        #expect(try row["blobs", as: PostgresArray<[UInt8]>.self].elements == [[0, 255], []])
        let instant = try #require(try row["instants", as: PostgresArray<Date>.self].elements.first)
        #expect((instant.timeIntervalSince1970 * 1_000_000).rounded() == 1_714_566_896_123_456)
        // An optional array column: NULL is nil, a value is the array.
        let maybe = try #require(try await connection.query("SELECT NULL::float8[], '{1.5}'::float8[]").first)
        #expect(try maybe[0, as: PostgresArray<Double>?.self] == nil)
        #expect(try maybe[1, as: PostgresArray<Double>?.self] == PostgresArray([1.5]))
    }

    @Test("NULL elements, other dimensions, element types and non-arrays are type mismatches that quote no value")
    func mismatches() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let row = try #require(try await connection.query(
            "SELECT ARRAY[1.5, NULL]::float8[] AS holey, '{{1,2},{3,4}}'::int4[] AS square, '[1:2][1:1]={{1},{2}}'::int4[] AS decorated, ARRAY['secret']::text[] AS words, 'secret'::text AS scalar, ARRAY[70000]::int4[] AS wide"
        ).first)
        let null = try #require(throws: PostgresError.self) { try row["holey", as: PostgresArray<Double>.self] }
        #expect(null.code == .typeMismatch)
        #expect(null.message.contains("NULL element"), "\(null.message)")
        #expect(null.message.contains("double precision[]"), "\(null.message)")
        #expect(try row["holey", as: PostgresArray<Double?>.self].elements == [1.5, nil])
        for column in ["square", "decorated"] {
            let error = try #require(throws: PostgresError.self) { try row[column, as: PostgresArray<Int32>.self] }
            #expect(error.message.contains("more than one dimension"), "\(error.message)")
        }
        let words = try #require(throws: PostgresError.self) { try row["words", as: PostgresArray<Double>.self] }
        #expect(words.message.contains("element 1"), "\(words.message)")
        #expect(!words.description.contains("secret"))
        let scalar = try #require(throws: PostgresError.self) { try row["scalar", as: PostgresArray<String>.self] }
        #expect(scalar.message.contains("not an array type"), "\(scalar.message)")
        #expect(!scalar.description.contains("secret"))
        #expect(throws: PostgresError.self) { try row["wide", as: PostgresArray<Int16>.self] }
    }

    @Test("the array types known are exactly the server's arrays of the named types")
    func arrayTypesMatchTheCatalog() async throws {
        let connection = try await TestDatabase.connect()
        defer { Task { await connection.close() } }
        let named: [PostgresDataType] = [.bool, .bytea, .char, .name, .int8, .int2, .int4, .text, .oid, .json,
                                         .float4, .float8, .bpchar, .varchar, .timestamp, .timestamptz, .numeric, .jsonb]
        let rows = try await connection.query(
            "SELECT oid::int8, typarray::int8 FROM pg_type WHERE oid = ANY($1::oid[]) ORDER BY oid",
            [.text("{" + named.map { String($0.rawValue) }.joined(separator: ",") + "}")])
        #expect(rows.count == named.count)
        for row in rows {
            let element = PostgresDataType(rawValue: UInt32(try row[0, as: Int64.self]))
            let array = PostgresDataType(rawValue: UInt32(try row[1, as: Int64.self]))
            #expect(array.description == "\(element)[]")
        }
        #expect(PostgresDataType(rawValue: 2951).description == "oid 2951")  // uuid[]: not known
    }
}
