import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// CPU time and memory of this process, its children and the machine, from the kernel.
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

    /// CPU seconds (user and system) of each process of `roots` and its live descendants, with
    /// what their exited children used, from one read of `/proc` (Linux); 0 for a root that is
    /// gone.
    static func cpuSeconds(ofProcessTrees roots: [Int32]) -> [Double] {
        let stats = processStats()
        var children: [Int32: [Int32]] = [:]
        for (pid, stat) in stats { children[stat.parent, default: []].append(pid) }
        return roots.map { root in
            var total = 0.0
            var pending = [root]
            while let pid = pending.popLast() {
                guard let stat = stats[pid] else { continue }
                total += stat.cpuSeconds
                pending += children[pid] ?? []
            }
            return total
        }
    }

    /// The machine's busy and total CPU seconds since boot over all cores (`/proc/stat`; idle
    /// and I/O wait count as not busy).
    static func machineCPUSeconds() -> (busy: Double, total: Double) {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return (0, 0) }
        let ticks = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard ticks.count >= 5 else { return (0, 0) }
        let total = ticks.prefix(8).reduce(0, +)
        return ((total - ticks[3] - ticks[4]) / clockTicksPerSecond, total / clockTicksPerSecond)
    }

    private static let clockTicksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// Each process's parent and CPU seconds (its own and its reaped children's).
    private static func processStats() -> [Int32: (parent: Int32, cpuSeconds: Double)] {
        var stats: [Int32: (parent: Int32, cpuSeconds: Double)] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let text = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")")
            else { continue }
            // After the command name: state, ppid, … utime (14th field), stime, cutime, cstime.
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 14, let parent = Int32(fields[1]) else { continue }
            let ticks = fields[11...14].compactMap { Double($0) }.reduce(0, +)
            stats[pid] = (parent, ticks / clockTicksPerSecond)
        }
        return stats
    }

    private static func statusField(_ name: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }),
              let kilobytes = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }
}
