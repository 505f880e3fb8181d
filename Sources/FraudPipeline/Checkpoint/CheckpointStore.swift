import Foundation
import Postgres

/// Saves and loads partition state checkpoints in `partition_checkpoints`, one per consumer
/// group, topic and partition.
///
/// A checkpoint is saved inside the transaction that writes the outputs and offsets it is
/// consistent with, so it is stored exactly when they are. Checkpoints only ever move forwards:
/// ``save(_:stateOffset:featureSchemaVersion:group:topic:partition:on:)`` leaves a stored
/// checkpoint at a larger offset in place, so a late writer (a worker that lost the partition,
/// a retried batch) cannot rewind a partition's state.
public struct CheckpointStore: Sendable {
    /// The PostgreSQL schema holding `partition_checkpoints` (already migrated).
    public var schema: String

    /// Creates a store for the tables in `schema`.
    /// - Parameter schema: A migrated schema, such as `fraudstream`.
    public init(schema: String) {
        self.schema = schema
    }

    /// Stores a partition's checkpoint, inside the caller's transaction, unless the stored one
    /// is at a larger state offset (then the stored one stays).
    /// - Parameters:
    ///   - snapshot: The state bytes from ``FraudCore/PartitionActor/snapshot()`` or
    ///     ``FraudCore/FeatureEngine/snapshot()``.
    ///   - stateOffset: The offset of the first record the snapshot does not include.
    ///   - featureSchemaVersion: The feature schema version the state was built under.
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - partition: The partition.
    ///   - connection: The connection of the transaction that writes what the checkpoint covers.
    /// - Returns: Whether the checkpoint was stored (`false` when a newer one was kept).
    /// - Throws: ``PostgresError`` from the server.
    @discardableResult
    public func save(
        _ snapshot: [UInt8],
        stateOffset: Int64,
        featureSchemaVersion: Int,
        group: String,
        topic: String,
        partition: Int32,
        on connection: PostgresConnection
    ) async throws -> Bool {
        let result = try await connection.execute(
            """
            INSERT INTO \(schema).partition_checkpoints AS current
                (consumer_group, topic, kafka_partition, state_offset, feature_schema_version, state)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (consumer_group, topic, kafka_partition) DO UPDATE
            SET state_offset = excluded.state_offset, feature_schema_version = excluded.feature_schema_version,
                state = excluded.state, created_at = now()
            WHERE excluded.state_offset >= current.state_offset
            """,
            [.text(group), .text(topic), .int32(partition), .int64(stateOffset), .int32(Int32(featureSchemaVersion)), .bytea(snapshot)]
        )
        return result.affectedRows == 1
    }

    /// The stored checkpoint of one partition, or `nil` if it has none (rebuild the state from
    /// the beginning of the partition).
    /// - Parameters:
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - partition: The partition.
    ///   - connection: The connection to read with.
    /// - Throws: ``PostgresError`` from the server.
    public func load(group: String, topic: String, partition: Int32, on connection: PostgresConnection) async throws -> PartitionCheckpoint? {
        let rows = try await connection.query(
            """
            SELECT state, state_offset, feature_schema_version, created_at FROM \(schema).partition_checkpoints
            WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = $3
            """,
            [.text(group), .text(topic), .int32(partition)]
        )
        return try rows.first.map { row in
            PartitionCheckpoint(
                snapshot: try row[0, as: [UInt8].self],
                stateOffset: try row[1, as: Int64.self],
                featureSchemaVersion: try row[2, as: Int.self],
                createdAt: try row[3, as: Date.self]
            )
        }
    }

    /// Deletes a partition's checkpoint, inside the caller's transaction, so that its state is
    /// rebuilt from the start of the partition (an operator accepting a recreated log: a stored
    /// checkpoint would otherwise keep its larger offset forever).
    /// - Parameters:
    ///   - group: The consumer group.
    ///   - topic: The topic.
    ///   - partition: The partition.
    ///   - connection: The connection to write with.
    /// - Returns: The state offset of the deleted checkpoint, or `nil` if there was none.
    /// - Throws: ``PostgresError`` from the server.
    @discardableResult
    public func delete(group: String, topic: String, partition: Int32, on connection: PostgresConnection) async throws -> Int64? {
        let rows = try await connection.query(
            """
            DELETE FROM \(schema).partition_checkpoints
            WHERE consumer_group = $1 AND topic = $2 AND kafka_partition = $3
            RETURNING state_offset
            """,
            [.text(group), .text(topic), .int32(partition)]
        )
        return try rows.first.map { try $0[0, as: Int64.self] }
    }
}
