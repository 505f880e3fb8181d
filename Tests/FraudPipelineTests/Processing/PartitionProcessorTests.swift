import FraudCore
import FraudModel
import FraudPipeline
import Kafka
import Testing

@Suite("PartitionProcessor: decode, features and scores of one partition")
struct PartitionProcessorTests {
    static let topic = "transactions"
    static let partition: Int32 = 3
    static let fixedTime = EventTime(millisecondsSinceEpoch: 1_767_225_600_000)

    /// A record's value: a valid transaction or bytes the decoder must reject with `reasonCode`.
    enum Input {
        case valid(Transaction)
        case broken([UInt8], reasonCode: String)
    }

    /// Transactions over five accounts, mostly in event-time order, some two hours late, with
    /// a broken record every seventh position.
    static let inputs: [Input] = {
        var inputs: [Input] = []
        let start: Int64 = 1_767_225_600_000
        let types: [TransactionType] = [.payment, .transfer, .cashOut, .cashIn, .debit]
        for index in 0..<60 {
            if index % 7 == 3 {
                let bytes: [UInt8] = index % 2 == 0 ? Array("{\"id\":".utf8) : Array("[1,2]".utf8)
                inputs.append(.broken(bytes, reasonCode: index % 2 == 0 ? "malformed_json" : "not_an_object"))
                continue
            }
            var millis = start + Int64(index) * 17_000
            if index % 11 == 10 { millis -= 2 * 3_600_000 }
            let amount = Double(50 + (index * 37) % 900) + 0.25
            let old = 10_000.0 + Double(index)
            inputs.append(.valid(Transaction(
                id: "T\(index)", timestamp: EventTime(millisecondsSinceEpoch: millis), type: types[index % types.count],
                amount: amount, accountFrom: "C\(index % 5)", oldBalanceFrom: old, newBalanceFrom: old - amount,
                accountTo: "M\(index % 4)", oldBalanceTo: 0, newBalanceTo: amount
            )))
        }
        return inputs
    }()

    static func record(_ index: Int, _ input: Input) -> KafkaRecord {
        let value: [UInt8]
        switch input {
        case .valid(let transaction): value = transaction.jsonBytes
        case .broken(let bytes, _): value = bytes
        }
        // Offsets start at 100 and skip a few, as after compaction or transaction markers.
        return KafkaRecord(
            topicPartition: KafkaTopicPartition(topic: topic, partition: partition),
            offset: 100 + Int64(index) + Int64(index / 10), key: Array("key\(index)".utf8), value: value
        )
    }

    static let records: [KafkaRecord] = inputs.enumerated().map { record($0.offset, $0.element) }

    static func batch(_ records: some Collection<KafkaRecord>) -> KafkaRecordBatch {
        KafkaRecordBatch(topicPartition: KafkaTopicPartition(topic: topic, partition: partition), records: Array(records))
    }

    static var schema: ModelFeatureSchema {
        let current = FeatureSchema.current
        return ModelFeatureSchema(name: current.name, version: current.version, featureNames: current.featureNames)
    }

    /// A logistic model whose score grows with the amount, the minute count and the day count,
    /// so scores depend on the partition's state as well as on the transaction.
    static func model(threshold: Double = 0.5, schema: ModelFeatureSchema = schema) throws -> ModelFile {
        var weights = [Double](repeating: 0, count: FeatureSchema.width)
        weights[FeatureSchema.Feature.amount.rawValue] = 0.004
        weights[FeatureSchema.Feature.minuteCount.rawValue] = 0.3
        weights[FeatureSchema.Feature.dayCount.rawValue] = 0.05
        weights[FeatureSchema.Feature.previousAmount.rawValue] = 0.001
        let logistic = try LogisticRegressionModel(
            means: .init(repeating: 0, count: FeatureSchema.width),
            standardDeviations: .init(repeating: 1, count: FeatureSchema.width),
            weights: weights, bias: -3
        )
        return try ModelFile(model: logistic, featureSchema: schema, decisionThreshold: threshold)
    }

    static func processor(threshold: Double = 0.5) throws -> PartitionProcessor {
        try PartitionProcessor(partition: partition, model: model(threshold: threshold), modelVersion: "test-1", clock: { fixedTime })
    }

    /// Processes `records` in consecutive batches of the given sizes (the last size repeats).
    static func run(_ processor: PartitionProcessor, _ records: ArraySlice<KafkaRecord>, sizes: [Int]) async -> [ProcessedBatch] {
        var results: [ProcessedBatch] = []
        var rest = records
        var sizeIndex = 0
        while !rest.isEmpty {
            let size = sizes[min(sizeIndex, sizes.count - 1)]
            sizeIndex += 1
            results.append(await processor.process(batch(rest.prefix(size))))
            rest = rest.dropFirst(size)
        }
        return results
    }

    static func expectIdentical(_ lhs: [ScoredTransaction], _ rhs: [ScoredTransaction]) {
        #expect(lhs.count == rhs.count)
        for (left, right) in zip(lhs, rhs) {
            #expect(left.offset == right.offset)
            #expect(left.transaction == right.transaction)
            #expect(left.features.isBitwiseIdentical(to: right.features), "features differ at offset \(left.offset)")
            #expect(left.score.bitPattern == right.score.bitPattern, "score differs at offset \(left.offset)")
            #expect(left.flagged == right.flagged)
        }
    }

