import Foundation
import Testing

@Suite("fraudstream worker configuration errors")
struct WorkerConfigurationTests {
    /// A wrong setting, how it is given, and what the error must name.
    struct Case: CustomTestStringConvertible, Sendable {
        var arguments: [String]
        var environment: [String: String] = [:]
        /// Text the error must contain: the flag or variable, and the value where there is one.
        var mentions: [String]
        /// Whether to pass a broker (the witness) so that only the setting under test is wrong.
        var withBrokers = true

        var testDescription: String {
            let text = (environment.map { "\($0)=\($1)" }.sorted() + arguments).joined(separator: " ")
            return text.isEmpty ? "no --brokers and no KAFKA_BROKERS" : text
        }
    }

    static let cases: [Case] = [
        Case(arguments: [], mentions: ["--brokers", "KAFKA_BROKERS"], withBrokers: false),
        Case(arguments: [], environment: ["KAFKA_BROKERS": ""], mentions: ["--brokers", "KAFKA_BROKERS"], withBrokers: false),
        Case(arguments: ["--brokers", "localhost"], mentions: ["--brokers", "\"localhost\"", "host:port"], withBrokers: false),
        Case(arguments: [], environment: ["KAFKA_BROKERS": "kafka-1"], mentions: ["KAFKA_BROKERS", "--brokers", "\"kafka-1\""], withBrokers: false),
        Case(arguments: ["--flush-interval", "soon"], mentions: ["--flush-interval", "\"soon\""]),
        Case(arguments: ["--flush-interval", "1m"], mentions: ["--flush-interval", "10 s"]),
        Case(arguments: [], environment: ["FRAUDSTREAM_FLUSH_INTERVAL": "forever"], mentions: ["FRAUDSTREAM_FLUSH_INTERVAL", "--flush-interval", "\"forever\""]),
        Case(arguments: [], environment: ["FRAUDSTREAM_FLUSH_INTERVAL": "1m"], mentions: ["FRAUDSTREAM_FLUSH_INTERVAL", "--flush-interval", "10 s"]),
        Case(arguments: ["--topic", "bad topic!"], mentions: ["--topic", "\"bad topic!\"", "topic name"]),
        Case(arguments: [], environment: ["FRAUDSTREAM_TOPIC": "bad/topic"], mentions: ["FRAUDSTREAM_TOPIC", "--topic", "\"bad/topic\""]),
        Case(arguments: ["--dead-letter-topic", String(repeating: "t", count: 250)], mentions: ["--dead-letter-topic", "topic name"]),
        Case(arguments: ["--labels-topic", "transactions"], mentions: ["--topic", "--labels-topic", "different"]),
        Case(arguments: ["--schema", "Bad-Schema"], mentions: ["--schema", "\"Bad-Schema\""]),
        Case(arguments: [], environment: ["FRAUDSTREAM_SCHEMA": "drop table x"], mentions: ["--schema", "FRAUDSTREAM_SCHEMA", "\"drop table x\""]),
        Case(arguments: [], environment: ["FRAUDSTREAM_BATCH_ROWS": "abc"], mentions: ["FRAUDSTREAM_BATCH_ROWS", "--batch-rows", "\"abc\""]),
        Case(arguments: [], environment: ["FRAUDSTREAM_BATCH_ROWS": "0"], mentions: ["FRAUDSTREAM_BATCH_ROWS", "--batch-rows", "1…1000000"]),
        Case(arguments: ["--batch-rows", "-5"], mentions: ["--batch-rows"]),
        Case(arguments: [], environment: ["FRAUDSTREAM_MAX_PENDING_ROWS": "10"], mentions: ["FRAUDSTREAM_MAX_PENDING_ROWS", "--max-pending-rows", "batch"]),
        Case(arguments: [], environment: ["FRAUDSTREAM_SESSION_TIMEOUT": "0s"], mentions: ["FRAUDSTREAM_SESSION_TIMEOUT", "--session-timeout"]),
        Case(arguments: ["--checkpoint-interval", "10ms"], mentions: ["--checkpoint-interval", "100 ms"]),
        Case(arguments: ["--drain-timeout", "0s"], mentions: ["--drain-timeout"]),
        Case(arguments: ["--kafka-property", "no-equals-sign"], mentions: ["--kafka-property", "\"no-equals-sign\"", "key=value"]),
        Case(arguments: ["--status-interval", "often"], mentions: ["--status-interval", "\"often\""]),
        Case(arguments: ["--ready-max-lag=-1"], mentions: ["--ready-max-lag", "-1"]),
        Case(arguments: [], environment: ["FRAUDSTREAM_READY_MAX_LAG": "lots"], mentions: ["FRAUDSTREAM_READY_MAX_LAG", "--ready-max-lag", "\"lots\""]),
        Case(arguments: ["--http-port", "70000"], mentions: ["--http-port", "\"70000\""]),
        Case(arguments: ["--model", "/nonexistent/model.json"], mentions: ["--model", "/nonexistent/model.json"]),
        Case(arguments: [], environment: ["FRAUDSTREAM_MODEL": "/nonexistent/model.json"], mentions: ["FRAUDSTREAM_MODEL", "--model", "/nonexistent/model.json"]),
    ]

    @Test("a wrong setting stops the worker before it connects anywhere, with an error that names the flag or variable", arguments: cases)
    func rejected(_ setting: Case) throws {
        // The broker and the database are a port that records connections: none may come.
        let witness = try ConnectionWitness()
        let address = "127.0.0.1:\(witness.port)"
        let arguments = ["worker", "--database-url", "postgres://fraudstream@\(address)/fraudstream"]
            + (setting.withBrokers ? ["--brokers", address] : []) + setting.arguments
        let result = try runFraudstream(arguments, environment: cleanEnvironment(setting.environment))
        #expect(result.status != 0, "exit status 0; stderr:\n\(result.standardError)")
        let firstLine = result.standardError.split(separator: "\n").first.map(String.init) ?? ""
        #expect(firstLine.hasPrefix("Error: "), "stderr:\n\(result.standardError)")
        for text in setting.mentions {
            #expect(firstLine.contains(text), "the error does not mention \(text): \(firstLine)")
        }
        #expect(!result.standardError.contains("worker started"), "the worker started:\n\(result.standardError)")
        #expect(witness.connections() == 0, "the worker connected to the broker or database address before refusing its settings")
    }

    @Test("the witness sees a worker that does connect, so the check above can fail")
    func witnessSeesConnections() throws {
        let witness = try ConnectionWitness()
        let address = "127.0.0.1:\(witness.port)"
        // Valid settings: the worker connects to the "database" first, which never answers;
        // it gives up after its connect timeout.
        let result = try runFraudstream(
            ["worker", "--brokers", address, "--database-url", "postgres://fraudstream@\(address)/fraudstream?connect_timeout=2", "--http-port", "0"],
            environment: cleanEnvironment(), timeout: .seconds(30))
        #expect(result.status != 0)
        #expect(witness.connections() >= 1, "stderr:\n\(result.standardError)")
    }
}
