import Kafka
import Postgres

/// Kafka records waiting in PostgreSQL to be sent: the transactional outbox.
///
/// The sink adds a write's alerts and dead letters here (``enqueue(_:on:)``) in the same
/// database transaction as its rows and offsets, so they are stored exactly when the rows are,
/// and no database transaction waits for the broker. ``OutboxRelay`` sends them after the commit
/// and removes what the broker acknowledged. Delivery is at least once: a relay that stops
/// between the broker's acknowledgement and its delete sends those records again.
public struct Outbox: Sendable {
    /// A record read back from the outbox, with its id.
    public struct Entry: Sendable {
        /// The row's id; ids grow in insertion order.
        public var id: Int64
        /// The record to send.
        public var message: KafkaProducerMessage
    }

    /// The PostgreSQL schema holding `outbox` (already migrated).
    public var schema: String

    /// Creates an outbox in `schema`.
    /// - Parameter schema: A migrated schema, such as `fraudstream`.
    public init(schema: String) {
        self.schema = schema
    }

    /// Adds `messages`, inside the caller's transaction, in order.
    /// - Parameters:
    ///   - messages: The records (an explicit partition and a timestamp are not kept: the
    ///     partitioner picks by key, and the broker stamps the send time).
    ///   - connection: The connection of the transaction that writes what the records belong to.
    /// - Throws: ``Postgres/PostgresError`` from the server.
    public func enqueue(_ messages: [KafkaProducerMessage], on connection: PostgresConnection) async throws {
        // Four parameters a row; PostgreSQL takes at most 65,535 per statement.
        for start in stride(from: 0, to: messages.count, by: 4_000) {
            let chunk = messages[start..<min(messages.count, start + 4_000)]
            var values: [String] = []
            var parameters: [PostgresValue?] = []
            values.reserveCapacity(chunk.count)
            parameters.reserveCapacity(chunk.count * 4)
            for message in chunk {
                let base = parameters.count
                values.append("($\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4))")
                parameters.append(.text(message.topic))
                parameters.append(message.key.map { .bytea($0) })
                parameters.append(.bytea(message.value))
                parameters.append(message.headers.isEmpty ? nil : .bytea(Self.encode(message.headers)))
            }
            try await connection.execute(
                "INSERT INTO \(schema).outbox (topic, message_key, payload, headers) VALUES \(values.joined(separator: ", "))",
                parameters)
        }
    }

    /// The oldest records not locked by another relay, locked until the caller's transaction ends.
    /// - Parameters:
    ///   - limit: The most records to return.
    ///   - connection: A connection inside a transaction.
    /// - Returns: The records in id order.
    /// - Throws: ``Postgres/PostgresError`` from the server.
    public func claim(limit: Int, on connection: PostgresConnection) async throws -> [Entry] {
        let rows = try await connection.query(
            """
            SELECT id, topic, message_key, payload, headers FROM \(schema).outbox
            ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED
            """,
            [.int64(Int64(limit))])
        return try rows.map { row in
            let headers = try row[4, as: [UInt8]?.self].map(Self.decode) ?? []
            return Entry(
                id: try row[0, as: Int64.self],
                message: KafkaProducerMessage(
                    topic: try row[1, as: String.self], key: try row[2, as: [UInt8]?.self], value: try row[3, as: [UInt8].self],
                    headers: headers))
        }
    }

    /// Deletes the records `ids`, inside the caller's transaction.
    /// - Throws: ``Postgres/PostgresError`` from the server.
    public func remove(_ ids: [Int64], on connection: PostgresConnection) async throws {
        guard !ids.isEmpty else { return }
        try await connection.execute(
            "DELETE FROM \(schema).outbox WHERE id = ANY($1::bigint[])",
            [.text("{" + ids.map(String.init).joined(separator: ",") + "}")])
    }

    /// How many records wait in the outbox.
    /// - Throws: ``Postgres/PostgresError`` from the server.
    public func count(on connection: PostgresConnection) async throws -> Int {
        try await connection.query("SELECT count(*) FROM \(schema).outbox")[0][0, as: Int.self]
    }

    /// Headers as bytes: per header, the key's length (2 bytes, big-endian) and UTF-8 bytes, then
    /// the value's length (4 bytes; all ones for a null value) and bytes.
    static func encode(_ headers: [KafkaHeader]) -> [UInt8] {
        var bytes: [UInt8] = []
        for header in headers {
            let key = Array(header.key.utf8.prefix(Int(UInt16.max)))
            append(UInt32(key.count), width: 2, to: &bytes)
            bytes += key
            if let value = header.value {
                append(UInt32(value.count), width: 4, to: &bytes)
                bytes += value
            } else {
                append(UInt32.max, width: 4, to: &bytes)
            }
        }
        return bytes
    }

    /// The headers ``encode(_:)`` wrote; a truncated tail is dropped.
    static func decode(_ bytes: [UInt8]) -> [KafkaHeader] {
        var headers: [KafkaHeader] = []
        var index = 0
        func read(_ width: Int) -> UInt32? {
            guard index + width <= bytes.count else { return nil }
            defer { index += width }
            return bytes[index..<index + width].reduce(0) { $0 << 8 | UInt32($1) }
        }
        while let keyLength = read(2), index + Int(keyLength) <= bytes.count {
            let key = String(decoding: bytes[index..<index + Int(keyLength)], as: UTF8.self)
            index += Int(keyLength)
            guard let valueLength = read(4) else { break }
            if valueLength == UInt32.max {
                headers.append(KafkaHeader(key: key, value: nil))
                continue
            }
            guard index + Int(valueLength) <= bytes.count else { break }
            headers.append(KafkaHeader(key: key, value: Array(bytes[index..<index + Int(valueLength)])))
            index += Int(valueLength)
        }
        return headers
    }

    private static func append(_ value: UInt32, width: Int, to bytes: inout [UInt8]) {
        for shift in stride(from: (width - 1) * 8, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }
}
