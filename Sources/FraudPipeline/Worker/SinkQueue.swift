import DequeModule
import Synchronization

/// The bounded hand-off between processing and the sink stage: processing waits in
/// ``push(_:)`` while the sink is more than ``capacity`` rows, ``maxItems`` items or
/// ``maxBytes`` bytes of checkpoints behind, which is what stops the worker pulling from Kafka
/// when PostgreSQL is slow. Rows alone would not bound a replay: its batches carry no rows (an
/// earlier run wrote them) but keep coming, some with a whole partition's checkpoint.
///
/// The sink takes whatever is queued when it is free (group commit): batches are small at low
/// rates, so latency stays low, and grow while a write is in flight, so throughput rises with
/// load. A partly filled batch waits at most `linger` for more rows.
final class SinkQueue: Sendable {
    /// Rows queued beyond which ``push(_:)`` waits.
    let capacity: Int
    /// Items queued beyond which ``push(_:)`` waits, whatever their rows.
    let maxItems: Int
    /// Bytes of checkpoint snapshots queued beyond which ``push(_:)`` waits.
    let maxBytes: Int

    private struct State: ~Copyable {
        var items = Deque<SinkItem>()
        var rows = 0
        var bytes = 0
        var drains = 0
        var finished = false
        var pushers: [CheckedContinuation<Void, Never>] = []
        var taker: CheckedContinuation<Void, Never>?
        /// The rows the waiting taker wants before it wakes; 1 while it waits for anything.
        var takerWants = 1
        var takerGeneration = 0
    }
    private let state = Mutex(State())

    /// Creates a queue.
    /// - Parameters:
    ///   - capacity: Rows queued beyond which pushes wait.
    ///   - maxItems: Items queued beyond which pushes wait (default 1,024).
    ///   - maxBytes: Checkpoint bytes queued beyond which pushes wait (default 64 MiB).
    init(capacity: Int, maxItems: Int = 1_024, maxBytes: Int = 64 << 20) {
        self.capacity = capacity
        self.maxItems = maxItems
        self.maxBytes = maxBytes
    }

    /// Whether another item may be queued now; an empty queue always takes one.
    private func hasRoom(_ state: borrowing State) -> Bool {
        state.items.isEmpty || (state.rows < capacity && state.items.count < maxItems && state.bytes < maxBytes)
    }

    /// Queues `item`, waiting while the queue holds `capacity` rows or more.
    /// - Returns: `false` if the queue was finished and the item dropped.
    @discardableResult
    func push(_ item: SinkItem) async -> Bool {
        while true {
            enum Outcome { case queued(CheckedContinuation<Void, Never>?), dropped, full }
            let outcome: Outcome = state.withLock { state in
                guard !state.finished else { return .dropped }
                guard hasRoom(state) else { return .full }
                state.items.append(item)
                state.rows += item.rowCount
                state.bytes += item.byteCount
                if case .drain = item { state.drains += 1 }
                return .queued(Self.takerToWake(&state))
            }
            switch outcome {
            case .queued(let taker):
                taker?.resume()
                return true
            case .dropped:
                return false
            case .full:
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    let resumeNow = state.withLock { state in
                        if state.finished || hasRoom(state) { return true }
                        state.pushers.append(continuation)
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
            }
        }
    }

    /// The next items to write together: at most `maxRows` rows (but at least one item), ending
    /// at the first drain request. Waits for a first item, then up to `linger` for `maxRows`.
    /// - Returns: `nil` once the queue is finished and empty.
    func take(maxRows: Int, linger: Duration) async -> [SinkItem]? {
        await waitForTaker(wanting: 1, timeout: nil)
        await waitForTaker(wanting: maxRows, timeout: linger)
        let (items, pushers) = state.withLock { state -> ([SinkItem], [CheckedContinuation<Void, Never>]) in
            var taken: [SinkItem] = []
            var rows = 0
            while let next = state.items.first, taken.isEmpty || rows + next.rowCount <= maxRows {
                state.items.removeFirst()
                rows += next.rowCount
                state.bytes -= next.byteCount
                taken.append(next)
                if case .drain = next {
                    state.drains -= 1
                    break
                }
            }
            state.rows -= rows
            let pushers = hasRoom(state) ? state.pushers : []
            if !pushers.isEmpty { state.pushers = [] }
            return (taken, pushers)
        }
        for pusher in pushers { pusher.resume() }
        return items.isEmpty ? nil : items
    }

    /// Ends the queue: waiting pushes return `false`, and ``take(maxRows:linger:)`` returns
    /// what is left, then `nil`.
    func finish() {
        let (taker, pushers) = state.withLock { state in
            state.finished = true
            defer { state.pushers = [] }
            return (state.taker.take(), state.pushers)
        }
        taker?.resume()
        for pusher in pushers { pusher.resume() }
    }

    /// Suspends the taker until the queue holds `wanting` rows (or an item, for 1), a drain
    /// request, the end, or the timeout.
    private func waitForTaker(wanting: Int, timeout: Duration?) async {
        if let timeout, timeout <= .zero { return }
        let generation: Int? = state.withLock { state in
            guard !Self.isSatisfied(state, wanting: wanting) else { return nil }
            state.takerGeneration += 1
            state.takerWants = wanting
            return state.takerGeneration
        }
        guard let generation else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if Self.isSatisfied(state, wanting: wanting) { return true }
                state.taker = continuation
                return false
            }
            if resumeNow {
                continuation.resume()
                return
            }
            if let timeout {
                Task { [self] in
                    try? await Task.sleep(for: timeout)
                    let taker = state.withLock { state in
                        state.takerGeneration == generation ? state.taker.take() : nil
                    }
                    taker?.resume()
                }
            }
        }
    }

    private static func isSatisfied(_ state: borrowing State, wanting: Int) -> Bool {
        state.finished || state.drains > 0 || (wanting <= 1 ? !state.items.isEmpty : state.rows >= wanting)
    }

    /// The waiting taker, if the queue now satisfies it.
    private static func takerToWake(_ state: inout State) -> CheckedContinuation<Void, Never>? {
        guard state.taker != nil, isSatisfied(state, wanting: state.takerWants) else { return nil }
        return state.taker.take()
    }
}
