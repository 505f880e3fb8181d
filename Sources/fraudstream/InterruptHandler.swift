import Dispatch
import Foundation
import Generator

/// Ctrl-C for commands that finish cleanly: the first SIGINT prints `message` and asks
/// `signal` to stop; a second one exits at once with status 130.
enum InterruptHandler {
    /// Installs the handler; cancel the returned source when the command is done.
    static func stopOnInterrupt(_ stop: GeneratorStopSignal, message: String) -> any DispatchSourceSignal {
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler {
            if stop.isStopRequested { Foundation.exit(130) }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            stop.stop()
        }
        source.resume()
        return source
    }
}
