extension KafkaConsumer {
    /// The consumer's events as an asynchronous sequence; see ``KafkaConsumer/events``.
    ///
    /// The sequence ends after ``KafkaConsumer/close()`` and throws if the client hits a fatal
    /// error. Cancelling the reading task ends the iteration without closing the consumer.
    public struct Events: AsyncSequence, Sendable {
        public typealias Element = KafkaConsumerEvent
        let consumer: KafkaConsumer

        public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(consumer: consumer) }

        /// Iterates the events of one consumer.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let consumer: KafkaConsumer

            public mutating func next() async throws -> KafkaConsumerEvent? {
                try await consumer.nextEvent()
            }
        }
    }

    func nextEvent() async throws -> KafkaConsumerEvent? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<KafkaConsumerEvent?, any Error>) in
                enum Outcome { case event(KafkaConsumerEvent, drained: Bool), finished(KafkaError?), wait, cancelled }
                let outcome = state.withLock { state -> Outcome in
                    if let next = state.buffer.next() { return .event(next.event, drained: next.drained) }
                    if state.finished { return .finished(state.failure) }
                    if Task.isCancelled { return .cancelled }
                    precondition(state.reader == nil, "KafkaConsumer.events supports one reader at a time")
                    state.reader = continuation
                    return .wait
                }
                switch outcome {
                case .event(let event, let drained):
                    if drained { wakePollThread() }
                    continuation.resume(returning: event)
                case .finished(let failure):
                    if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
                case .cancelled:
                    continuation.resume(returning: nil)
                case .wait:
                    break
                }
            }
        } onCancel: {
            state.withLock { $0.reader.take() }?.resume(returning: nil)
        }
    }
}
