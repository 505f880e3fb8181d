import Foundation
import FraudPipeline

/// The three ways `fraudstream flagged` prints its rows.
enum FlaggedOutput {
    /// An output format, named as `--format` takes it.
    enum Format: String {
        case table, json, csv
    }

    /// The column names of the JSON keys and the CSV header, in order.
    static let columns = ["event_time", "transaction_id", "type", "amount", "account_from", "account_to", "score", "model_version"]

    /// The whole output for `rows`, ending in a newline.
    static func render(_ rows: [FlaggedTransactionQuery.Row], as format: Format) throws -> String {
        switch format {
        case .table: table(rows)
        case .json: try json(rows)
        case .csv: csv(rows)
        }
    }

    /// Aligned columns for a terminal: text left, numbers right; a friendly line when empty.
    static func table(_ rows: [FlaggedTransactionQuery.Row]) -> String {
        guard !rows.isEmpty else { return "no flagged transactions match\n" }
        let header = ["EVENT TIME (UTC)", "TRANSACTION", "TYPE", "AMOUNT", "FROM", "TO", "SCORE", "MODEL"]
        let rightAligned: Set<Int> = [3, 6]
        let cells = rows.map { row in
            [
                row.eventTime.description, row.transactionID, row.type, String(format: "%.2f", row.amount),
                row.accountFrom, row.accountTo, String(format: "%.3f", row.score), row.modelVersion,
            ]
        }
        let widths = header.indices.map { column in
            ([header] + cells).map { $0[column].count }.max() ?? 0
        }
        func line(_ values: [String]) -> String {
            values.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - values[column].count)
                if rightAligned.contains(column) { return padding + values[column] }
                return column == values.count - 1 ? values[column] : values[column] + padding
            }
            .joined(separator: "  ")
        }
        return ([line(header)] + cells.map(line)).joined(separator: "\n") + "\n"
    }

    /// One JSON array of objects with snake_case keys in sorted order; numbers are JSON numbers.
    static func json(_ rows: [FlaggedTransactionQuery.Row]) throws -> String {
        struct Object: Encodable {
            var event_time: String
            var transaction_id: String
            var type: String
            var amount: Double
            var account_from: String
            var account_to: String
            var score: Double
            var model_version: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // NaN and the infinities are not JSON numbers; a database can hold them all the same.
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let objects = rows.map {
            Object(
                event_time: $0.eventTime.description, transaction_id: $0.transactionID, type: $0.type, amount: $0.amount,
                account_from: $0.accountFrom, account_to: $0.accountTo, score: $0.score, model_version: $0.modelVersion)
        }
        return String(decoding: try encoder.encode(objects), as: UTF8.self) + "\n"
    }

    /// A header and one row per transaction, quoted as RFC 4180 says, with CRLF line ends.
    static func csv(_ rows: [FlaggedTransactionQuery.Row]) -> String {
        var lines = [columns.joined(separator: ",")]
        for row in rows {
            let fields = [
                row.eventTime.description, row.transactionID, row.type, "\(row.amount)",
                row.accountFrom, row.accountTo, "\(row.score)", row.modelVersion,
            ]
            lines.append(fields.map(quoted).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A field as is, or in double quotes (with quotes doubled) when it holds a comma, a quote
    /// or a line break.
    private static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
