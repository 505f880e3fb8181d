import Foundation
import FraudPipeline
import Generator
import Kafka
import Logging
import Postgres
import Synchronization
import TestSupport
import Testing

// Helpers of the worker's resilience tests (backpressure, PostgreSQL outage, poison input,
// configuration errors, demo): background production, reading a topic to its end, a private
// PostgreSQL that can be stopped and started again, and log and memory probes.

/// Generator flags for `count` transactions into `topic` of an embedded cluster: 4 transactions
/// per event-time second (a population of about 52,000 accounts at their natural pace), 5 % of
/// events delayed by up to 2 s, paced at `rate` per second (or as fast as possible when `rate`
/// is nil).
func generatorOptions(
    cluster: EmbeddedKafkaCluster, topic: String, partitions: Int, count: Int, seed: UInt64, rate: Int?
) throws -> GeneratorOptions {
    var flags = GeneratorFlags()
    flags.brokers = cluster.bootstrapServers
    flags.topic = topic
    flags.labelsTopic = topic + "_labels"
    flags.partitions = String(partitions)
    flags.clock = "simulated"
    if let rate {
        flags.rate = String(rate)
        flags.speedup = String(Double(rate) / 4)
    } else {
        flags.max = true
        flags.rate = "4"
        flags.speedup = "1"
    }
    flags.count = String(count)
    flags.seed = String(seed)
    flags.disorder = "2s"
    return try GeneratorOptions(flags: flags, environment: [:])
}

/// A generator run in the background, paced, so that a worker scores while records keep
/// arriving.
final class BackgroundProduction: Sendable {
    private let task: Task<GeneratorProgress, any Error>
    private let progress: Counter

    /// Starts producing `count` transactions at `rate` per second into `topic` (created with
    /// `partitions` partitions if missing).
    init(cluster: EmbeddedKafkaCluster, topic: String, partitions: Int, count: Int, rate: Int, seed: UInt64) throws {
        let options = try generatorOptions(cluster: cluster, topic: topic, partitions: partitions, count: count, seed: seed, rate: rate)
        let progress = Counter()
        self.progress = progress
        task = Task {
            try await GeneratorRun.run(options: options, logger: .quiet) { update in
                progress.value.withLock { $0 = update.transactions }
            }
        }
    }

    /// Transactions handed to the producer so far (updated every second).
    var produced: Int { progress.value.withLock { $0 } }

    /// Waits for the run to end.
    /// - Returns: Its final counts.
    func finish() async throws -> GeneratorProgress {
        try await task.value
    }

    private final class Counter: Sendable {
        let value = Mutex(0)
    }
}

/// Every record of `topic`, read by a consumer of its own until `expected` records have come
/// (then `grace` longer, to see any extra), or until nothing came for `idle` once records
/// flowed, or until `deadline`.
func readTopic(
    cluster: EmbeddedKafkaCluster, topic: String, expected: Int? = nil,
    idle: Duration = .seconds(3), grace: Duration = .milliseconds(500), deadline: Duration = .seconds(60)
) async throws -> [KafkaRecord] {
    var configuration = KafkaConsumerConfiguration(bootstrapServers: cluster.brokerAddresses, groupID: "reader-\(UUID())", topics: [topic])
    configuration.sessionTimeout = .seconds(6)
    configuration.initialOffset = .beginning
    let consumer = try KafkaConsumer(configuration: configuration, logger: .quiet)
    struct Progress { var records: [KafkaRecord] = []; var last: ContinuousClock.Instant? }
    let state = Mutex(Progress())
    let reader = Task {
        for try await event in consumer.events {
            switch event {
            case .records(let batch):
                state.withLock { $0.records += batch.records; $0.last = .now }
            case .gap(let gap):
                Issue.record("records of \(topic) were lost to retention before the test read them: \(gap)")
                consumer.skipGap(gap)
            }
        }
    }
    let end = ContinuousClock.now + deadline
    while ContinuousClock.now < end {
        try await Task.sleep(for: .milliseconds(100))
        let (count, last) = state.withLock { ($0.records.count, $0.last) }
        guard let last else { continue }
        if let expected, count >= expected, ContinuousClock.now - last >= grace { break }
        if ContinuousClock.now - last >= idle { break }
    }
    await consumer.close()
    if case .failure(let error) = await reader.result { throw error }
    return state.withLock { $0.records }.sorted { ($0.topicPartition.partition, $0.offset) < ($1.topicPartition.partition, $1.offset) }
}

/// A private PostgreSQL in a temporary folder that a test can stop and start again on the same
/// port, as a database outage looks to the worker.
final class RestartablePostgres {
    private let folder: URL
    private var configuration: EmbeddedPostgres.Configuration
    private var server: EmbeddedPostgres
    /// The database's URL, once started.
    private(set) var url = ""

