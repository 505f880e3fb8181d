import Postgres

/// Reads and advances the committed next offsets in `stream_offsets`: PostgreSQL, not Kafka, is
/// the source of truth for how far each partition has been written.
///
/// A partition's next offset is the offset of the first record whose output is not yet stored;
/// every output below it was committed in the same database transaction that stored the offset.
/// Offsets only ever move forwards (``advance(_:group:topic:on:)`` keeps the larger value), so a
/// late or repeated write cannot rewind a partition.
///
/// Each partition also has an ownership epoch. A worker takes the next one when it is assigned
/// the partition (``claim(_:group:topic:on:)``), and its writes check, under the row lock, that
/// the epoch is still theirs: a worker that lost the partition without noticing (paused past its
/// session timeout) is refused rather than writing over its successor.
public struct OffsetStore: Sendable {
    /// The PostgreSQL schema holding `stream_offsets` (already migrated).
    public var schema: String

    /// Creates a store for the tables in `schema`.
    /// - Parameter schema: A migrated schema, such as `fraudstream`.
    public init(schema: String) {
        self.schema = schema
    }

    /// The committed next offset of one partition, or `nil` if nothing was ever committed for it
    /// (start from the beginning, or from the policy's reset position).
    /// - Parameters:
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - partition: The partition.
    ///   - connection: The connection to read with.
    /// - Throws: ``PostgresError`` from the server.
    public func nextOffset(group: String, topic: String, partition: Int32, on connection: PostgresConnection) async throws -> Int64? {
        let rows = try await connection.query(
            "SELECT next_offset FROM \(schema).stream_offsets WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = $3",
            [.text(group), .text(topic), .int32(partition)]
        )
        return try rows.first.map { try $0[0, as: Int64.self] }
    }

    /// The committed next offsets of every partition of `topic` that has one.
    /// - Parameters:
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - connection: The connection to read with.
    /// - Returns: The next offset per partition.
    /// - Throws: ``PostgresError`` from the server.
    public func nextOffsets(group: String, topic: String, on connection: PostgresConnection) async throws -> [Int32: Int64] {
        try await claims(group: group, topic: topic, on: connection).mapValues(\.nextOffset)
    }

    /// A partition's committed next offset and ownership epoch, as one owner saw them.
    public struct PartitionClaim: Sendable, Hashable {
        /// The offset of the first record whose output is not stored yet.
        public var nextOffset: Int64
        /// The partition's ownership epoch: the claim that took it last.
        public var ownerEpoch: Int64

        /// Creates a claim.
        public init(nextOffset: Int64, ownerEpoch: Int64) {
            self.nextOffset = nextOffset
            self.ownerEpoch = ownerEpoch
        }
    }

    /// Takes ownership of a partition: moves its epoch on (creating its row at offset 0 if it
    /// has none) and returns the committed next offset with the new epoch.
    ///
    /// Waits for a write holding the partition's row lock to end, so the offset returned includes
    /// it; every write of an earlier owner that had not locked the row yet is refused from now
    /// on (``lockNextOffsets(of:group:topic:on:)`` reports the new epoch).
    /// - Parameters:
    ///   - partition: The partition assigned to the caller.
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - connection: The connection to write with (one statement; no transaction needed).
    /// - Returns: The committed next offset and the caller's epoch.
    /// - Throws: ``PostgresError`` from the server.
    public func claim(_ partition: Int32, group: String, topic: String, on connection: PostgresConnection) async throws -> PartitionClaim {
        let rows = try await connection.query(
            """
            INSERT INTO \(schema).stream_offsets AS current (consumer_group, topic, kafka_partition, next_offset, owner_epoch)
            VALUES ($1, $2, $3, 0, 1)
            ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE
            SET owner_epoch = current.owner_epoch + 1, updated_at = now()
            RETURNING next_offset, owner_epoch
            """,
            [.text(group), .text(topic), .int32(partition)]
        )
        let row = rows[0]
        return PartitionClaim(nextOffset: try row[0, as: Int64.self], ownerEpoch: try row[1, as: Int64.self])
    }

    /// Sets a partition's committed next offset, for an operator accepting a log that no longer
    /// holds what was committed (a topic deleted and recreated); moves the epoch on, so a worker
    /// still holding the partition is refused from its next write.
    /// - Parameters:
    ///   - partition: The partition.
    ///   - nextOffset: The offset to read from next.
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - connection: The connection, inside the caller's transaction when more goes with it.
    /// - Returns: The offset the partition had before, or `nil` if it had none.
    /// - Throws: ``PostgresError`` from the server.
    @discardableResult
    public func reset(
        _ partition: Int32, to nextOffset: Int64, group: String, topic: String, on connection: PostgresConnection
    ) async throws -> Int64? {
        let rows = try await connection.query(
            """
            WITH previous AS (
                SELECT next_offset FROM \(schema).stream_offsets
                WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = $3 FOR UPDATE
            ), updated AS (
                INSERT INTO \(schema).stream_offsets AS current (consumer_group, topic, kafka_partition, next_offset, owner_epoch)
                VALUES ($1, $2, $3, $4, 1)
                ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE
                SET next_offset = excluded.next_offset, owner_epoch = current.owner_epoch + 1, updated_at = now()
            )
            SELECT next_offset FROM previous
            """,
            [.text(group), .text(topic), .int32(partition), .int64(nextOffset)]
        )
        return try rows.first.map { try $0[0, as: Int64.self] }
    }

