import Logging
import Postgres

/// Follows the model registry for a running worker: on every activation announced for its
/// schema, and on every (re)connection of the listener (notifications sent while it was away are
/// lost), reads the active version and, if it is not the one scoring, loads and checks it and
/// installs it in the ``ModelSelection``. The processing stage picks it up at its next batch.
///
/// A version that cannot be loaded or does not read this build's feature schema is logged and
/// refused; the current model keeps scoring.
struct ModelSwitcher: Sendable {
    let selection: ModelSelection
    let registry: ModelRegistry
    /// A connection of its own, for reading the registry.
    let connection: PostgresConnection
    let listener: PostgresNotificationListener
    let metrics: WorkerMetrics
    let logger: Logger

    /// Runs until the listener stops.
    func run() async {
        for await event in listener.events {
            switch event {
            case .listening:
                await followActiveVersion()
            case .notification(let notification) where notification.payload == registry.schema:
                await followActiveVersion()
            case .notification:
                continue  // another schema's workers in the same database
            }
        }
    }

    /// Installs the registry's active version unless it is the one scoring already.
    func followActiveVersion() async {
        let version: String
        do {
            guard let active = try await registry.activeVersion(on: connection) else { return }
            version = active
        } catch {
            logger.error("could not read the active model version; scoring continues with the current model", metadata: [
                "model": "\(selection.current.version)", "error": "\(error)",
            ])
            return
        }
        let current = selection.current.version
        guard version != current else { return }
        do {
            let model = try await registry.load(version, on: connection)
            selection.install(model, version: version)
            metrics.update {
                $0.modelVersion = version
                $0.modelSwaps += 1
            }
            logger.notice("model switched; batches from now on are scored with the new version", metadata: [
                "from": "\(current)", "to": "\(version)", "threshold": "\(model.decisionThreshold)",
            ])
        } catch {
            logger.error("model activation refused; scoring continues with the current model", metadata: [
                "model": "\(current)", "refused": "\(version)", "error": "\(error)",
            ])
        }
    }
}