    init() {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("fraudstream-worker-pg-\(UUID().uuidString)")
        configuration = EmbeddedPostgres.Configuration()
        configuration.dataDirectory = folder.appendingPathComponent("data").path
        configuration.database = "worker_outage"
        configuration.settings = ["fsync": "off"]
        server = EmbeddedPostgres(configuration, logger: .quiet)
    }

    /// Initialises the folder and starts the server.
    /// - Returns: The database's URL.
    @discardableResult
    func start() async throws -> String {
        url = try await server.start()
        return url
    }

    /// Stops the server (fast shutdown: open connections are cut).
    func stop() async throws {
        try await server.stop()
    }

    /// Starts the server again on the port it had, so the URL the worker holds works again.
    func startAgain() async throws {
        configuration.port = URLComponents(string: url)?.port
        server = EmbeddedPostgres(configuration, logger: .quiet)
        let again = try await server.start()
        #expect(again == url)
    }

    /// Stops the server if it runs and removes the folder.
    func remove() async {
        try? await server.stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// The resident memory of process `pid` now, from /proc, or nil once it is gone.
func residentBytes(of pid: Int32) -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
          let kilobytes = Int(line.split(separator: " ").dropFirst().first ?? "")
    else { return nil }
    return kilobytes * 1024
}

/// Mebibytes, for messages.
func mebibytes(_ bytes: Int) -> String {
    String(format: "%.1f MiB", Double(bytes) / 1_048_576)
}

/// Seconds of a duration, for messages.
func seconds(_ duration: Duration) -> String {
    String(format: "%.1f s", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
}

extension String {
    /// How many lines contain `text`.
    func lines(containing text: String) -> [Substring] {
        split(separator: "\n").filter { $0.contains(text) }
    }
}

/// The lag figures of the worker's status lines (`lag=N`), in order.
func statusLags(in log: String) -> [Int] {
    log.lines(containing: " status").compactMap { line -> Int? in
        guard let range = line.range(of: " lag=") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
    }
}

/// Sums the committed next offsets of `group` on `topic` (0 before the first write).
func writtenOffsets(schema: String, group: String, topic: String, on connection: PostgresConnection) async -> Int64 {
    guard let offsets = try? await OffsetStore(schema: schema).nextOffsets(group: group, topic: topic, on: connection) else { return 0 }
    return offsets.values.reduce(0, +)
}

/// A loopback TCP port that accepts connections and remembers whether any came: passed as a
/// broker or database address to a command that must not connect anywhere.
final class ConnectionWitness {
    private let socket: Int32
    /// The port it listens on.
    let port: Int

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(socket, address, length) == 0 && listen(socket, 16) == 0 && getsockname(socket, address, &length) == 0
            }
        }
        guard bound else {
            close(socket)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.socket = socket
        port = Int(UInt16(bigEndian: address.sin_port))
        _ = fcntl(socket, F_SETFL, fcntl(socket, F_GETFL) | O_NONBLOCK)
    }

    deinit { close(socket) }

    /// How many connections arrived since the last call.
    func connections() -> Int {
        var count = 0
        while case let client = accept(socket, nil, nil), client >= 0 {
            close(client)
            count += 1
        }
        return count
    }
}

/// Runs the built `fraudstream` with exactly `environment` (nothing inherited) to completion.
func runFraudstream(_ arguments: [String], environment: [String: String], timeout: Duration = .seconds(60)) throws -> CommandLineRunner.Result {
    let path = CommandLineRunner.executable.path
    guard FileManager.default.isExecutableFile(atPath: path) else {
        Issue.record("the fraudstream executable is missing at \(path): build it with `swift build` (make test does)")
        throw CocoaError(.fileNoSuchFile)
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fraudstream-run-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outputURL = folder.appendingPathComponent("stdout")
    let errorURL = folder.appendingPathComponent("stderr")
    FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    let output = try FileHandle(forWritingTo: outputURL)
    let errors = try FileHandle(forWritingTo: errorURL)
    let process = Process()
    process.executableURL = CommandLineRunner.executable
    process.arguments = arguments
    process.environment = environment
    process.currentDirectoryURL = folder
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    try output.close()
    try errors.close()
    let deadline = ContinuousClock.now + timeout
    while process.isRunning && ContinuousClock.now < deadline {
        Thread.sleep(forTimeInterval: 0.05)
    }
    if process.isRunning {
        Issue.record("fraudstream \(arguments.joined(separator: " ")) still ran after \(timeout); killed")
        kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
    return CommandLineRunner.Result(
        status: process.terminationStatus,
        standardOutput: (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "",
        standardError: (try? String(contentsOf: errorURL, encoding: .utf8)) ?? "")
}

/// This process's environment without the variables the worker reads, plus `overrides`.
func cleanEnvironment(_ overrides: [String: String] = [:]) -> [String: String] {
    ProcessInfo.processInfo.environment
        .filter { key, _ in
            !(key.hasPrefix("FRAUDSTREAM_") || key.hasPrefix("PG") || key == "KAFKA_BROKERS" || key == "DATABASE_URL")
        }
        .merging(overrides) { _, override in override }
}
