extension PostgresConfiguration: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The configuration with every password in the connection string (URL user info,
    /// `password=` keyword, `PGPASSWORD`) replaced by `********`, safe to log. Whatever prints
    /// a value holding a configuration (string interpolation, `dump`, a service list logged at
    /// debug level) sees this form only.
    public var description: String {
        "PostgresConfiguration(\(redactedConnectionString), connectTimeout: \(connectTimeout))"
    }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the password, for `dump` and the default printing of enclosing values.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "connectionString": redactedConnectionString, "connectTimeout": connectTimeout, "reconnect": reconnect,
        ])
    }

    /// ``connectionString`` with its passwords cut out.
    var redactedConnectionString: String {
        PQSecrets(connectionString: connectionString).redact(connectionString)
    }
}
