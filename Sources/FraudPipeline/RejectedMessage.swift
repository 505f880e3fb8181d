import FraudCore
import Postgres

/// A message that could not be decoded, kept with the reason so nothing is lost.
public struct RejectedMessage: Sendable, Hashable {
    /// The topic it was read from.
    public var topic: String
    /// Its partition.
    public var partition: Int32
    /// Its offset.
    public var offset: Int64
    /// The decoder's stable reason code (for example `missingField`).
    public var reasonCode: String
    /// What was wrong, for a person.
    public var reason: String
    /// The original bytes.
    public var payload: [UInt8]

    /// Creates a rejected message from the decoder's error.
    public init(topic: String, partition: Int32, offset: Int64, error: WireDecodingError, payload: [UInt8]) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.reasonCode = error.reason.code
        self.reason = error.description
        self.payload = payload
    }

    /// Records `reject` in `rejected_transactions`; a message recorded before (a replay) is
    /// left as it is.
    static func insert(_ reject: RejectedMessage, schema: String, on connection: PostgresConnection) async throws {
        try await connection.execute("""
            INSERT INTO \(schema).rejected_transactions (topic, kafka_partition, kafka_offset, reason_code, reason, payload)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (topic, kafka_partition, kafka_offset) DO NOTHING
            """,
            [.text(reject.topic), .int32(reject.partition), .int64(reject.offset), .text(reject.reasonCode), .text(reject.reason), .bytea(reject.payload)])
    }
}
