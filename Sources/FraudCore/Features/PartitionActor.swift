/// The feature state of one Kafka partition: every account hashed to it, behind an actor.
///
/// The pipeline runs one per assigned partition and sends it that partition's decoded
/// transactions in offset order, in batches of any size; the result is the same as if
/// every transaction were sent on its own (see ``FeatureEngine``, which does the work).
///
/// - Important: Send each partition's batches in offset order, from one task at a time:
///   the actor serialises calls, but only the caller knows the order of its batches.
public actor PartitionActor {
    /// The Kafka partition whose accounts this actor holds.
    public nonisolated let partition: Int32
    private var engine: FeatureEngine

    /// Creates the actor of a partition with no state.
    ///
    /// - Parameters:
    ///   - partition: The Kafka partition.
    ///   - configuration: Window versions, lateness and eviction settings.
    /// - Throws: ``FeatureConfigurationError`` when a setting is out of range.
    public init(partition: Int32, configuration: FeatureConfiguration = FeatureConfiguration())
        throws(FeatureConfigurationError)
    {
        self.partition = partition
        engine = try FeatureEngine(configuration: configuration)
    }

    /// Creates the actor of a partition from a snapshot of its state (see ``snapshot()``).
    ///
    /// - Parameters:
    ///   - partition: The Kafka partition.
    ///   - snapshot: Bytes from ``snapshot()`` or ``FeatureEngine/snapshot()``.
    ///   - configuration: The configuration the snapshot was taken under.
    /// - Throws: ``FeatureSnapshotError`` when the snapshot cannot be restored.
    public init(partition: Int32, restoring snapshot: [UInt8], configuration: FeatureConfiguration)
        throws(FeatureSnapshotError)
    {
        self.partition = partition
        engine = try FeatureEngine(restoring: snapshot, configuration: configuration)
    }

    /// Computes the features of a batch of the partition's transactions, in order.
    ///
    /// - Parameter batch: The next transactions in offset order.
    /// - Returns: One row per transaction, in the order of `batch`.
    public func process(_ batch: [Transaction]) -> FeatureMatrix {
        var matrix = FeatureMatrix(rowCapacity: batch.count)
        engine.process(batch, into: &matrix)
        return matrix
    }

    /// The partition's state as bytes, for a checkpoint (see ``FeatureEngine/snapshot()``).
    public func snapshot() -> [UInt8] {
        engine.snapshot()
    }

    /// Late events, evictions and resident accounts since this actor was created.
    public var counters: FeatureCounters {
        engine.counters
    }
}
