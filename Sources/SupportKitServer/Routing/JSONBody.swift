import Foundation
import SupportKit

/// Reading a JSON request body with errors that name the field at fault and show an example (every resource's
/// request types parse through it).
enum JSONBody {
    /// Longest accepted id (customer, conversation, ticket), in characters.
    static let maxIdLength = 128

    static func validateId(_ id: String, field: String) throws {
        guard !id.isEmpty else { throw bad("field \(field) is empty") }
        guard id.count <= maxIdLength else { throw bad("field \(field) is longer than \(maxIdLength) characters") }
        guard id.unicodeScalars.allSatisfy({ !CharacterSet.controlCharacters.contains($0) }) else {
            throw bad("field \(field) contains control characters")
        }
    }

    /// The body as a JSON object, or a `bad_request` that says what is wrong and shows `example`.
    static func jsonObject(_ data: Data, fields: String, example: String) throws -> [String: JSONValue] {
        guard !data.isEmpty else {
            throw bad("the request body is empty; send a JSON object like \(example)")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw bad("the request body is not valid JSON (\(describeSyntaxError(data))); send a JSON object like \(example)")
        }
        guard case .object(let object) = value else {
            throw bad("the request body must be a JSON object with \(fields), not \(value.kind)")
        }
        return object
    }

    /// The string field `name` of a body, checked for type and length.
    static func string(
        _ fields: [String: JSONValue], _ name: String, required: Bool, maxLength: Int = maxIdLength,
        example: String = #"{"customer_id": "c-1", "message": "Hello"}"#
    ) throws -> String? {
        guard let value = fields[name], value != .null else {
            if required { throw bad("field \(name) is missing; send \(example)") }
            return nil
        }
        guard case .string(let string) = value else {
            throw bad("field \(name) must be a string, not \(value.kind)")
        }
        guard string.count <= maxLength else {
            throw bad("field \(name) is \(string.count) characters long; the limit is \(maxLength)")
        }
        return string
    }

    static func bad(_ message: String) -> ServerError {
        ServerError(.badRequest, .badRequest, message)
    }

    /// Foundation's JSONDecoder on Linux says only "not valid JSON"; JSONSerialization says where.
    static func describeSyntaxError(_ data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            return "unreadable"
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return detail.map { $0.hasSuffix(".") ? String($0.dropLast()) : $0 } ?? "unreadable"
        }
    }
}
