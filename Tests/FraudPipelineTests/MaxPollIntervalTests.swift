import FraudPipeline
import Postgres
import Testing

@Suite("max.poll.interval.ms chosen from the worker's settings")
struct MaxPollIntervalTests {
    @Test("the drain timeout plus a minute, never below the session timeout, and an override above the drain timeout wins")
    func derivedFromSettings() throws {
        var configuration = WorkerConfiguration(brokers: ["127.0.0.1:9092"], database: PostgresConfiguration(""))
        #expect(configuration.maxPollInterval == .seconds(75))
        configuration.sessionTimeout = .seconds(120)
        #expect(configuration.maxPollInterval == .seconds(120), "librdkafka refuses an interval below the session timeout")
        try configuration.validate()
        configuration.kafkaProperties["max.poll.interval.ms"] = "130000"
        #expect(configuration.maxPollInterval == .seconds(130))
        try configuration.validate()
        configuration.kafkaProperties["max.poll.interval.ms"] = "10000"
        #expect(throws: WorkerConfigurationError.self) { try configuration.validate() }
    }
}
