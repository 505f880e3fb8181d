import Benchmark
import Foundation
import FraudCore
import FraudModel
import FraudPipeline
import Generator
import Kafka

/// The worker's in-process stages on batches already in memory: a partition batch through
/// `PartitionProcessor` (decode, features, the bundled model), and scored rows through
/// `ScoredRowEncoder` (the sink's binary COPY encoding). Names have no spaces: the tool reads
/// stored thresholds by the raw name but writes them with spaces replaced.
///
/// Each measured iteration handles one batch, so throughput is in batches per second (multiply
/// by the batch size for rows) and malloc counts are per batch.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        maxDuration: .seconds(3),
        maxIterations: 1_000_000,
        // Timing on a shared 2-core machine varies by 40 % when other work runs, so only a halving
        // of speed fails the check; allocation counts are per batch and may not grow by more
        // than 5 %.
        thresholds: [
            .throughput: BenchmarkThresholds(relative: [.p90: 50.0]),
            .wallClock: BenchmarkThresholds(relative: [.p90: 50.0]),
            .mallocCountTotal: BenchmarkThresholds(relative: [.p90: 5.0]),
        ]
    )

    let batchSize = 1_024
    var simulator = TransactionSimulator(settings: SimulationSettings())
    var transactions: [Transaction] = []
    while transactions.count < batchSize {
        if case .transaction(let transaction, _) = simulator.next() { transactions.append(transaction) }
    }
    let topicPartition = KafkaTopicPartition(topic: "transactions", partition: 0)
    let records = transactions.enumerated().map { offset, transaction in
        KafkaRecord(topicPartition: topicPartition, offset: Int64(offset), key: Array(transaction.accountFrom.utf8), value: transaction.jsonBytes)
    }
    let batch = KafkaRecordBatch(topicPartition: topicPartition, records: records)
    let modelPath = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Sources/fraudstream/Resources/default-model.json").path
    let model = try! ModelFile.load(modelPath)
    let processor = try! PartitionProcessor(partition: 0, model: model, modelVersion: "benchmark", clock: { EventTime(millisecondsSinceEpoch: 0) })

    Benchmark("PartitionProcessor.process-batch-1024") { benchmark in
        for _ in benchmark.scaledIterations {
            blackHole(await processor.process(batch))
        }
    }

    // Rows as the sink receives them; the values of the features do not change the encoding's cost.
    let scored = transactions.enumerated().map { offset, transaction in
        ScoredTransaction(
            transaction: transaction, features: FeatureVector((0..<FeatureSchema.width).map { Double($0) * 1.25 + Double(offset) }),
            featureSchemaVersion: Int32(FeatureSchema.current.version), score: Double(offset) / Double(batchSize),
            flagged: offset % 100 == 0, modelVersion: "default-1a2b3c4d", partition: 0, offset: Int64(offset),
            scoredAt: EventTime(millisecondsSinceEpoch: 1_767_268_800_000))
    }
    nonisolated(unsafe) var encoder = ScoredRowEncoder(rowCapacity: batchSize)

    Benchmark("ScoredRowEncoder.encode-batch-1024") { benchmark in
        for _ in benchmark.scaledIterations {
            encoder.encode(scored)
            blackHole(encoder.bytes.count)
        }
    }
}
