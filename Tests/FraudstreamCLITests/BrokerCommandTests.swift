import Foundation
import Kafka
import Testing

@Suite("fraudstream broker")
struct BrokerCommandTests {
    @Test(
        "bad flags give a clear error and a non-zero exit",
        arguments: [
            (["broker", "--partitions", "0"], "--partitions: expected a positive number of partitions, got 0"),
            (["broker", "--port", "70000"], "--port: expected a port between 1 and 65535 (or 0 for none), got 70000"),
            (["broker", "--partitions", "many"], "The value 'many' is invalid for '--partitions <partitions>'"),
            (["broker", "--topic", "alerts:none"], "--topic: expected a positive partition count after the colon, got \"alerts:none\""),
            (["broker", "--brokers", "0"], "--brokers: expected at least 1 broker, got 0"),
            (["broker", "--no-such-flag"], "Unknown option '--no-such-flag'"),
            (["broker", "--log-level", "loud"], "--log-level: expected one of trace, debug, info, notice, warning, error, critical; got \"loud\""),
        ])
    func badFlags(arguments: [String], message: String) throws {
        let result = try CommandLineRunner.run(arguments)
        #expect(result.status != 0)
        #expect(result.standardError.contains(message), "stderr was: \(result.standardError)")
        #expect(result.standardError.contains("Usage: fraudstream broker"))
    }

    @Test("the broker prints its bootstrap address, serves the requested topics there, and stops on SIGTERM")
    func runsAndStops() async throws {
        let port = Int.random(in: 20_000..<40_000)
        let running = try CommandLineRunner.start(["broker", "--partitions", "3", "--port", String(port), "--topic", "orders", "--topic", "audit:2"])
        let firstLine = try await readLine(from: running.output)
        #expect(firstLine == "Kafka bootstrap: 127.0.0.1:\(port)")

        let admin = try KafkaAdmin(bootstrapServers: ["127.0.0.1:\(port)"])
        let topics = try await admin.listTopics()
        admin.close()
        #expect(topics["orders"] == 3)
        #expect(topics["audit"] == 2)

        running.process.terminate()
        running.process.waitUntilExit()
        #expect(running.process.terminationStatus == 0)
    }

    @Test("--help lists the subcommands")
    func helpListsSubcommands() throws {
        let result = try CommandLineRunner.run(["--help"])
        #expect(result.status == 0)
        for command in ["broker", "version"] {
            #expect(result.standardOutput.contains(command))
        }
    }

    @Test("version names fraudstream, librdkafka and libpq")
    func version() throws {
        let result = try CommandLineRunner.run(["version"])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("librdkafka 2."))
        #expect(result.standardOutput.contains("libpq 1"))
    }

    private func readLine(from pipe: Pipe) async throws -> String {
        let handle = pipe.fileHandleForReading
        return try await Task.detached {
            var bytes: [UInt8] = []
            while true {
                let chunk = try handle.read(upToCount: 1) ?? Data()
                guard let byte = chunk.first else { break }
                if byte == UInt8(ascii: "\n") { break }
                bytes.append(byte)
            }
            return String(decoding: bytes, as: UTF8.self)
        }.value
    }
}
