/// Snapshot and restore of a partition's feature state, in a compact, versioned binary format.
///
/// The bytes are a function of the state alone: accounts are written in ascending UTF-8
/// order of their ids, window versions in ascending window order and target sets in
/// ascending hash order, so equal states give equal bytes. docs/features.md documents the layout.
extension FeatureEngine {
    /// The first four bytes of every snapshot, `FSFS`.
    static let snapshotMagic: [UInt8] = Array("FSFS".utf8)
    /// The snapshot format this build writes and reads.
    static let snapshotFormatVersion: UInt16 = 2
    /// Magic, format version, schema version and total length.
    static let snapshotHeaderSize = 4 + 2 + 2 + 8

    /// The partition's feature state as bytes that ``init(restoring:configuration:)`` reads back.
    ///
    /// Restoring a snapshot and processing the rest of the stream gives exactly the
    /// vectors (and later snapshots) that processing the whole stream without a break gives.
    /// Counters are not included.
    public func snapshot() -> [UInt8] {
        var writer = SnapshotWriter()
        writer.bytes.append(contentsOf: Self.snapshotMagic)
        writer.write(Self.snapshotFormatVersion)
        writer.write(UInt16(FeatureSchema.current.version))
        writer.write(UInt64(0))  // total length, filled in below
        writer.write(count: minuteVersionCount)
        writer.write(count: fiveMinuteVersionCount)
        writer.write(count: dayVersionCount)
        writer.write(count: targetCapacity)
        writer.write(count: counterpartyCapacity)
        writer.write(allowedLatenessMilliseconds)
        writer.write(timeToLiveMilliseconds)
        writer.write(UInt8(hasEvents ? 1 : 0))
        writer.write(maxEventTime)
        writer.write(sweptThrough)

        let ordered = accountIndex.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        writer.write(UInt32(ordered.count))
        for (id, index) in ordered {
            writeAccount(id: id, index: Int(index), to: &writer)
        }
        withUnsafeBytes(of: UInt64(writer.bytes.count + 8).littleEndian) { length in
            writer.bytes.replaceSubrange(8..<16, with: length)
        }
        writer.write(StableHash.fnv1a(writer.bytes))
        return writer.bytes
    }

    private func writeAccount(id: String, index account: Int, to writer: inout SnapshotWriter) {
        writer.write(UInt32(id.utf8.count))
        writer.bytes.append(contentsOf: id.utf8)
        let core = cores[account]
        writer.write(core.lastActivity)
        writer.write(core.previousTime)
        writer.write(core.previousAmount)
        writer.write(core.closedDayCountSum)
        writer.write(core.closedDayMaxSum)
        writer.write(core.closedDays)
        writer.write(core.history)
        writer.write(core.usualAmount)
        writer.write(core.usualDeviation.bitPattern)
        writer.write(core.usualGap.bitPattern)
        writer.write(core.usualHourX)
        writer.write(core.usualHourY)

        let minuteVersions = minutes[account * minuteVersionCount..<(account + 1) * minuteVersionCount]
            .filter { $0.count > 0 }.sorted { $0.index < $1.index }
        writer.write(count: minuteVersions.count)
        for version in minuteVersions {
            writer.write(version.index)
            writer.write(version.count)
            writer.write(version.sum)
        }

        let fiveSlots = (account * fiveMinuteVersionCount..<(account + 1) * fiveMinuteVersionCount)
            .filter { fiveMinutes[$0].count > 0 }.sorted { fiveMinutes[$0].index < fiveMinutes[$1].index }
        writer.write(count: fiveSlots.count)
        for slot in fiveSlots {
            let version = fiveMinutes[slot]
            writer.write(version.index)
            writer.write(version.transactions)
            writer.write(version.sentSum)
            writer.write(version.largestBalance)
            writer.write(version.count)
            let base = slot * targetCapacity
            for target in fiveMinuteTargets[base..<base + Int(version.count)].sorted() {
                writer.write(target)
            }
        }

        let dayVersions = days[account * dayVersionCount..<(account + 1) * dayVersionCount]
            .filter { $0.count > 0 }.sorted { $0.index < $1.index }
        writer.write(count: dayVersions.count)
        for version in dayVersions {
            writer.write(version.index)
            writer.write(version.count)
            writer.write(version.max)
        }

        writer.write(core.counterpartyCount)
        let base = account * counterpartyCapacity
        for target in counterparties[base..<base + Int(core.counterpartyCount)] {
            writer.write(target)
        }
    }

