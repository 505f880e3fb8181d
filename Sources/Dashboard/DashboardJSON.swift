import Foundation

/// How the JSON endpoints encode their answers: keys as declared, times in RFC 3339 UTC with
/// milliseconds (`2026-01-01T12:00:00.000Z`), undefined ratios as `null`.
enum DashboardJSON {
    /// The JSON text of `value`.
    /// - Throws: `EncodingError` for a value JSON cannot hold (a non-finite number).
    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(DashboardTime.format(date))
        }
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// `{"error": message}`.
    static func error(_ message: String) -> [UInt8] {
        (try? encode(["error": message])) ?? Array(#"{"error":"unknown error"}"#.utf8)
    }
}
