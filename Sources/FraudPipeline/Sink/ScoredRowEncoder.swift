import FraudCore
import Postgres

/// Encodes scored transactions as PostgreSQL binary COPY data for `scored_transactions`, with
/// every column in table order.
///
/// One encoder is meant to be reused for every batch: ``encode(_:)`` refills the same COPY
/// buffer and the same scratch buffer for the `features` array, so once both have grown to a
/// batch's size, encoding allocates nothing.
///
/// ```swift
/// var encoder = ScoredRowEncoder()
/// let rows = encoder.encode(batch)
/// try await connection.copyFrom("COPY fraudstream.scored_transactions (\(ScoredRowEncoder.columnList)) FROM STDIN (FORMAT binary)") { writer in
///     try await writer.write(encoder.bytes)
/// }
/// ```
///
/// - Important: A value type with mutable buffers: use it from one task at a time.
public struct ScoredRowEncoder: Sendable {
    /// The columns the encoded rows fill, in table order, for the column list of a COPY.
    public static let columnList = """
        transaction_id, event_time, type, amount, account_from, old_balance_from, new_balance_from, \
        account_to, old_balance_to, new_balance_to, features, feature_schema_version, score, flagged, \
        model_version, kafka_partition, kafka_offset, scored_at
        """

    private static let columnCount: Int16 = 18
    /// PostgreSQL's type OID of `float8`, the element type of `double precision[]`.
    private static let float8OID: Int32 = 701

    private var encoder: PostgresBinaryCopyEncoder
    private var array: [UInt8] = []

    /// The number of rows in ``bytes``.
    public private(set) var rowCount = 0

    /// The encoded COPY data of the last ``encode(_:)``: header, rows and trailer.
    public var bytes: [UInt8] {
        encoder.buffer
    }

    /// Creates an encoder.
    /// - Parameter rowCapacity: Rows to reserve buffer room for (a row takes about
    ///   200 bytes plus 12 per feature).
    public init(rowCapacity: Int = 1_000) {
        encoder = PostgresBinaryCopyEncoder(capacity: 64 + rowCapacity * (200 + 12 * FeatureSchema.width))
        array.reserveCapacity(20 + 12 * FeatureSchema.width)
    }

    /// Replaces ``bytes`` with one complete COPY stream holding `rows`.
    /// - Parameter rows: The rows to encode, in any order; pass a lazy filter to leave some out
    ///   without copying the batch.
    /// - Returns: The number of rows encoded, also kept in ``rowCount``.
    @discardableResult
    public mutating func encode(_ rows: some Sequence<ScoredTransaction>) -> Int {
        encoder.reset()
        rowCount = 0
        for row in rows {
            append(row)
        }
        encoder.finish()
        return rowCount
    }

    private mutating func append(_ row: ScoredTransaction) {
        let transaction = row.transaction
        encoder.beginRow(fieldCount: Self.columnCount)
        encoder.append(transaction.id)
        encoder.appendTimestamp(microsecondsSince1970: transaction.timestamp.millisecondsSinceEpoch * 1_000)
        encoder.append(transaction.type.rawValue)
        encoder.append(transaction.amount)
        encoder.append(transaction.accountFrom)
        encoder.append(transaction.oldBalanceFrom)
        encoder.append(transaction.newBalanceFrom)
        encoder.append(transaction.accountTo)
        encoder.append(transaction.oldBalanceTo)
        encoder.append(transaction.newBalanceTo)
        encodeArray(row.features)
        encoder.append(row.featureSchemaVersion)
        encoder.append(row.score)
        encoder.append(row.flagged)
        encoder.append(row.modelVersion)
        encoder.append(row.partition)
        encoder.append(row.offset)
        encoder.appendTimestamp(microsecondsSince1970: row.scoredAt.millisecondsSinceEpoch * 1_000)
        rowCount += 1
    }

    /// Appends `features` as a one-dimensional `double precision[]` in the binary array format:
    /// dimensions, has-null flag, element type, then length and lower bound of the dimension,
    /// then each element as a length-prefixed big-endian `float8`.
    private mutating func encodeArray(_ features: FeatureVector) {
        array.removeAll(keepingCapacity: true)
        features.withUnsafeBufferPointer { values in
            array.appendBigEndianBytes(Int32(1))  // dimensions
            array.appendBigEndianBytes(Int32(0))  // no NULL elements
            array.appendBigEndianBytes(Self.float8OID)
            array.appendBigEndianBytes(Int32(values.count))
            array.appendBigEndianBytes(Int32(1))  // lower bound
            for value in values {
                array.appendBigEndianBytes(Int32(8))
                array.appendBigEndianBytes(value.bitPattern)
            }
        }
        encoder.appendBytes(array)
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndianBytes(_ value: some FixedWidthInteger) {
        Swift.withUnsafeBytes(of: value.bigEndian) { append(contentsOf: $0) }
    }
}