    /// Restores the state a ``snapshot()`` captured, with fresh counters.
    ///
    /// - Parameters:
    ///   - snapshot: Bytes from ``snapshot()``.
    ///   - configuration: Must equal the configuration the snapshot was taken under.
    /// - Throws: ``FeatureSnapshotError`` when the bytes are not a snapshot, are cut short or
    ///   damaged, come from an unknown format version, or were taken under another configuration.
    public init(restoring snapshot: [UInt8], configuration: FeatureConfiguration) throws(FeatureSnapshotError) {
        do {
            try self.init(configuration: configuration)
        } catch {
            throw FeatureSnapshotError(.configurationMismatch, "cannot restore under an invalid configuration: \(error)")
        }
        var reader = SnapshotReader(snapshot)
        try Self.checkHeader(&reader)
        var recorded: [Int64] = []
        for _ in 0..<5 {
            recorded.append(Int64(try reader.read(UInt8.self)))
        }
        recorded.append(try reader.read(Int64.self))
        recorded.append(try reader.read(Int64.self))
        let expected = [
            Int64(minuteVersionCount), Int64(fiveMinuteVersionCount), Int64(dayVersionCount),
            Int64(targetCapacity), Int64(counterpartyCapacity), allowedLatenessMilliseconds, timeToLiveMilliseconds,
        ]
        guard recorded == expected else {
            throw FeatureSnapshotError(
                .configurationMismatch,
                "feature snapshot was taken with (minute, five-minute, day versions, max distinct targets, "
                    + "counterparty memory, allowed lateness ms, time to live ms) = \(recorded), but this engine "
                    + "is configured with \(expected); restore with the configuration the snapshot was taken under")
        }
        hasEvents = try reader.read(UInt8.self) == 1
        maxEventTime = try reader.read()
        sweptThrough = try reader.read()
        let accountCount = try reader.read(UInt32.self)
        var previousID: ArraySlice<UInt8>?
        for _ in 0..<accountCount {
            let idBytes = try reader.readBytes(Int(try reader.read(UInt32.self)))
            if let previousID, !previousID.lexicographicallyPrecedes(idBytes) {
                throw Self.corrupt("account ids out of order at byte \(reader.offset)")
            }
            previousID = idBytes
            guard let id = String(validating: idBytes, as: UTF8.self), !id.isEmpty else {
                throw Self.corrupt("an account id is empty or not UTF-8 at byte \(reader.offset)")
            }
            try readAccount(id: id, from: &reader)
        }
        _ = try reader.read(UInt64.self)  // the checksum, verified by checkHeader
        guard reader.isAtEnd else {
            throw Self.corrupt("unexpected data after the last account at byte \(reader.offset)")
        }
    }

    static func corrupt(_ detail: String) -> FeatureSnapshotError {
        FeatureSnapshotError(.corrupt, "feature snapshot is damaged: \(detail); take a new snapshot or rebuild the state by replay")
    }

    /// Checks magic, versions, length and checksum, leaving `reader` after the header.
    private static func checkHeader(_ reader: inout SnapshotReader) throws(FeatureSnapshotError) {
        let bytes = reader.bytes
        guard bytes.count >= 4, Array(bytes[0..<4]) == snapshotMagic else {
            throw FeatureSnapshotError(.notASnapshot, "not a feature snapshot: it does not start with \"FSFS\"")
        }
        _ = try reader.readBytes(4)
        let format = try reader.read(UInt16.self)
        guard format == snapshotFormatVersion else {
            throw FeatureSnapshotError(
                .unsupportedVersion,
                "feature snapshot format version \(format) is not supported (this build reads version "
                    + "\(snapshotFormatVersion)); rebuild the state by replaying from the partition's start offset")
        }
        let schema = try reader.read(UInt16.self)
        guard schema == UInt16(FeatureSchema.current.version) else {
            throw FeatureSnapshotError(
                .unsupportedVersion,
                "feature snapshot holds state for feature schema version \(schema), this build computes version "
                    + "\(FeatureSchema.current.version); rebuild the state by replay")
        }
        let length = try reader.read(UInt64.self)
        guard length >= UInt64(snapshotHeaderSize + 8), length <= UInt64(bytes.count) else {
            throw FeatureSnapshotError(
                .truncated,
                "feature snapshot is \(bytes.count) bytes but its header says \(length); it was cut short")
        }
        guard length == UInt64(bytes.count) else {
            throw corrupt("\(UInt64(bytes.count) - length) bytes after the end its header gives")
        }
        var checksumReader = SnapshotReader(bytes)
        checksumReader.offset = bytes.count - 8
        let checksum = try checksumReader.read(UInt64.self)
        guard checksum == StableHash.fnv1a(bytes[0..<bytes.count - 8]) else {
            throw corrupt("checksum mismatch")
        }
    }
}
