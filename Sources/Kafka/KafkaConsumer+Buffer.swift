import DequeModule

extension KafkaConsumer {
    /// The records fetched but not yet handed to the reader, per assigned partition, and the
    /// flow-control decisions that follow from them.
    ///
    /// A plain value guarded by the consumer's lock; its methods decide, the caller acts
    /// (resumes the reader, pauses partitions in librdkafka) outside the lock.
    struct Buffer {
        struct Partition {
            var records: Deque<KafkaRecord> = []
            var bytes = 0
            /// Paused by the reader with ``KafkaConsumer/pause(_:)``.
            var pausedByReader = false
            /// Paused because the buffer reached its high watermark.
            var pausedByFlowControl = false
            /// Whether librdkafka currently has the partition paused.
            var pausedInClient = false
            /// Stopped at a retention gap until the reader acknowledges it.
            var stoppedAtGap = false
            /// Assigned ``KafkaStartOffset/held``: paused, and nothing it fetched is kept,
            /// until its owner starts it at an offset.
            var held = false
            /// The next offset to hand over, once known.
            var nextOffset: Int64?
            /// The offset the partition was assigned at (a librdkafka logical offset or a real
            /// one), used to restart it when nothing was fetched yet.
            var assignedOffset: Int64 = 0
            /// The log end last read from the broker while the partition was paused (librdkafka
            /// learns log ends from fetches, so its own figure stands still while paused); -1
            /// when none was read.
            var queriedLogEnd: Int64 = -1
        }

        private(set) var partitions: [KafkaTopicPartition: Partition] = [:]
        private var rotation: [KafkaTopicPartition] = []
        private var cursor = 0
        private var events: Deque<KafkaConsumerEvent> = []
        /// Partitions to restart at an offset (after an acknowledged gap), applied by the poll
        /// thread.
        private var restarts: [KafkaTopicPartition: Int64] = [:]
        /// Held partitions their owner started, applied by the poll thread.
        private var starts: [KafkaTopicPartition: Int64] = [:]
        let highWatermark: Int
        let lowWatermark: Int
        let maxBatchSize: Int

        init(maxBytesPerPartition: Int, maxBatchSize: Int) {
            highWatermark = max(1, maxBytesPerPartition)
            lowWatermark = highWatermark / 2
            self.maxBatchSize = maxBatchSize
        }

        var assignment: [KafkaTopicPartition] { rotation }

        /// Adds assigned partitions; `held` ones start paused in librdkafka (the caller pauses
        /// them) and wait for ``start(_:at:)``.
        mutating func assign(_ assigned: [(KafkaTopicPartition, Int64)], held: Set<KafkaTopicPartition> = []) {
            for (partition, offset) in assigned {
                var state = Partition()
                state.nextOffset = offset >= 0 ? offset : nil
                state.assignedOffset = offset
                if held.contains(partition) {
                    state.held = true
                    state.nextOffset = nil
                    state.pausedInClient = true
                }
                partitions[partition] = state
            }
            rotation = partitions.keys.sorted()
        }

        /// Schedules a held partition to be read from `offset`; the poll thread seeks it there
        /// and only then stops dropping its records (``takeStarts()``). A partition that is not
        /// held (revoked, or started already) is left alone.
        mutating func start(_ partition: KafkaTopicPartition, at offset: Int64) -> Bool {
            guard partitions[partition]?.held == true, starts[partition] == nil else { return false }
            starts[partition] = offset
            return true
        }

        /// The partitions to seek and resume now that their owner started them; from here on
        /// their records are kept.
        mutating func takeStarts() -> [KafkaTopicPartition: Int64] {
            defer { starts = [:] }
            for (partition, offset) in starts {
                partitions[partition]?.held = false
                partitions[partition]?.nextOffset = offset
                partitions[partition]?.assignedOffset = offset
            }
            return starts
        }

        /// Forgets revoked partitions, discarding their undelivered records and gap events.
        mutating func revoke(_ revoked: [KafkaTopicPartition]) {
            for partition in revoked {
                partitions[partition] = nil
                restarts[partition] = nil
                starts[partition] = nil
            }
            events.removeAll { event in
                if case .gap(let gap) = event { return partitions[gap.topicPartition] == nil }
                return false
            }
            rotation = partitions.keys.sorted()
            cursor = 0
        }

        /// Adds fetched records; records of partitions no longer assigned are dropped.
        ///
        /// - Returns: whether a partition crossed its high watermark (pauses need applying).
        mutating func append(_ records: [KafkaRecord]) -> Bool {
            var crossed = false
            for record in records {
                // A held partition's records come from its placeholder position: its owner
                // starts it elsewhere, and the restart fetches them again from there.
                guard var state = partitions[record.topicPartition], !state.held else { continue }
                partitions[record.topicPartition] = nil  // keep the value uniquely referenced
                state.records.append(record)
                state.bytes += record.approximateSize
                if state.nextOffset == nil { state.nextOffset = record.offset }
                if state.bytes >= highWatermark && !state.pausedByFlowControl {
                    state.pausedByFlowControl = true
                    crossed = true
                }
                partitions[record.topicPartition] = state
            }
            return crossed
        }

