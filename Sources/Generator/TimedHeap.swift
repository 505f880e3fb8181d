/// A binary min-heap of payloads ordered by time, then by insertion order, so that entries
/// with equal times come out first-in first-out (which keeps the simulator deterministic).
struct TimedHeap<Payload> {
    fileprivate struct Entry {
        var time: Int64
        var order: UInt64
        var payload: Payload

        @inline(__always)
        func precedes(_ other: Entry) -> Bool {
            time < other.time || (time == other.time && order < other.order)
        }
    }

    private var entries: [Entry] = []
    private var insertions: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }
    var count: Int { entries.count }

    /// The earliest time in the heap, or `nil` when it is empty.
    var minimumTime: Int64? { entries.first?.time }

    mutating func insert(_ payload: Payload, at time: Int64) {
        entries.append(Entry(time: time, order: insertions, payload: payload))
        insertions &+= 1
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard entries[child].precedes(entries[parent]) else { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest entry.
    mutating func popMinimum() -> (time: Int64, payload: Payload)? {
        guard !entries.isEmpty else { return nil }
        let last = entries.count - 1
        entries.swapAt(0, last)
        let top = entries.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < entries.count else { break }
            let right = left + 1
            var smallest = left
            if right < entries.count && entries[right].precedes(entries[left]) { smallest = right }
            guard entries[smallest].precedes(entries[parent]) else { break }
            entries.swapAt(parent, smallest)
            parent = smallest
        }
        return (top.time, top.payload)
    }
}

extension TimedHeap: Sendable where Payload: Sendable {}
extension TimedHeap.Entry: Sendable where Payload: Sendable {}
