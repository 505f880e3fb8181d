/// Admission and eviction of accounts.
///
/// An account is *expired* when the partition's watermark (largest event time seen) is
/// more than the time to live past the account's latest event time. Expired accounts are
/// dropped at the latest when they are next seen (they then start afresh), and in the
/// meantime by sweeps: accounts sit in buckets of event time (by their latest activity),
/// and each bucket is swept once the watermark has moved a time to live past its end.
/// Since the watermark never moves back, sweeps only drop accounts that would start
/// afresh anyway, so they change no feature; they only bound memory.
extension FeatureEngine {
    /// Moves the watermark to `time` if it is later, sweeping the buckets that became due.
    mutating func advanceWatermark(to time: Int64) {
        guard hasEvents else {
            hasEvents = true
            maxEventTime = time
            sweptThrough = Self.floorDivide(time - timeToLiveMilliseconds, sweepBucketMilliseconds) - 1
            return
        }
        guard time > maxEventTime else { return }
        maxEventTime = time
        let due = Self.floorDivide(time - timeToLiveMilliseconds, sweepBucketMilliseconds) - 1
        guard due > sweptThrough else { return }
        if due - sweptThrough >= Int64(sweepSlots.count) {
            // A jump past every live bucket: all of them are due.
            for slot in sweepSlots.indices {
                sweep(slot: slot)
            }
        } else {
            var bucket = sweptThrough + 1
            while bucket <= due {
                sweep(slot: slot(ofBucket: bucket))
                bucket += 1
            }
        }
        sweptThrough = due
    }

    /// The ring slot of an eviction bucket.
    func slot(ofBucket bucket: Int64) -> Int {
        let count = Int64(sweepSlots.count)
        return Int(((bucket % count) + count) % count)
    }

    /// The eviction bucket of an event time.
    func bucket(of time: Int64) -> Int64 {
        Self.floorDivide(time, sweepBucketMilliseconds)
    }

    /// Evicts the expired accounts of one due slot and empties it (keeping its storage).
    private mutating func sweep(slot: Int) {
        var entries: [Int32] = []
        swap(&entries, &sweepSlots[slot])
        for entry in entries {
            let account = Int(entry)
            // Entries left behind by accounts that moved on to a later bucket fail this test.
            if cores[account].isResident && maxEventTime - cores[account].lastActivity > timeToLiveMilliseconds {
                evict(account)
            }
        }
        entries.removeAll(keepingCapacity: true)
        swap(&entries, &sweepSlots[slot])
    }

    /// Records the account's activity at `time` after its transaction was processed.
    ///
    /// - Parameter previousActivity: Its latest activity before, or `nil` when it was just admitted.
    mutating func recordActivity(_ account: Int, at time: Int64, previousActivity: Int64?) {
        let latest = max(previousActivity ?? time, time)
        cores[account].lastActivity = latest
        if maxEventTime - latest > timeToLiveMilliseconds {
            // Already expired (a very late first event): it would start afresh when next seen.
            evict(account)
        } else if previousActivity.map({ bucket(of: $0) != bucket(of: latest) }) ?? true {
            sweepSlots[slot(ofBucket: bucket(of: latest))].append(Int32(account))
        }
    }

    /// Gives `id` a dense index with empty state, reusing an evicted index when there is one.
    mutating func admit(_ id: String, at time: Int64) -> Int {
        let account: Int
        if let free = freeIndices.popLast() {
            account = Int(free)
        } else {
            account = cores.count
            precondition(account < Int(Int32.max), "more than \(Int32.max) resident accounts in one partition")
            accountIDs.append("")
            cores.append(AccountCore())
            minutes.append(contentsOf: repeatElement(MinuteVersion(), count: minuteVersionCount))
            fiveMinutes.append(contentsOf: repeatElement(FiveMinuteVersion(), count: fiveMinuteVersionCount))
            fiveMinuteTargets.append(contentsOf: repeatElement(0, count: fiveMinuteVersionCount * targetCapacity))
            days.append(contentsOf: repeatElement(DayVersion(), count: dayVersionCount))
            counterparties.append(contentsOf: repeatElement(0, count: counterpartyCapacity))
        }
        accountIndex[id] = Int32(account)
        accountIDs[account] = id
        cores[account].isResident = true
        cores[account].lastActivity = time
        counters.residentAccounts += 1
        return account
    }

    /// Drops the account's state and frees its index.
    mutating func evict(_ account: Int) {
        accountIndex.removeValue(forKey: accountIDs[account])
        accountIDs[account] = ""
        cores[account] = AccountCore()
        for slot in account * minuteVersionCount..<(account + 1) * minuteVersionCount {
            minutes[slot].count = 0
        }
        for slot in account * fiveMinuteVersionCount..<(account + 1) * fiveMinuteVersionCount {
            fiveMinutes[slot].count = 0
        }
        for slot in account * dayVersionCount..<(account + 1) * dayVersionCount {
            days[slot].count = 0
        }
        freeIndices.append(Int32(account))
        counters.evictions += 1
        counters.residentAccounts -= 1
    }
}
