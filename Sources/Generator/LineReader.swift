#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a text file line by line with `getline`, without the line breaks (`\n` or `\r\n`).
final class LineReader {
    private let file: UnsafeMutablePointer<FILE>
    private var line: UnsafeMutablePointer<CChar>?
    private var capacity = 0

    /// Opens `path` for reading, or returns `nil` (with `errno` set).
    init?(path: String) {
        guard let file = fopen(path, "r") else { return nil }
        self.file = file
    }

    deinit {
        free(line)
        fclose(file)
    }

    /// The next line, or `nil` at the end of the file.
    func nextLine() -> String? {
        let length = getline(&line, &capacity, file)
        guard length >= 0, let line else { return nil }
        var count = length
        while count > 0 && (line[count - 1] == 0x0A || line[count - 1] == 0x0D) { count -= 1 }
        return line.withMemoryRebound(to: UInt8.self, capacity: count) {
            String(decoding: UnsafeBufferPointer(start: $0, count: count), as: UTF8.self)
        }
    }

    /// Whether the end of the file was reached.
    var isAtEnd: Bool { feof(file) != 0 }
}
