import ArgumentParser
import CRdKafka
import CLibPQ

/// The release of this build.
enum FraudstreamVersion {
    static let current = "0.1.0"
}

/// `fraudstream version`: this build's version and the C libraries it runs on.
struct VersionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "version",
        abstract: "Print the fraudstream version and the librdkafka and libpq versions in use."
    )

    func run() {
        let libpq = Int(PQlibVersion())
        print("fraudstream \(FraudstreamVersion.current)")
        print("librdkafka \(String(cString: rd_kafka_version_str()))")
        print("libpq \(libpq / 10000).\(libpq % 10000)")
    }
}
