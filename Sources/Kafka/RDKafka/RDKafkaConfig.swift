import CRdKafka

/// Builds an `rd_kafka_conf_t` from string properties.
enum RDKafkaConfig {
    /// Properties whose values must never appear in logs or errors.
    static let secretKeys: Set<String> = [
        "sasl.password", "ssl.key.password", "ssl.keystore.password", "sasl.oauthbearer.client.secret",
        "ssl.key.pem", "ssl_key",
    ]

    /// Creates a configuration object holding `properties`.
    ///
    /// - Throws: ``KafkaError/Code/configuration`` naming the property librdkafka rejected.
    static func make(_ properties: [String: String]) throws(KafkaError) -> OpaquePointer {
        let conf = rd_kafka_conf_new()!
        var errstr = [CChar](repeating: 0, count: 512)
        for (key, value) in properties.sorted(by: { $0.key < $1.key }) {
            if rd_kafka_conf_set(conf, key, value, &errstr, errstr.count) != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                let shown = secretKeys.contains(key) ? "<redacted>" : value
                let reason = String(cChars: errstr)
                throw KafkaError.configuration("librdkafka property \(key)=\(shown) was rejected: \(reason)")
            }
        }
        return conf
    }

    /// Parses `key=value` strings as given on a command line.
    ///
    /// - Throws: ``KafkaError/Code/configuration`` for an entry without `=` or with an empty key.
    static func parse(_ pairs: [String]) throws(KafkaError) -> [String: String] {
        var result: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw KafkaError.configuration("expected a librdkafka property as key=value, got \"\(pair)\"")
            }
            result[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return result
    }
}

extension Duration {
    /// The duration in whole milliseconds, as librdkafka properties expect.
    var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}

extension String {
    /// Decodes a NUL-terminated C string held in a fixed-size buffer, such as librdkafka's
    /// `errstr` arguments.
    init(cChars buffer: [CChar]) {
        self.init(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
