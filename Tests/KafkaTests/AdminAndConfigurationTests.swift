import Kafka
import Testing

@Suite("Admin and configuration")
struct AdminAndConfigurationTests {
    @Test("the admin creates topics on the embedded cluster through its own API and lists them")
    func createAndListTopics() async throws {
        try await withEmbeddedCluster(topics: [:]) { cluster in
            let admin = try KafkaAdmin(bootstrapServers: cluster.brokerAddresses)
            #expect(try await admin.createTopic("created", partitions: 6))
            #expect(try await admin.createTopic("created", partitions: 6) == false)
            let topics = try await admin.listTopics()
            #expect(topics["created"] == 6)
            admin.close()
        }
    }

    @Test("a rejected librdkafka property is named with librdkafka's reason")
    func rejectedPropertyIsNamed() throws {
        var configuration = KafkaProducerConfiguration(bootstrapServers: ["127.0.0.1:9"])
        configuration.additionalProperties = ["no.such.property": "1"]
        let error = #expect(throws: KafkaError.self) { try KafkaProducer(configuration: configuration) }
        #expect(error?.code == .configuration)
        #expect(error?.description.contains("no.such.property=1") == true)

        configuration.additionalProperties = ["security.protocol": "carrier-pigeon"]
        let invalid = #expect(throws: KafkaError.self) { try KafkaProducer(configuration: configuration) }
        #expect(invalid?.description.contains("security.protocol=carrier-pigeon was rejected") == true)
    }

    @Test("auto.offset.reset cannot silently replace gap reporting")
    func autoOffsetResetIsRefused() throws {
        var configuration = KafkaConsumerConfiguration(bootstrapServers: ["127.0.0.1:9"], groupID: "g", topics: ["t"])
        configuration.additionalProperties = ["auto.offset.reset": "earliest"]
        let error = #expect(throws: KafkaError.self) { try KafkaConsumer(configuration: configuration) }
        #expect(error?.description.contains("auto.offset.reset cannot be overridden") == true)
    }

    @Test("broker lists and properties from the command line are validated with a message that shows the expected form")
    func parsing() throws {
        #expect(try KafkaSettings.parseBrokers("a:9092, b:9093") == ["a:9092", "b:9093"])
        let missingPort = #expect(throws: KafkaError.self) { try KafkaSettings.parseBrokers("localhost") }
        #expect(missingPort?.message == "brokers: expected host:port[,host:port], got \"localhost\" (\"localhost\" has no valid port)")
        #expect(try KafkaSettings.parseProperties(["linger.ms=5", "a=b=c"]) == ["linger.ms": "5", "a": "b=c"])
        let noEquals = #expect(throws: KafkaError.self) { try KafkaSettings.parseProperties(["linger.ms"]) }
        #expect(noEquals?.message == "expected a librdkafka property as key=value, got \"linger.ms\"")
    }
}
