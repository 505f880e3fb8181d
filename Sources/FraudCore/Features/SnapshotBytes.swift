/// Appends little-endian fixed-width values to a snapshot.
struct SnapshotWriter {
    var bytes: [UInt8] = []

    mutating func write<Value: FixedWidthInteger>(_ value: Value) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) {
        write(value.bitPattern)
    }

    mutating func write(count: Int) {
        write(UInt8(count))
    }
}

/// Reads little-endian fixed-width values from a snapshot, failing on a short read.
struct SnapshotReader {
    let bytes: [UInt8]
    var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool {
        offset == bytes.count
    }

    mutating func read<Value: FixedWidthInteger>(_: Value.Type = Value.self) throws(FeatureSnapshotError) -> Value {
        let size = MemoryLayout<Value>.size
        guard bytes.count - offset >= size else {
            throw FeatureSnapshotError(
                .truncated, "feature snapshot ends at byte \(bytes.count) in the middle of a field; it was cut short")
        }
        var value: Value = 0
        for position in (0..<size).reversed() {
            value = value << 8 | Value(bytes[offset + position])
        }
        offset += size
        return value
    }

    mutating func readDouble() throws(FeatureSnapshotError) -> Double {
        Double(bitPattern: try read(UInt64.self))
    }

    mutating func readBytes(_ count: Int) throws(FeatureSnapshotError) -> ArraySlice<UInt8> {
        guard bytes.count - offset >= count else {
            throw FeatureSnapshotError(
                .truncated, "feature snapshot ends at byte \(bytes.count) in the middle of a field; it was cut short")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }
}
