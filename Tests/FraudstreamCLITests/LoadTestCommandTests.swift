import Foundation
import TestSupport
import Testing

@Suite("fraudstream loadtest", .serialized)
struct LoadTestCommandTests {
    @Test("a short run writes a report with every figure, a PNG chart and a summary")
    func shortRunReportsEveryFigure() throws {
        let results = FileManager.default.temporaryDirectory.appendingPathComponent("loadtest-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: results) }
        let run = try CommandLineRunner.run([
            "loadtest", "--count", "3000", "--partitions", "2", "--accounts", "500", "--rates", "300", "--duration", "2s", "--dashboard-rows", "5000",
            "--database-url", try TestDatabase.url(), "--results", results.path,
        ])
        #expect(run.status == 0, "status \(run.status): \(run.standardError.suffix(2000))")
        let report = try String(contentsOf: results.appendingPathComponent("report.md"), encoding: .utf8)
        for figure in [
            "| end-to-end throughput |", "| share of the raw-COPY ceiling |", "| worker CPU per million transactions |",
            "| worker peak resident memory |", "| records lost by the broker before the run | 0 |",
            "| raw binary COPY of the same rows", "| a plain librdkafka consumer draining the same topic |",
            "| the pipeline without I/O", "| scored-row encoding for COPY", "| 300 | 600 |", "Reproduce: `fraudstream loadtest",
            "| rate (tx/s) | whole run p50 / p99 / p99.9 ms | steady p50 / p99 / p99.9 ms | alerts | time to alert p50 / p99 / p99.9 ms |",
            "| rate (tx/s) | to scored p50 / p99 / p99.9 ms | sink write p50 / p99 / p99.9 ms | rows per write (median) |",
        ] {
            #expect(report.contains(figure), "the report lacks \(figure):\n\(report)")
        }
        // Every measured figure is a number, and none of the ceilings came out as zero.
        for line in report.split(separator: "\n") where line.hasPrefix("| raw binary") || line.hasPrefix("| a plain") || line.hasPrefix("| the pipeline") {
            let rate = line.split(separator: "|")[1].split(separator: " ")[0].filter(\.isNumber)
            #expect((Int(rate) ?? 0) > 0, "\(line)")
        }
        // Every dashboard endpoint answered, with a time.
        #expect(report.contains("## Dashboard") && report.contains("against 5,000 scored rows"), "\(report)")
        for path in ["/api/flagged", "/api/throughput", "/api/fraud-per-minute", "/api/model-quality", "/api/workers", "/api/rejected"] {
            let line = report.split(separator: "\n").first { $0.hasPrefix("| `\(path)` |") }
            let median = line.flatMap { Double($0.split(separator: "|")[2].trimmingCharacters(in: .whitespaces)) }
            #expect((median ?? 0) > 0, "\(path): \(line.map(String.init) ?? "missing")")
        }
        let chart = try Data(contentsOf: results.appendingPathComponent("chart.png"))
        #expect(Array(chart.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        #expect(run.standardOutput.contains("throughput:") && run.standardOutput.contains("latency at 300/s:"))
        // A 2 s run has no steady part; its alerts, if any were flagged, were all read.
        let latencyLine = try #require(run.standardOutput.split(separator: "\n").first { $0.hasPrefix("latency at 300/s:") })
        #expect(latencyLine.contains("steady p50 / p99 / p99.9 n/a ms"), "\(latencyLine)")
        #expect(latencyLine.contains("time to alert p50 / p99 / p99.9 "), "\(latencyLine)")
        // The breakdown has numbers, and the part before the sink is no more than the whole.
        let breakdown = try #require(report.split(separator: "\n").first { $0.hasPrefix("| 300 |") && $0.split(separator: "|").count == 4 })
        let cells = breakdown.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        let scored = cells[1].split(separator: "/").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        let writes = cells[2].split(separator: "/").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        #expect(scored.count == 3 && writes.count == 3 && (Int(cells[3]) ?? 0) >= 1, "\(breakdown)")
        let wholeRun = try #require(report.split(separator: "\n").first { $0.hasPrefix("| 300 |") && $0.split(separator: "|").count == 5 })
        let wholeP50 = Double(wholeRun.split(separator: "|")[1].split(separator: "/")[0].trimmingCharacters(in: .whitespaces)) ?? 0
        #expect(scored.first.map { $0 <= wholeP50 } ?? false, "to scored \(scored) against end to end \(wholeRun)")
        // Who used the machine: this process, the broker and the generator it started (the
        // database was given, so it is not one of them), and the machine's busy share.
        let cpu = try #require(report.split(separator: "\n").first { $0.hasPrefix("| 300 | load test and worker ") }, "\(report)")
        let cores = cpu.matches(of: /(load test and worker|broker|generator) ([0-9]+\.[0-9]+)/).map { (String($0.1), Double($0.2) ?? -1) }
        #expect(cores.map(\.0) == ["load test and worker", "broker", "generator"] && cores.allSatisfy { $0.1 >= 0 && $0.1 <= Double(ProcessInfo.processInfo.activeProcessorCount) }, "\(cpu)")
        #expect(!cpu.contains("PostgreSQL") && cpu.contains(" % of \(ProcessInfo.processInfo.activeProcessorCount) cores |"), "\(cpu)")
    }

    @Test("bad flags stop it with a message that says how to fix them")
    func badFlags() throws {
        let mode = try CommandLineRunner.run(["loadtest", "--mode", "fast"])
        #expect(mode.status != 0 && mode.standardError.contains("--mode: expected throughput, latency, dashboard or all"))
        let tooBig = try CommandLineRunner.run(["loadtest", "--count", "2000000", "--partitions", "8"])
        #expect(tooBig.status != 0 && tooBig.standardError.contains("use --partitions"))
        let rates = try CommandLineRunner.run(["loadtest", "--rates", "1000,fast"])
        #expect(rates.status != 0 && rates.standardError.contains("--rates"))
        // The levers are checked as the worker checks them, named by their flags.
        let flush = try CommandLineRunner.run(["loadtest", "--flush-interval", "20s"])
        #expect(flush.status != 0 && flush.standardError.contains("--flush-interval: 20.0 seconds is outside 0…10 s"), "\(flush.standardError)")
        let fetch = try CommandLineRunner.run(["loadtest", "--fetch-max-wait", "0ms"])
        #expect(fetch.status != 0 && fetch.standardError.contains("--fetch-max-wait"), "\(fetch.standardError)")
        let linger = try CommandLineRunner.run(["loadtest", "--generator-linger", "soon"])
        #expect(linger.status != 0 && linger.standardError.contains("--generator-linger: expected a duration"), "\(linger.standardError)")
    }
}
