/// Polls `condition` every `interval` until it holds or `timeout` passes, then asks once more.
/// - Returns: Whether it held.
public func eventually(
    timeout: Duration, every interval: Duration = .milliseconds(250), _ condition: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try await condition()
}
