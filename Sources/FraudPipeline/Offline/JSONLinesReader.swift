import Foundation

/// Reads a JSON Lines file line by line with `getline`, handing each non-blank line's bytes
/// (without the line break) to a closure.
struct JSONLinesReader {
    let path: String
    /// The flag the path came from, for error messages (`--input`).
    let flag: String

    /// Calls `body` with the 1-based line number and the bytes of every non-blank line.
    ///
    /// - Throws: ``OfflineInputError`` when the file cannot be opened; what `body` throws.
    func forEachLine(_ body: (Int, UnsafeRawBufferPointer) throws -> Void) throws {
        guard let file = fopen(path, "r") else {
            throw OfflineInputError("\(flag): cannot read \"\(path)\": \(String(cString: strerror(errno))); pass the path of a JSON Lines file")
        }
        defer { fclose(file) }
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        var number = 0
        while true {
            let length = getline(&line, &capacity, file)
            guard length >= 0, let line else { break }
            number += 1
            var bytes = UnsafeRawBufferPointer(start: line, count: length)
            while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") {
                bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast())
            }
            if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { continue }
            try body(number, bytes)
        }
    }
}

/// An input file could not be used; the message names the flag and the fix.
public struct OfflineInputError: Error, Sendable, CustomStringConvertible {
    /// What was wrong and how to fix it.
    public var description: String

    init(_ description: String) { self.description = description }
}
