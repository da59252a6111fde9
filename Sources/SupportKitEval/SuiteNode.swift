import Foundation
import SupportKit
import Yams

/// A parsed suite file as a tree whose every node knows where it came from, so YAML and JSONL input
/// share one validator and every error points at a line.
indirect enum SuiteNode: Sendable {
    case string(String, SourceLocation)
    /// A boolean and the text it was written as (`yes` in YAML is a boolean, but also a fine message).
    case bool(Bool, raw: String, SourceLocation)
    /// A number and the text it was written as.
    case number(Double, raw: String, SourceLocation)
    case null(SourceLocation)
    case list([SuiteNode], SourceLocation)
    case map([(key: String, value: SuiteNode)], SourceLocation)

    var location: SourceLocation {
        switch self {
        case .string(_, let location), .bool(_, _, let location), .number(_, _, let location), .null(let location),
             .list(_, let location), .map(_, let location):
            location
        }
    }

    /// What kind of value this is, for messages (`expected a list, found a string`).
    var kindName: String {
        switch self {
        case .string: "a string"
        case .bool: "a boolean"
        case .number: "a number"
        case .null: "nothing"
        case .list: "a list"
        case .map: "a mapping"
        }
    }

    /// The value of `key` in a mapping.
    subscript(key: String) -> SuiteNode? {
        guard case .map(let pairs, _) = self else { return nil }
        return pairs.first { $0.key == key }?.value
    }

    /// A scalar as written (numbers and booleans too, since `id: 42` is a fine id); nil for lists, maps, null.
    var scalarText: String? {
        switch self {
        case .string(let text, _): text
        case .bool(_, let raw, _), .number(_, let raw, _): raw
        default: nil
        }
    }
}

extension SuiteNode {
    /// Converts a Yams node, resolving scalar types by YAML's core schema (a quoted `"true"` stays text).
    static func make(yaml node: Node, path: String) throws(InputError) -> SuiteNode {
        let location = node.location(in: path)
        switch node {
        case .scalar(let scalar):
            // Only plain scalars have a type; anything quoted or a block literal is text.
            guard scalar.style == .plain || scalar.style == .any else { return .string(scalar.string, location) }
            if ["", "~", "null", "Null", "NULL"].contains(scalar.string) { return .null(location) }
            if let flag = Bool.construct(from: scalar) { return .bool(flag, raw: scalar.string, location) }
            if let number = Int.construct(from: scalar).map(Double.init) ?? Double.construct(from: scalar) {
                return .number(number, raw: scalar.string, location)
            }
            return .string(scalar.string, location)
        case .sequence(let sequence):
            var items: [SuiteNode] = []
            for item in sequence { items.append(try make(yaml: item, path: path)) }
            return .list(items, location)
        case .mapping(let mapping):
            var pairs: [(key: String, value: SuiteNode)] = []
            for (key, value) in mapping {
                guard let name = key.string else {
                    throw InputError(location, field: "mapping", problem: "a key is not text",
                                     remedy: "use plain field names such as id, customer, turns")
                }
                pairs.append((name, try make(yaml: value, path: path)))
            }
            return .map(pairs, location)
        case .alias:
            throw InputError(location, field: "yaml", problem: "aliases (*name) are not supported",
                             remedy: "write the value out in full")
        }
    }

    /// Converts a decoded JSON value; every node gets the line it was read from (JSONL is one line each).
    static func make(json value: JSONValue, location: SourceLocation) -> SuiteNode {
        switch value {
        case .null: .null(location)
        case .bool(let flag): .bool(flag, raw: flag ? "true" : "false", location)
        case .number(let number):
            .number(number, raw: number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number), location)
        case .string(let text): .string(text, location)
        case .array(let items): .list(items.map { make(json: $0, location: location) }, location)
        // JSON objects carry no key order once decoded; sort so problems are reported deterministically.
        case .object(let object):
            .map(object.keys.sorted().map { ($0, make(json: object[$0] ?? .null, location: location)) }, location)
        }
    }
}

