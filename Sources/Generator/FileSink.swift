#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes records as JSON Lines files: one canonical JSON object per line.
///
/// - Important: Writes block; a ``GeneratorRun`` calls them on its own thread. Call
///   ``finish()`` to flush and close the files.
public final class FileSink: GeneratorSink {
    private var transactions: UnsafeMutablePointer<FILE>?
    private var labels: UnsafeMutablePointer<FILE>?
    private let transactionsPath: String
    private let labelsPath: String?

    /// Creates (or truncates) the files.
    ///
    /// - Parameters:
    ///   - transactionsPath: The transactions file.
    ///   - labelsPath: The labels file, or `nil` to drop labels.
    /// - Throws: ``GeneratorError`` naming the file and the system's reason when one cannot be created.
    public init(transactionsPath: String, labelsPath: String?) throws(GeneratorError) {
        self.transactionsPath = transactionsPath
        self.labelsPath = labelsPath
        transactions = try Self.open(transactionsPath, flag: "--output")
        if let labelsPath {
            do {
                labels = try Self.open(labelsPath, flag: "--labels-output")
            } catch {
                fclose(transactions)
                throw error
            }
        }
    }

    deinit {
        if let transactions { fclose(transactions) }
        if let labels { fclose(labels) }
    }

    /// Appends the transaction as one line.
    public func writeTransaction(_ value: [UInt8], key: String, timestampMillis: Int64) throws {
        try Self.writeLine(value, to: transactions, path: transactionsPath)
    }

    /// Appends the label as one line, unless labels are dropped.
    public func writeLabel(_ value: [UInt8], key: String, timestampMillis: Int64) throws {
        guard let labels, let labelsPath else { return }
        try Self.writeLine(value, to: labels, path: labelsPath)
    }

    /// Always 0: a file write either succeeds or throws.
    public var deliveryErrors: Int { 0 }

    /// Always `nil` for files.
    public var lastDeliveryError: String? { nil }

    /// Flushes and closes both files.
    public func finish() throws {
        let files = [(transactions, transactionsPath), (labels, labelsPath ?? "")]
        transactions = nil
        labels = nil
        for case (let file?, let path) in files where fclose(file) != 0 {
            throw GeneratorError("could not finish writing \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func open(_ path: String, flag: String) throws(GeneratorError) -> UnsafeMutablePointer<FILE> {
        guard let file = fopen(path, "w") else {
            throw GeneratorError("\(flag): cannot create \(path): \(String(cString: strerror(errno))); check that the folder exists and is writable")
        }
        setvbuf(file, nil, _IOFBF, 1 << 20)
        return file
    }

    private static func writeLine(_ value: [UInt8], to file: UnsafeMutablePointer<FILE>?, path: String) throws(GeneratorError) {
        guard let file else { throw GeneratorError("\(path) was already closed; records cannot be written after finish()") }
        let written = value.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        guard written == value.count, fputc(0x0A, file) != EOF else {
            throw GeneratorError("could not write to \(path): \(String(cString: strerror(errno)))")
        }
    }
}
