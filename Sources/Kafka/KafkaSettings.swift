/// Parsing for Kafka settings given as text: command-line flags and environment variables.
public enum KafkaSettings {
    /// Parses a bootstrap list such as `localhost:9092,broker2:9092`.
    ///
    /// - Throws: ``KafkaError/Code/configuration`` saying which entry is malformed and the expected
    ///   form.
    public static func parseBrokers(_ text: String) throws(KafkaError) -> [String] {
        let entries = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingWhitespace() }
        guard !text.isEmpty else {
            throw KafkaError.configuration("brokers: expected host:port[,host:port], got an empty string")
        }
        for entry in entries {
            guard let colon = entry.lastIndex(of: ":"), colon != entry.startIndex,
                let port = Int(entry[entry.index(after: colon)...]), (1...65535).contains(port)
            else {
                throw KafkaError.configuration(
                    "brokers: expected host:port[,host:port], got \"\(text)\" (\"\(entry)\" has no valid port)")
            }
        }
        return entries
    }

    /// Parses librdkafka properties given as `key=value` strings, as with `--kafka-property`.
    ///
    /// - Throws: ``KafkaError/Code/configuration`` for an entry without `=` or with an empty key.
    public static func parseProperties(_ pairs: [String]) throws(KafkaError) -> [String: String] {
        try RDKafkaConfig.parse(pairs)
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