    /// Every partition of `topic` with a row, with its committed next offset and ownership epoch.
    /// - Parameters:
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - connection: The connection to read with.
    /// - Throws: ``PostgresError`` from the server.
    public func claims(group: String, topic: String, on connection: PostgresConnection) async throws -> [Int32: PartitionClaim] {
        let rows = try await connection.query(
            "SELECT kafka_partition, next_offset, owner_epoch FROM \(schema).stream_offsets WHERE consumer_group = $1 AND topic = $2",
            [.text(group), .text(topic)]
        )
        return try Self.claims(in: rows)
    }

    /// Locks the `stream_offsets` rows of `partitions` until the caller's transaction ends, and
    /// returns their committed next offsets and ownership epochs.
    ///
    /// Rows are locked in partition order, so two writers locking overlapping partitions cannot
    /// deadlock. A partition without a row gets one at offset 0 first: `SELECT ... FOR UPDATE`
    /// locks nothing that does not exist, and two workers that both believe they own a new
    /// partition must still be serialised (the second waits for the first's commit and then
    /// sees its offset).
    /// - Parameters:
    ///   - partitions: The partitions to lock.
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - connection: A connection inside a transaction.
    /// - Returns: The next offset and epoch of every partition in `partitions` (0 and 0 for a
    ///   new one).
    /// - Throws: ``PostgresError`` from the server.
    /// - Important: Call inside a transaction (``PostgresConnection/withTransaction(isolation:_:)``);
    ///   outside one the lock is released at once.
    public func lockNextOffsets(
        of partitions: some Collection<Int32>,
        group: String,
        topic: String,
        on connection: PostgresConnection
    ) async throws -> [Int32: PartitionClaim] {
        guard !partitions.isEmpty else { return [:] }
        let list = Self.arrayLiteral(partitions)
        var offsets = try await selectForUpdate(list, group: group, topic: topic, on: connection)
        if offsets.count < partitions.count {
            try await connection.execute(
                """
                INSERT INTO \(schema).stream_offsets (consumer_group, topic, kafka_partition, next_offset)
                SELECT $1, $2, partition, 0 FROM unnest($3::integer[]) AS partition ORDER BY partition
                ON CONFLICT (consumer_group, topic, kafka_partition) DO NOTHING
                """,
                [.text(group), .text(topic), .text(list)]
            )
            offsets = try await selectForUpdate(list, group: group, topic: topic, on: connection)
        }
        return offsets
    }

    /// Sets the next offsets of the given partitions, inside the caller's transaction; a
    /// partition whose committed offset is already larger keeps it.
    /// - Parameters:
    ///   - nextOffsets: The new next offset per partition.
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - connection: The connection of the transaction that writes the rows these offsets cover.
    /// - Throws: ``PostgresError`` from the server.
    public func advance(_ nextOffsets: [Int32: Int64], group: String, topic: String, on connection: PostgresConnection) async throws {
        guard !nextOffsets.isEmpty else { return }
        let ordered = nextOffsets.sorted { $0.key < $1.key }
        try await connection.execute(
            """
            INSERT INTO \(schema).stream_offsets AS current (consumer_group, topic, kafka_partition, next_offset)
            SELECT $1, $2, partition, next_offset FROM unnest($3::integer[], $4::bigint[]) AS input(partition, next_offset)
            ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE
            SET next_offset = GREATEST(current.next_offset, excluded.next_offset), updated_at = now()
            """,
            [.text(group), .text(topic), .text(Self.arrayLiteral(ordered.map(\.key))), .text(Self.arrayLiteral(ordered.map(\.value)))]
        )
    }

    private func selectForUpdate(_ list: String, group: String, topic: String, on connection: PostgresConnection) async throws -> [Int32: PartitionClaim] {
        let rows = try await connection.query(
            """
            SELECT kafka_partition, next_offset, owner_epoch FROM \(schema).stream_offsets
            WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = ANY($3::integer[])
            ORDER BY kafka_partition
            FOR UPDATE
            """,
            [.text(group), .text(topic), .text(list)]
        )
        return try Self.claims(in: rows)
    }

    /// Rows of (partition, next offset, epoch) by partition.
    private static func claims(in rows: PostgresRows) throws -> [Int32: PartitionClaim] {
        var claims: [Int32: PartitionClaim] = [:]
        for row in rows {
            claims[try row[0, as: Int32.self]] = PartitionClaim(nextOffset: try row[1, as: Int64.self], ownerEpoch: try row[2, as: Int64.self])
        }
        return claims
    }

    /// A PostgreSQL array literal such as `{0,3,7}`.
    private static func arrayLiteral(_ values: some Sequence<some BinaryInteger>) -> String {
        "{" + values.map { String($0) }.joined(separator: ",") + "}"
    }
}
