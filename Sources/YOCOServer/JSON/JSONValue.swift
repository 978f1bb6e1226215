/// A JSON value as the server reads requests and writes responses. Objects keep their keys in
/// order (responses are written in the order they are built). An array made only of integers is
/// kept as `.integers` (8 bytes an element instead of an enum case each): a 1M-token prompt
/// arrives as one.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case integers([Int])
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default:
            guard let x = a.elements, let y = b.elements else { return false }
            return x == y
        }
    }

    /// The value under `key` of an object (the last one where a key repeats); nil otherwise.
    public subscript(key: String) -> JSONValue? {
        guard case let .object(pairs) = self else { return nil }
        return pairs.last(where: { $0.0 == key })?.1
    }

    /// The elements of an array, integer arrays included.
    public var elements: [JSONValue]? {
        switch self {
        case let .array(items): return items
        case let .integers(values): return values.map { .int($0) }
        default: return nil
        }
    }

    /// The JSON type name, for error messages ("expected an integer, got a string").
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .int: return "an integer"
        case .double: return "a number"
        case .string: return "a string"
        case .integers, .array: return "an array"
        case .object: return "an object"
        }
    }
}
