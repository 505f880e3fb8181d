import Foundation

extension ModelError {
    /// A ``Code/malformedFile`` error naming the field a JSON decoder stumbled on.
    static func malformed(_ error: any Error, in source: String, expecting what: String) -> ModelError {
        guard let decodingError = error as? DecodingError else {
            return ModelError(.malformedFile, "\(source): not valid JSON (\(error)): expected \(what)")
        }
        func path(_ codingPath: [any CodingKey], _ last: (any CodingKey)? = nil) -> String {
            let keys = codingPath + (last.map { [$0] } ?? [])
            let joined = keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
            return joined.isEmpty ? "the top level" : "\"\(joined.dropFirst(joined.hasPrefix(".") ? 1 : 0))\""
        }
        switch decodingError {
        case .keyNotFound(let key, let context):
            return ModelError(.malformedFile, "\(source): missing field \(path(context.codingPath, key)): \(what) must have it")
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            return ModelError(.malformedFile, "\(source): field \(path(context.codingPath)) should be \(Self.jsonName(of: type)): fix or regenerate the file")
        case .dataCorrupted(let context):
            if context.codingPath.isEmpty {
                return ModelError(.malformedFile, "\(source): not valid JSON: expected \(what)")
            }
            return ModelError(.malformedFile, "\(source): field \(path(context.codingPath)) is invalid (\(context.debugDescription)): fix or regenerate the file")
        @unknown default:
            return ModelError(.malformedFile, "\(source): \(decodingError): expected \(what)")
        }
    }

    private static func jsonName(of type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int32.Type: "an integer"
        case is Double.Type, is Float.Type: "a number"
        case is [Any].Type: "an array"
        default: "an object"
        }
    }

    /// Reads a whole file, or fails with a ``Code/fileUnreadable`` error naming it.
    static func readFile(_ path: String, what: String) throws(ModelError) -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ModelError(.fileUnreadable, "cannot read \(what) \(path): \((error as NSError).localizedDescription): check the path and permissions")
        }
    }
}