        /// Restarts a started partition at `offset` through a new assignment (when a seek failed).
        mutating func scheduleRestart(_ partition: KafkaTopicPartition, at offset: Int64) {
            guard partitions[partition] != nil else { return }
            restarts[partition] = offset
        }

        mutating func report(_ gap: KafkaOffsetGap) {
            // A held partition's position is a placeholder: its owner chooses where it starts.
            // A gap is reported to the reader once, so its lost records are counted once: a
            // repeat while it waits for acknowledgement changes nothing, and a late one for
            // offsets below where the partition stands now (already skipped) only restarts the
            // partition where it stands, in case librdkafka stopped it again.
            guard let state = partitions[gap.topicPartition], !state.held, !state.stoppedAtGap else { return }
            if let next = state.nextOffset, gap.requestedOffset < next {
                restarts[gap.topicPartition] = state.records.last.map { $0.offset + 1 } ?? next
                return
            }
            partitions[gap.topicPartition]?.stoppedAtGap = true
            events.append(.gap(gap))
        }

        /// Clears a reported gap and schedules its partition to restart after it.
        mutating func acknowledge(_ gap: KafkaOffsetGap) -> Bool {
            guard partitions[gap.topicPartition]?.stoppedAtGap == true else { return false }
            partitions[gap.topicPartition]?.stoppedAtGap = false
            partitions[gap.topicPartition]?.nextOffset = gap.resumeOffset
            // Where the partition starts now, should it be assigned again before it fetched.
            partitions[gap.topicPartition]?.assignedOffset = gap.resumeOffset
            restarts[gap.topicPartition] = gap.resumeOffset
            return true
        }

        mutating func takeRestarts() -> [KafkaTopicPartition: Int64] {
            defer { restarts = [:] }
            return restarts
        }

        mutating func setPausedByReader(_ paused: Bool, _ targets: [KafkaTopicPartition]) {
            for partition in targets where partitions[partition] != nil {
                partitions[partition]?.pausedByReader = paused
            }
        }

        /// The next event for the reader: a gap whose partition has no records left to hand
        /// over, then a batch from the next partition in rotation that has records and is not
        /// paused by the reader.
        ///
        /// A gap lies after the records already fetched for its partition (librdkafka reports it
        /// at its fetch position), so those records go out first: handing the gap over before
        /// them would make the reader skip to the gap's resume offset and drop them.
        ///
        /// - Returns: the event, and whether a partition drained below its low watermark
        ///   (resumes need applying).
        mutating func next() -> (event: KafkaConsumerEvent, drained: Bool)? {
            if let index = events.firstIndex(where: { event in
                if case .gap(let gap) = event { return partitions[gap.topicPartition]?.records.isEmpty ?? true }
                return true
            }) {
                return (events.remove(at: index), false)
            }
            guard !rotation.isEmpty else { return nil }
            for step in 0..<rotation.count {
                let index = (cursor + step) % rotation.count
                let partition = rotation[index]
                guard var state = partitions[partition], !state.pausedByReader, !state.records.isEmpty else { continue }
                partitions[partition] = nil
                let count = min(maxBatchSize, state.records.count)
                var batch: [KafkaRecord] = []
                batch.reserveCapacity(count)
                for _ in 0..<count {
                    let record = state.records.removeFirst()
                    state.bytes -= record.approximateSize
                    batch.append(record)
                }
                state.nextOffset = batch[batch.count - 1].offset + 1
                var drained = false
                if state.pausedByFlowControl && state.bytes <= lowWatermark {
                    state.pausedByFlowControl = false
                    drained = true
                }
                partitions[partition] = state
                cursor = (index + 1) % rotation.count
                return (.records(KafkaRecordBatch(topicPartition: partition, records: batch)), drained)
            }
            return nil
        }

        /// Partitions whose pause state in librdkafka must change, marked as changed.
        mutating func pendingPauseChanges() -> (pause: [KafkaTopicPartition], resume: [KafkaTopicPartition]) {
            var pause: [KafkaTopicPartition] = []
            var resume: [KafkaTopicPartition] = []
            for partition in rotation {
                guard let state = partitions[partition] else { continue }
                let wanted = state.pausedByReader || state.pausedByFlowControl || state.held
                guard wanted != state.pausedInClient else { continue }
                partitions[partition]?.pausedInClient = wanted
                if wanted { pause.append(partition) } else { resume.append(partition) }
            }
            return (pause, resume)
        }

        var bufferedBytes: Int { partitions.values.reduce(0) { $0 + $1.bytes } }

        /// The partitions librdkafka has paused (not held ones: their owner has not started them).
        var pausedPartitions: [KafkaTopicPartition] {
            rotation.filter { partitions[$0].map { $0.pausedInClient && !$0.held } ?? false }
        }

        /// Notes a log end read from the broker for a partition still assigned.
        mutating func noteLogEnd(_ end: Int64, of partition: KafkaTopicPartition) {
            guard let known = partitions[partition]?.queriedLogEnd else { return }
            partitions[partition]?.queriedLogEnd = max(known, end)
        }
    }
}

extension KafkaRecord {
    /// Bytes this record holds, for buffer accounting.
    var approximateSize: Int {
        var size = 64 + value.count + (key?.count ?? 0)
        for header in headers { size += 32 + header.key.utf8.count + (header.value?.count ?? 0) }
        return size
    }
}
