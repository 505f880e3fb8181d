import CRdKafka
import Foundation
import Threading

extension KafkaConsumer {
    /// Runs on the consumer's poll thread until ``close()``: fetches batches, applies pauses and
    /// resumes, serves rebalance callbacks, then leaves the group.
    func pollLoop() {
        // One poll takes at most a batch: the buffer overshoots its high watermark by at most that.
        let capacity = configuration.maxBatchSize
        let messages = UnsafeMutablePointer<UnsafeMutablePointer<rd_kafka_message_t>?>.allocate(capacity: capacity)
        defer { messages.deallocate() }
        var records: [KafkaRecord] = []
        records.reserveCapacity(capacity)
        var topics: [OpaquePointer: String] = [:]
        var nextLogEndRead = ContinuousClock.now

        while running.isRunning {
            applyRestarts()
            applyStarts()
            applyPauseChanges()
            readPausedLogEndsIfDue(&nextLogEndRead)
            // Wait for one message, then take what else is ready without waiting:
            // rd_kafka_consume_batch_queue with a timeout waits for a full batch, which at low
            // rates would hold every record for the whole timeout.
            guard let first = rd_kafka_consume_queue(queue, 100) else { continue }
            messages[0] = first
            let more = capacity > 1 ? rd_kafka_consume_batch_queue(queue, 0, messages + 1, capacity - 1) : 0
            let count = 1 + max(0, more)
            records.removeAll(keepingCapacity: true)
            for index in 0..<count {
                guard let message = messages[index] else { continue }
                if message.pointee.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                    records.append(RDKafkaMessage.record(from: message, topics: &topics))
                } else {
                    handleError(message)
                }
                rd_kafka_message_destroy(message)
            }
            guard !records.isEmpty else { continue }
            let resumed = state.withLock { state in
                _ = state.buffer.append(records)
                return takeReaderIfReady(&state)
            }
            if let (reader, event) = resumed { reader.resume(returning: event) }
        }
        shutDown()
    }

    func wakePollThread() {
        rd_kafka_queue_yield(queue)
    }

    private func applyPauseChanges() {
        let changes = state.withLock { $0.buffer.pendingPauseChanges() }
        if !changes.pause.isEmpty {
            _ = RDKafkaTopicPartitionList.with(changes.pause.map { ($0, 0) }) { rd_kafka_pause_partitions(client.handle, $0) }
        }
        if !changes.resume.isEmpty {
            _ = RDKafkaTopicPartitionList.with(changes.resume.map { ($0, 0) }) { rd_kafka_resume_partitions(client.handle, $0) }
        }
    }

    /// Moves held partitions their owner started to their start offsets; they are resumed next.
    /// The seek waits for the fetcher, so nothing fetched at the placeholder position follows.
    private func applyStarts() {
        let starts = state.withLock { $0.buffer.takeStarts() }
        guard !starts.isEmpty else { return }
        RDKafkaTopicPartitionList.with(starts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }) { list in
            if let error = rd_kafka_seek_partitions(client.handle, list, 10_000) {
                client.logger.error("could not start partitions", metadata: ["error": "\(KafkaError(consuming: error, context: "seek"))"])
            }
            for entry in RDKafkaTopicPartitionList.entries(list) where entry.error != RD_KAFKA_RESP_ERR_NO_ERROR {
                client.logger.warning("could not seek a partition to its start; assigning it there again", metadata: [
                    "partition": "\(entry.partition)", "error": "\(KafkaError(entry.error, context: "seek"))",
                ])
                state.withLock { $0.buffer.scheduleRestart(entry.partition, at: starts[entry.partition] ?? 0) }
            }
        }
    }

    /// Once a second, queues a read of the paused partitions' log ends on ``logEnds`` (one at a
    /// time: a broker slow to answer delays the next read, never the poll thread), so that
    /// ``lag()`` of a partition held back by a slow reader keeps growing with the backlog.
    private func readPausedLogEndsIfDue(_ due: inout ContinuousClock.Instant) {
        let now = ContinuousClock.now
        guard now >= due else { return }
        due = now + .seconds(1)
        let paused: [KafkaTopicPartition] = state.withLock { state in
            guard !state.logEndReadInFlight else { return [] }
            let paused = state.buffer.pausedPartitions
            state.logEndReadInFlight = !paused.isEmpty
            return paused
        }
        guard !paused.isEmpty else { return }
        let submitted = logEnds.submit { [self] in
            let ends = paused.compactMap { partition in
                (try? client.queryWatermarks(partition, timeout: .seconds(1))).map { (partition, $0.high) }
            }
            state.withLock { state in
                for (partition, end) in ends { state.buffer.noteLogEnd(end, of: partition) }
                state.logEndReadInFlight = false
            }
        }
        if !submitted { state.withLock { $0.logEndReadInFlight = false } }
    }

    /// Restarts partitions stopped at an acknowledged gap. librdkafka stops fetching a
    /// partition after an offset reset error and refuses to seek it, so it is assigned again.
    private func applyRestarts() {
        let restarts = state.withLock { $0.buffer.takeRestarts() }
        guard !restarts.isEmpty else { return }
        let entries = restarts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if String(cString: rd_kafka_rebalance_protocol(client.handle)) == "COOPERATIVE" {
            RDKafkaTopicPartitionList.with(entries) { list in
                if let error = rd_kafka_incremental_unassign(client.handle, list) { rd_kafka_error_destroy(error) }
                if let error = rd_kafka_incremental_assign(client.handle, list) {
                    client.logger.error("could not restart partitions after a gap", metadata: ["error": "\(KafkaError(consuming: error, context: "assign"))"])
                }
            }
            return
        }
        // Eager assignment: assign everything again, every other partition at its position.
        var current: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        guard rd_kafka_assignment(client.handle, &current) == RD_KAFKA_RESP_ERR_NO_ERROR, let current else { return }
        defer { rd_kafka_topic_partition_list_destroy(current) }
        rd_kafka_position(client.handle, current)
        let assigned = state.withLock { $0.buffer.partitions.mapValues(\.assignedOffset) }
        let offsets = RDKafkaTopicPartitionList.entries(current).map { entry in
            (entry.partition, restarts[entry.partition] ?? (entry.offset >= 0 ? entry.offset : assigned[entry.partition] ?? entry.offset))
        }
        RDKafkaTopicPartitionList.with(offsets) { list in
            let err = rd_kafka_assign(client.handle, list)
            if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                client.logger.error("could not restart partitions after a gap", metadata: ["error": "\(KafkaError(err, context: "assign"))"])
            }
        }
        // librdkafka keeps application pauses across assign, so the buffer's record of which
        // partitions it paused stays true, and they are resumed when they drain.
    }

    private func handleError(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let err = message.pointee.err
        if err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET, let topic = message.pointee.rkt {
            let partition = KafkaTopicPartition(topic: String(cString: rd_kafka_topic_name(topic)), partition: message.pointee.partition)
            reportGap(partition, requestedOffset: message.pointee.offset)
            return
        }
        if let fatal = client.fatalError() {
            finish(with: fatal)
            return
        }
        if err == RD_KAFKA_RESP_ERR__MAX_POLL_EXCEEDED {
            client.logger.error("this consumer left its group: it did not poll for longer than max.poll.interval.ms, so its partitions went to other members; it rejoins at its next poll", metadata: [
                "error": "\(KafkaError(err, context: "max.poll.interval.ms exceeded"))",
            ])
            return
        }
        client.logger.warning("consumer error", metadata: [
            "error": "\(KafkaError(err, context: "fetch failed"))",
            "partition": "\(message.pointee.partition)",
        ])
    }

    private func reportGap(_ partition: KafkaTopicPartition, requestedOffset: Int64) {
        var low: Int64 = -1
        var high: Int64 = -1
        do {
            (low, high) = try client.queryWatermarks(partition, timeout: .seconds(10))
        } catch {
            client.logger.error("could not read offsets after a retention gap", metadata: ["partition": "\(partition)", "error": "\(error)"])
        }
        let gap = KafkaOffsetGap(
            topicPartition: partition, requestedOffset: requestedOffset,
            earliestAvailableOffset: max(low, 0), latestAvailableOffset: max(high, 0))
        client.logger.error("records were lost before they could be consumed", metadata: ["gap": "\(gap)"])
        let resumed = state.withLock { state in
            state.buffer.report(gap)
            return takeReaderIfReady(&state)
        }
        if let (reader, event) = resumed { reader.resume(returning: event) }
    }

    private func finish(with failure: KafkaError?) {
        let reader = state.withLock { state in
            state.finished = true
            if state.failure == nil { state.failure = failure }
            return state.reader.take()
        }
        if let failure { reader?.resume(throwing: failure) } else { reader?.resume(returning: nil) }
        if failure != nil { _ = running.stop() }
    }

    private func shutDown() {
        // Leaving the group revokes the assignment through the rebalance callback.
        let err = rd_kafka_consumer_close(client.handle)
        if err != RD_KAFKA_RESP_ERR_NO_ERROR {
            client.logger.warning("consumer did not leave its group cleanly", metadata: ["error": "\(KafkaError(err, context: "close"))"])
        }
        finish(with: nil)
        // The queue and handle stay alive until deinit: pause, resume, lag and close may still
        // be called from other threads, and must find them valid.
        blocking.shutdown()
        logEnds.shutdown()
        let waiters = state.withLock { state in
            state.isClosed = true
            return state.closeWaiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Serves librdkafka's rebalance callback on the poll thread, consulting the listener
    /// before assigning or releasing partitions.
    func rebalance(_ err: rd_kafka_resp_err_t, _ list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) {
        let partitions = RDKafkaTopicPartitionList.entries(list).map(\.partition)
        let cooperative = String(cString: rd_kafka_rebalance_protocol(client.handle)) == "COOPERATIVE"
        switch err {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            assign(partitions, cooperative: cooperative)
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            revoke(partitions, list: list, cooperative: cooperative)
        default:
            client.logger.error("rebalance failed", metadata: ["error": "\(KafkaError(err, context: "rebalance"))"])
            revoke(state.withLock { $0.buffer.assignment }, list: list, cooperative: cooperative)
        }
    }

    private func assign(_ partitions: [KafkaTopicPartition], cooperative: Bool) {
        let chosen: [KafkaTopicPartition: KafkaStartOffset]
        if let listener {
            chosen = waitForListener { await listener.partitionsAssigned(partitions) }
        } else {
            chosen = [:]
        }
        let offsets = resolveStartOffsets(partitions, chosen: chosen)
        let held = Set(chosen.filter { $0.value == .held }.keys)
        state.withLock { $0.buffer.assign(offsets, held: held) }
        let heldList = held.sorted().map { ($0, Int64(0)) }
        RDKafkaTopicPartitionList.with(offsets.filter { !held.contains($0.0) }) { list in
            // The buffer starts these partitions unpaused, but librdkafka keeps a pause from an
            // earlier assignment (rd_kafka_pause_partitions survives unassign and assign): a
            // partition that flow control paused before it was revoked would never fetch again.
            _ = rd_kafka_resume_partitions(client.handle, list)
        }
        if !held.isEmpty {
            // Held partitions are paused before they are assigned, so they fetch nothing until
            // their owner starts them (and again after, in case a partition was not known yet).
            _ = RDKafkaTopicPartitionList.with(heldList) { rd_kafka_pause_partitions(client.handle, $0) }
        }
        RDKafkaTopicPartitionList.with(offsets) { list in
            if cooperative {
                if let error = rd_kafka_incremental_assign(client.handle, list) {
                    client.logger.error("could not assign partitions", metadata: ["error": "\(KafkaError(consuming: error, context: "assign"))"])
                }
            } else {
                let err = rd_kafka_assign(client.handle, list)
                if err != RD_KAFKA_RESP_ERR_NO_ERROR {
                    client.logger.error("could not assign partitions", metadata: ["error": "\(KafkaError(err, context: "assign"))"])
                }
            }
        }
        if !held.isEmpty {
            _ = RDKafkaTopicPartitionList.with(heldList) { rd_kafka_pause_partitions(client.handle, $0) }
        }
        client.logger.info("partitions assigned", metadata: [
            "partitions": "\(offsets.map { "\($0.0)@\(Self.describe(offset: $0.1))" }.joined(separator: " "))",
        ])
    }

    private func revoke(_ partitions: [KafkaTopicPartition], list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>, cooperative: Bool) {
        state.withLock { $0.buffer.revoke(partitions) }
        if let listener, !partitions.isEmpty {
            waitForListener { await listener.partitionsRevoked(partitions) }
        }
        if cooperative {
            if let error = rd_kafka_incremental_unassign(client.handle, list) {
                client.logger.error("could not release partitions", metadata: ["error": "\(KafkaError(consuming: error, context: "unassign"))"])
            }
        } else {
            rd_kafka_assign(client.handle, nil)
        }
        client.logger.info("partitions revoked", metadata: ["partitions": "\(partitions.map(\.description).joined(separator: " "))"])
    }

    /// Turns the listener's choices into concrete or logical librdkafka offsets.
    private func resolveStartOffsets(
        _ partitions: [KafkaTopicPartition], chosen: [KafkaTopicPartition: KafkaStartOffset]
    ) -> [(KafkaTopicPartition, Int64)] {
        let needCommitted = partitions.filter { (chosen[$0] ?? .committed) == .committed }
        var committed: [KafkaTopicPartition: Int64] = [:]
        if !needCommitted.isEmpty {
            do {
                committed = try Self.committed(client, needCommitted, timeout: .seconds(30))
            } catch {
                client.logger.error("could not read committed offsets; using the initial offset", metadata: ["error": "\(error)"])
            }
        }
        let initial = configuration.initialOffset == .end ? Int64(RD_KAFKA_OFFSET_END) : Int64(RD_KAFKA_OFFSET_BEGINNING)
        return partitions.sorted().map { partition in
            switch (chosen[partition] ?? .committed).kind {
            case .offset(let offset): (partition, offset)
            case .beginning: (partition, Int64(RD_KAFKA_OFFSET_BEGINNING))
            case .end: (partition, Int64(RD_KAFKA_OFFSET_END))
            case .committed: (partition, committed[partition] ?? initial)
            // A placeholder: the partition is paused until its owner seeks it to its start. An
            // absolute offset needs no offset look-up, which could complete after the seek and
            // move the partition back to where the look-up pointed.
            case .held: (partition, 0)
            }
        }
    }

    private static func describe(offset: Int64) -> String {
        switch offset {
        case Int64(RD_KAFKA_OFFSET_BEGINNING): "beginning"
        case Int64(RD_KAFKA_OFFSET_END): "end"
        default: String(offset)
        }
    }

    /// Runs an async listener method and blocks the poll thread until it returns: the consumer
    /// must not proceed with a rebalance before its owner has acted on it.
    private func waitForListener<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let done = DispatchSemaphore(value: 0)
        let result = ResultBox<T>()
        Task {
            result.value = await body()
            done.signal()
        }
        done.wait()
        return result.value!
    }
}

/// Carries a value from a task to the thread waiting for it; the semaphore orders the accesses.
private final class ResultBox<T>: @unchecked Sendable {
    var value: T?
}
