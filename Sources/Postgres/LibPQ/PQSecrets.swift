import CLibPQ
import Foundation

/// The passwords a connection may use, so they can be cut out of any message before it is shown.
///
/// libpq does not echo passwords in its messages, but some of its parse errors quote parts of the
/// connection string, and a server message can quote a statement. This is the defensive second line.
struct PQSecrets: Sendable {
    private var secrets: Set<String> = []

    /// Collects the password in `connectionString` (URL user info or `password=` keyword) and in
    /// the `PGPASSWORD` environment variable.
    init(connectionString: String) {
        if let password = ProcessInfo.processInfo.environment["PGPASSWORD"] {
            add(password)
        }
        addParsedPassword(connectionString)
        addURLPassword(connectionString)
        addKeywordPassword(connectionString)
    }

    /// Adds a password to redact; empty strings are ignored.
    mutating func add(_ secret: String?) {
        guard let secret, !secret.isEmpty else { return }
        secrets.insert(secret)
        if let decoded = secret.removingPercentEncoding, decoded != secret {
            secrets.insert(decoded)
        }
    }

    /// `text` with every known password replaced by `********`.
    func redact(_ text: String) -> String {
        // Longest first, so a password containing another is removed whole.
        secrets.sorted { $0.count > $1.count }.reduce(text) { text, secret in
            text.replacingOccurrences(of: secret, with: "********")
        }
    }

    private mutating func addParsedPassword(_ connectionString: String) {
        var errorMessage: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(connectionString, &errorMessage) else {
            PQfreemem(errorMessage)
            return
        }
        defer { PQconninfoFree(options) }
        var option = options
        while let keyword = option.pointee.keyword {
            if String(cString: keyword) == "password", let value = option.pointee.val {
                add(String(cString: value))
            }
            option += 1
        }
    }

    /// The password of a `postgres://user:password@host/...` URL, found without a full parse
    /// so that it is known even when libpq rejects the URL.
    private mutating func addURLPassword(_ connectionString: String) {
        guard let scheme = connectionString.range(of: "://") else { return }
        let rest = connectionString[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@") else { return }
        let userInfo = authority[..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return }
        add(String(userInfo[userInfo.index(after: colon)...]))
    }

    /// The value of a `password=...` conninfo keyword, quoted or not.
    private mutating func addKeywordPassword(_ connectionString: String) {
        let pattern = #"password\s*=\s*('(?:[^'\\]|\\.)*'|[^\s]+)"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return }
        let range = NSRange(connectionString.startIndex..., in: connectionString)
        for match in regex.matches(in: connectionString, range: range) {
            guard let valueRange = Range(match.range(at: 1), in: connectionString) else { continue }
            var value = String(connectionString[valueRange])
            add(value)
            if value.hasPrefix("'"), value.hasSuffix("'"), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
                add(value)
            }
        }
    }
}
