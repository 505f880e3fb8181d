import ArgumentParser
import FraudCore
import FraudPipeline
import Foundation
import Generator

/// `fraudstream features`: the live feature engine run over a JSON Lines file, written as CSV.
///
/// The file's order is the processing order. With `--partitions N`, accounts are spread
/// over N independent engines by a stable hash of `account_from`, as the worker spreads
/// them over partitions; rows stay in input order.
struct FeaturesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Compute the feature vector of every transaction in a JSON Lines file and write them as CSV.",
        discussion: """
            Examples:
              fraudstream features --input tx.jsonl --output features.csv
              fraudstream features --input tx.jsonl --partitions 8 > features.csv
            Lines that are not valid transactions are reported on standard error (line number and
            reason) and skipped; so is a transaction whose event time jumps more than \
            --max-clock-skew ahead of the stream unconfirmed by the transactions after it \
            (timestamp_out_of_range), as the worker rejects one ahead of its Kafka timestamp. See \
            docs/features.md for every column.
            """
    )

    @Option(help: "JSON Lines file of transactions, one per line, in processing order.")
    var input: String
    @Option(help: "CSV file to write (default: standard output).")
    var output: String?
    @Option(help: "Spread accounts over this many independent partitions by a hash of account_from (default 1).")
    var partitions: Int = 1
    @Option(name: .customLong("max-clock-skew"), help: ArgumentHelp("How far an event time may jump ahead of the stream unconfirmed before it is rejected: 30s, 5m; 0 checks nothing (default 5m).", valueName: "duration"))
    var maxClockSkew: String = "5m"

    func validate() throws {
        guard (1...4096).contains(partitions) else {
            throw ValidationError("--partitions: expected a whole number from 1 to 4096, got \(partitions)")
        }
        _ = try skew()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: input, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ValidationError("--input: no file at \"\(input)\"; pass the path of a JSON Lines file of transactions")
        }
    }

    /// `--max-clock-skew` as a duration, `nil` for 0.
    private func skew() throws -> Duration? {
        if maxClockSkew == "0" { return nil }
        guard let parsed = try? GeneratorDurationParser.parse(maxClockSkew, flag: "--max-clock-skew"), parsed > .zero else {
            throw ValidationError("--max-clock-skew: expected a duration like 30s or 5m, or 0 to check nothing, got \"\(maxClockSkew)\"")
        }
        return parsed
    }

    func run() throws {
        guard let sink = output.map({ fopen($0, "w") }) ?? fdopen(STDOUT_FILENO, "w") else {
            throw ValidationError(
                "--output: cannot write \"\(output ?? "-")\": \(String(cString: strerror(errno))); "
                    + "check that the folder exists and is writable")
        }
        defer { fclose(sink) }

        var csv = CSVBuffer(sink: sink)
        csv.append("id,event_time," + FeatureSchema.current.featureNames.joined(separator: ",") + "\n")
        let summary = try FeatureReplay(partitions: partitions, maxClockSkew: try skew()).run(path: input) { line, error in
            printToStandardError("features: \(input):\(line): \(error.description)")
        } _: { transaction, vector in
            csv.appendRow(id: transaction.id, time: transaction.timestamp, vector: vector)
        }
        try csv.flush()
        printToStandardError(
            "features: \(summary.transactions) transactions written, \(summary.rejected) lines rejected, "
                + "\(summary.late) late, \(summary.evictions) evictions")
    }
}

private struct CSVBuffer {
    let sink: UnsafeMutablePointer<FILE>
    var bytes: [UInt8] = []
    /// Whether a write came up short.
    var failed = false

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func appendRow(id: String, time: EventTime, vector: FeatureVector) {
        if id.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 < 0x20 }) {
            append("\"" + id.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
        } else {
            append(id)
        }
        append(",")
        append(time.description)
        vector.withUnsafeBufferPointer { values in
            for value in values {
                bytes.append(UInt8(ascii: ","))
                append(value.description)
            }
        }
        bytes.append(UInt8(ascii: "\n"))
        if bytes.count > 1 << 20 {
            writeOut()
        }
    }

    /// Writes everything collected so far.
    ///
    /// - Throws: When the output could not take it all (disk full, closed pipe).
    mutating func flush() throws {
        writeOut()
        guard !failed, fflush(sink) == 0 else {
            throw ValidationError("--output: writing failed: \(String(cString: strerror(errno)))")
        }
    }

    private mutating func writeOut() {
        if fwrite(bytes, 1, bytes.count, sink) != bytes.count {
            failed = true
        }
        bytes.removeAll(keepingCapacity: true)
    }
}

private func printToStandardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
