import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time and memory of this process, from the kernel.
enum ProcessStatistics {
    /// User plus system CPU seconds this process has used.
    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// Resident memory now (`VmRSS`), in bytes.
    static func residentBytes() -> Int { statusField("VmRSS") }

    /// The peak resident memory since start or the last ``resetPeak()`` (`VmHWM`), in bytes.
    static func peakResidentBytes() -> Int { statusField("VmHWM") }

    /// Starts measuring the peak afresh (Linux: `/proc/self/clear_refs`), so a phase reports its
    /// own peak rather than an earlier phase's.
    static func resetPeak() {
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
    }

    private static func statusField(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }
}
