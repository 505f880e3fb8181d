/// Reading one account of a snapshot back into the engine's arrays, checking every bound.
extension FeatureEngine {
    mutating func readAccount(id: String, from reader: inout SnapshotReader) throws(FeatureSnapshotError) {
        let lastActivity: Int64 = try reader.read()
        guard hasEvents, lastActivity <= maxEventTime, bucket(of: lastActivity) > sweptThrough else {
            throw Self.corrupt("account activity outside the partition's live event time at byte \(reader.offset)")
        }
        let account = admit(id, at: lastActivity)
        cores[account].previousTime = try reader.read()
        cores[account].previousAmount = try reader.readDouble()
        cores[account].closedDayCountSum = try reader.read()
        cores[account].closedDayMaxSum = try reader.readDouble()
        cores[account].closedDays = try reader.read()
        cores[account].history = try reader.read()
        cores[account].usualAmount = try reader.readDouble()
        cores[account].usualDeviation = Float(bitPattern: try reader.read())
        cores[account].usualGap = Float(bitPattern: try reader.read())
        cores[account].usualHourX = try reader.read()
        cores[account].usualHourY = try reader.read()

        let minuteCount = try readCount(from: &reader, limit: minuteVersionCount)
        var previousWindow = Int64.min
        for slot in account * minuteVersionCount..<account * minuteVersionCount + minuteCount {
            var version = MinuteVersion()
            version.index = try reader.read()
            version.count = try reader.read()
            version.sum = try reader.readDouble()
            guard version.count > 0, slot == account * minuteVersionCount || version.index > previousWindow else {
                throw Self.corrupt("a 1-minute window version is empty or out of order at byte \(reader.offset)")
            }
            previousWindow = version.index
            minutes[slot] = version
        }

        let fiveCount = try readCount(from: &reader, limit: fiveMinuteVersionCount)
        for slot in account * fiveMinuteVersionCount..<account * fiveMinuteVersionCount + fiveCount {
            var version = FiveMinuteVersion()
            version.index = try reader.read()
            version.transactions = try reader.read()
            version.sentSum = try reader.readDouble()
            version.largestBalance = try reader.readDouble()
            version.count = UInt8(try readCount(from: &reader, limit: targetCapacity))
            guard version.count > 0, version.transactions > 0, slot == account * fiveMinuteVersionCount || Int64(version.index) > previousWindow
            else {
                throw Self.corrupt("a 5-minute window version is empty or out of order at byte \(reader.offset)")
            }
            previousWindow = Int64(version.index)
            fiveMinutes[slot] = version
            let base = slot * targetCapacity
            for position in base..<base + Int(version.count) {
                fiveMinuteTargets[position] = try reader.read()
                guard position == base || fiveMinuteTargets[position] > fiveMinuteTargets[position - 1] else {
                    throw Self.corrupt("5-minute targets out of order at byte \(reader.offset)")
                }
            }
        }

        let dayCount = try readCount(from: &reader, limit: dayVersionCount)
        for slot in account * dayVersionCount..<account * dayVersionCount + dayCount {
            var version = DayVersion()
            version.index = try reader.read()
            version.count = try reader.read()
            version.max = try reader.readDouble()
            guard version.count > 0, slot == account * dayVersionCount || Int64(version.index) > previousWindow else {
                throw Self.corrupt("a day window version is empty or out of order at byte \(reader.offset)")
            }
            previousWindow = Int64(version.index)
            days[slot] = version
        }

        let counterpartyCount = try readCount(from: &reader, limit: counterpartyCapacity)
        let base = account * counterpartyCapacity
        for position in base..<base + counterpartyCount {
            let target: UInt64 = try reader.read()
            guard !counterparties[base..<position].contains(target) else {
                throw Self.corrupt("a counterparty appears twice at byte \(reader.offset)")
            }
            counterparties[position] = target
        }
        cores[account].counterpartyCount = UInt8(counterpartyCount)
        sweepSlots[slot(ofBucket: bucket(of: lastActivity))].append(Int32(account))
    }

    /// Reads a one-byte count and checks it against `limit`.
    private func readCount(
        from reader: inout SnapshotReader, limit: Int
    ) throws(FeatureSnapshotError) -> Int {
        let count = Int(try reader.read(UInt8.self))
        guard count <= limit else {
            throw Self.corrupt("a count of \(count) exceeds the configured \(limit) at byte \(reader.offset)")
        }
        return count
    }
}
