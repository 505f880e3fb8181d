import FraudModel
import Synchronization

/// The model the worker scores with now, shared between the task that switches models and the
/// processing stage that uses them.
///
/// Every installed model gets the next generation number. The processing stage reads the
/// generation once per batch (one acquiring atomic load) and only takes the lock to fetch the
/// model when it changed, so the hot path pays nothing for the possibility of a switch, and a
/// batch is always scored wholly by one model.
///
/// The thresholds of every model installed since the worker started are kept (a handful), so
/// that alerts published for rows scored just before a switch carry the threshold of the model
/// that scored them.
final class ModelSelection: Sendable {
    /// A model with its version and generation.
    struct Installed: Sendable {
        var model: ModelFile
        var version: String
        var generation: Int
    }

    private struct State {
        var installed: Installed
        var thresholds: [String: Double]
    }

    private let state: Mutex<State>
    private let generationNumber: Atomic<Int>

    /// Starts with `model` as generation 0.
    init(model: ModelFile, version: String) {
        state = Mutex(State(installed: Installed(model: model, version: version, generation: 0), thresholds: [version: model.decisionThreshold]))
        generationNumber = Atomic(0)
    }

    /// The generation of the installed model; cheap enough to read once per batch.
    var generation: Int {
        generationNumber.load(ordering: .acquiring)
    }

    /// The installed model.
    var current: Installed {
        state.withLock { $0.installed }
    }

    /// Installs `model`: batches started after this call are scored with it.
    /// - Returns: The version it replaced.
    @discardableResult
    func install(_ model: ModelFile, version: String) -> String {
        state.withLock { state in
            let previous = state.installed.version
            state.installed = Installed(model: model, version: version, generation: state.installed.generation + 1)
            state.thresholds[version] = model.decisionThreshold
            generationNumber.store(state.installed.generation, ordering: .releasing)
            return previous
        }
    }

    /// The decision threshold of a version installed since start, or of the current model when
    /// the version is not known (it always is for rows this worker scored).
    func threshold(of version: String) -> Double {
        state.withLock { $0.thresholds[version] ?? $0.installed.model.decisionThreshold }
    }
}
