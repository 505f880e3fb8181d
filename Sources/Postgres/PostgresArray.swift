/// A one-dimensional array column read as Swift values, such as `double precision[]` read as
/// `PostgresArray<Double>`.
///
/// ```swift
/// let features = try row["features", as: PostgresArray<Double>.self].elements
/// let tags = try row["tags", as: PostgresArray<String?>.self].elements   // NULL elements are nil
/// ```
///
/// Each element is read exactly as a column of the element type would be, so what
/// ``PostgresDecodable`` says of a type holds for its elements: `double precision` elements come
/// back bit for bit (the server prints the shortest text that reads back exactly, unless
/// `extra_float_digits` was lowered below 1), including `NaN` and the infinities.
///
/// The arrays of the types ``PostgresDataType`` names can be read (`boolean[]`, `bigint[]`,
/// `text[]`, `double precision[]`, `timestamptz[]`...). A lower bound other than 1 is accepted
/// and dropped: the elements keep their order.
public struct PostgresArray<Element: PostgresDecodable>: PostgresDecodable {
    /// The elements, in order.
    public var elements: [Element]

    /// Wraps elements, for comparing with a value read from a row.
    /// - Parameter elements: The elements, in order.
    public init(_ elements: [Element]) {
        self.elements = elements
    }

    /// Reads a one-dimensional array in PostgreSQL's text format (`{1,2.5,NULL}`, with quoted
    /// elements where needed).
    /// - Parameters:
    ///   - text: The value as the server formatted it.
    ///   - type: The column's type; an array type.
    /// - Throws: A ``PostgresError`` when the column is not an array type, the array has more
    ///   than one dimension, an element is `NULL` and `Element` is not optional, or an element
    ///   cannot be read as `Element`.
    public init(postgresText text: String, type: PostgresDataType) throws {
        guard let elementType = type.arrayElementType else {
            throw PostgresError(.typeMismatch, message: "cannot be read as \(Self.self): not an array type")
        }
        var parser = PostgresArrayTextParser(text)
        var elements: [Element] = []
        while let element = try parser.next() {
            guard let element else {
                guard let null = Element.postgresNull else {
                    throw PostgresError(.typeMismatch, message: "holds a NULL element; read it as \(PostgresArray<Element?>.self) to allow NULL")
                }
                elements.append(null)
                continue
            }
            do {
                elements.append(try Element(postgresText: element, type: elementType))
            } catch let error as PostgresError {
                throw PostgresError(.typeMismatch, message: "element \(elements.count + 1): \(error.message)")
            }
        }
        self.elements = elements
    }
}

extension PostgresArray: Equatable where Element: Equatable {}
extension PostgresArray: Hashable where Element: Hashable {}

/// Splits the text form of a one-dimensional array into its elements' text, unquoting quoted
/// elements. Messages never quote the value.
struct PostgresArrayTextParser {
    private let bytes: String.UTF8View
    private var index: String.UTF8View.Index
    private var state = State.unopened

    private enum State {
        case unopened, reading, finished
    }

    init(_ text: String) {
        bytes = text.utf8
        index = bytes.startIndex
    }

    /// The next element: `.some(nil)` for `NULL`, `nil` after the last one.
    /// - Throws: A ``PostgresError`` when the text is not a one-dimensional array.
    mutating func next() throws -> String?? {
        switch state {
        case .finished:
            return nil
        case .unopened:
            try open()
            state = .reading
            if bytes[index] == UInt8(ascii: "}") {
                try close()
                return nil
            }
        case .reading:
            break
        }
        let element: String?
        switch bytes[index] {
        case UInt8(ascii: "\""):
            element = try quoted()
        case UInt8(ascii: "{"):
            throw PostgresError(.typeMismatch, message: "has more than one dimension; only one-dimensional arrays can be read")
        default:
            let start = index
            while index < bytes.endIndex, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}") {
                bytes.formIndex(after: &index)
            }
            guard start < index else { throw malformed }
            let word = bytes[start..<index]
            element = word.elementsEqual("NULL".utf8) ? nil : String(decoding: word, as: UTF8.self)
        }
        guard index < bytes.endIndex else { throw malformed }
        switch bytes[index] {
        case UInt8(ascii: ","):
            bytes.formIndex(after: &index)
            guard index < bytes.endIndex, bytes[index] != UInt8(ascii: "}") else { throw malformed }
        case UInt8(ascii: "}"):
            try close()
        default:
            throw malformed
        }
        return .some(element)
    }

    /// Skips an optional dimension decoration (`[0:2]=`) and the opening brace.
    private mutating func open() throws {
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "[") {
            guard let equals = bytes[index...].firstIndex(of: UInt8(ascii: "=")) else { throw malformed }
            if bytes[index..<equals].lazy.filter({ $0 == UInt8(ascii: "[") }).count > 1 {
                throw PostgresError(.typeMismatch, message: "has more than one dimension; only one-dimensional arrays can be read")
            }
            index = bytes.index(after: equals)
        }
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "{") else { throw malformed }
        bytes.formIndex(after: &index)
        guard index < bytes.endIndex else { throw malformed }
    }

    /// Consumes the closing brace at `index`, which must end the text.
    private mutating func close() throws {
        guard bytes.index(after: index) == bytes.endIndex else { throw malformed }
        index = bytes.endIndex
        state = .finished
    }

    /// A quoted element, with its backslash escapes undone.
    private mutating func quoted() throws -> String {
        var value: [UInt8] = []
        bytes.formIndex(after: &index)
        while index < bytes.endIndex {
            var byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                bytes.formIndex(after: &index)
                return String(decoding: value, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                bytes.formIndex(after: &index)
                guard index < bytes.endIndex else { break }
                byte = bytes[index]
            }
            value.append(byte)
            bytes.formIndex(after: &index)
        }
        throw malformed
    }

    private var malformed: PostgresError {
        PostgresError(.typeMismatch, message: "is not an array in PostgreSQL's text format")
    }
}
