import Foundation

/// A partition's saved feature state: the bytes of ``FraudCore/FeatureEngine/snapshot()`` (or
/// ``FraudCore/PartitionActor/snapshot()``) and the offset they reflect.
///
/// On assignment the worker restores the state, seeks to ``stateOffset`` and processes the
/// records from there on; the outputs of records already written are dropped, and their
/// features come out the same because processing is deterministic.
public struct PartitionCheckpoint: Sendable, Hashable {
    /// The snapshot bytes, for ``FraudCore/FeatureEngine/init(restoring:configuration:)``.
    public var snapshot: [UInt8]
    /// The offset of the first record the snapshot does not include: processing resumes here.
    public var stateOffset: Int64
    /// The feature schema version the snapshot was taken under; a worker of another version
    /// must rebuild the state instead of restoring it.
    public var featureSchemaVersion: Int
    /// When the checkpoint was saved (the database's clock, microsecond precision).
    public var createdAt: Date

    /// Creates a checkpoint from its parts.
    /// - Parameters:
    ///   - snapshot: The snapshot bytes.
    ///   - stateOffset: The offset of the first record the snapshot does not include.
    ///   - featureSchemaVersion: The feature schema version of the snapshot.
    ///   - createdAt: When it was saved.
    public init(snapshot: [UInt8], stateOffset: Int64, featureSchemaVersion: Int, createdAt: Date) {
        self.snapshot = snapshot
        self.stateOffset = stateOffset
        self.featureSchemaVersion = featureSchemaVersion
        self.createdAt = createdAt
    }
}