    @Test("a mixed batch: valid records scored in offset order, broken ones dead-lettered with reason and key")
    func mixedBatch() async throws {
        let processor = try Self.processor()
        let result = await processor.process(Self.batch(Self.records))

        let expectedValid = zip(Self.inputs, Self.records).compactMap { input, record -> (Transaction, Int64)? in
            if case .valid(let transaction) = input { return (transaction, record.offset) }
            return nil
        }
        let expectedBroken = zip(Self.inputs, Self.records).compactMap { input, record -> (String, KafkaRecord)? in
            if case .broken(_, let code) = input { return (code, record) }
            return nil
        }
        #expect(expectedBroken.count == 9)
        #expect(result.validCount == expectedValid.count)
        #expect(result.rejectedCount == expectedBroken.count)
        #expect(result.scored.map(\.transaction) == expectedValid.map(\.0))
        #expect(result.scored.map(\.offset) == expectedValid.map(\.1))
        for row in result.scored {
            #expect(row.partition == Self.partition)
            #expect(row.modelVersion == "test-1")
            #expect(row.featureSchemaVersion == Int32(FeatureSchema.current.version))
            #expect(row.scoredAt == Self.fixedTime)
        }
        for (letter, (code, record)) in zip(result.deadLetters, expectedBroken) {
            #expect(letter.message.topic == Self.topic)
            #expect(letter.message.partition == Self.partition)
            #expect(letter.message.offset == record.offset)
            #expect(letter.message.reasonCode == code)
            #expect(!letter.message.reason.isEmpty)
            #expect(letter.message.payload == record.value)
            #expect(letter.key == record.key)
        }
        #expect(result.nextOffset == Self.records.last!.offset + 1)
        // The features are the actor's: the same transactions through a fresh actor match.
        let reference = try PartitionActor(partition: Self.partition)
        let matrix = await reference.process(expectedValid.map(\.0))
        for (row, scored) in result.scored.enumerated() {
            #expect(scored.features.isBitwiseIdentical(to: matrix[row]))
        }
        // Late events are counted from the late feature, and this input has some.
        let late = result.scored.filter { $0.features[.late] != 0 }.count
        #expect(late > 0)
        #expect(result.lateCount == late)
        #expect(await processor.counters.lateEvents == UInt64(late))
    }

    @Test("a batch of only broken records still moves the offset on")
    func onlyBroken() async throws {
        let processor = try Self.processor()
        let broken = zip(Self.inputs, Self.records).compactMap { input, record -> KafkaRecord? in
            if case .broken = input { return record }
            return nil
        }
        let result = await processor.process(Self.batch(broken))
        #expect(result.scored.isEmpty)
        #expect(result.deadLetters.count == broken.count)
        #expect(result.nextOffset == broken.last!.offset + 1)
    }

    @Test("flagged exactly when the score reaches the model's threshold")
    func threshold() async throws {
        let scores = try await Self.processor(threshold: 0.5).process(Self.batch(Self.records)).scored.map(\.score)
        // Use a score that occurs as the threshold, so one row sits exactly on the boundary.
        let sorted = scores.sorted()
        let boundary = sorted[sorted.count / 2]
        let result = try await Self.processor(threshold: boundary).process(Self.batch(Self.records))
        #expect(result.scored.map(\.score) == scores)
        #expect(result.scored.contains { $0.flagged })
        #expect(result.scored.contains { !$0.flagged })
        #expect(result.scored.contains { $0.score == boundary && $0.flagged })
        for row in result.scored {
            #expect(row.flagged == (row.score >= boundary), "score \(row.score), threshold \(boundary)")
        }
        #expect(result.flaggedCount == result.scored.filter(\.flagged).count)
    }

    @Test("batch sizes do not change features or scores", arguments: [[1], [7], [3, 13, 2], [59]])
    func batchSizes(sizes: [Int]) async throws {
        let whole = try await Self.processor().process(Self.batch(Self.records))
        let batches = await Self.run(try Self.processor(), Self.records[...], sizes: sizes)
        Self.expectIdentical(batches.flatMap(\.scored), whole.scored)
        #expect(batches.flatMap(\.deadLetters) == whole.deadLetters)
        #expect(batches.last?.nextOffset == whole.nextOffset)
        #expect(batches.map(\.lateCount).reduce(0, +) == whole.lateCount)
    }

    @Test("a processor restored from a mid-stream snapshot continues like the uninterrupted one", arguments: [1, 24, 45])
    func restore(split: Int) async throws {
        let uninterrupted = await Self.run(try Self.processor(), Self.records[...], sizes: [5])

        let first = try Self.processor()
        let before = await Self.run(first, Self.records[..<split], sizes: [5])
        let snapshot = await first.snapshot()
        let restored = try PartitionProcessor(
            partition: Self.partition, restoring: snapshot, model: Self.model(), modelVersion: "test-1", clock: { Self.fixedTime }
        )
        let after = await Self.run(restored, Self.records[split...], sizes: [5])
        Self.expectIdentical((before + after).flatMap(\.scored), uninterrupted.flatMap(\.scored))
        #expect(after.last?.nextOffset == uninterrupted.last?.nextOffset)
    }

    @Test("a model trained on another feature schema version is refused, naming both versions")
    func schemaMismatch() throws {
        let current = FeatureSchema.current
        let other = ModelFeatureSchema(name: current.name, version: current.version + 1, featureNames: current.featureNames)
        let model = try Self.model(schema: other)
        let error = #expect(throws: ModelError.self) {
            try PartitionProcessor(partition: Self.partition, model: model, modelVersion: "test-2")
        }
        #expect(error?.code == .schemaMismatch)
        let message = error?.description ?? ""
        #expect(message.contains("v\(current.version + 1)"), "\(message)")
        #expect(message.contains("v\(current.version)"), "\(message)")
        let actor = try PartitionActor(partition: Self.partition)
        #expect(throws: ModelError.self) {
            try PartitionProcessor(partitionActor: actor, model: model, modelVersion: "test-2")
        }
    }
}
