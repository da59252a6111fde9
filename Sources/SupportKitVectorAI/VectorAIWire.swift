import Foundation
import SupportKit

// Conversions between supportkit's store types and the VectorAI DB wire messages. Public so that the
// development server (SupportKitVectorAITesting) speaks exactly the same mapping as the client.

extension ActianVectorai_Value {
    /// The wire form of a payload value; lossless (`PayloadValue(self)` gives the value back).
    public init(_ value: PayloadValue) {
        self.init()
        switch value {
        case .null: kind = .nullValue(.nullValue)
        case .bool(let flag): kind = .boolValue(flag)
        case .integer(let number): kind = .integerValue(number)
        case .double(let number): kind = .doubleValue(number)
        case .string(let text): kind = .stringValue(text)
        case .list(let values):
            var list = ActianVectorai_ListValue()
            list.values = values.map(ActianVectorai_Value.init)
            kind = .listValue(list)
        case .object(let fields):
            var object = ActianVectorai_Struct()
            object.fields = fields.mapValues(ActianVectorai_Value.init)
            kind = .structValue(object)
        }
    }
}

extension PayloadValue {
    /// The payload value a wire `Value` holds; a `Value` with no kind set reads as null, as in JSON.
    public init(_ value: ActianVectorai_Value) {
        switch value.kind {
        case .none, .nullValue: self = .null
        case .boolValue(let flag): self = .bool(flag)
        case .integerValue(let number): self = .integer(number)
        case .doubleValue(let number): self = .double(number)
        case .stringValue(let text): self = .string(text)
        case .listValue(let list): self = .list(list.values.map(PayloadValue.init))
        case .structValue(let object): self = .object(object.fields.mapValues(PayloadValue.init))
        }
    }
}

extension ActianVectorai_PointId {
    /// A UUID point id, sent in the canonical lower-case form the server returns.
    public init(_ id: UUID) {
        self.init()
        pointIDOptions = .uuid(id.uuidString.lowercased())
    }

    /// The UUID this id holds; nil for numeric ids or malformed strings (supportkit only writes UUIDs).
    public var uuidValue: UUID? {
        guard case .uuid(let text) = pointIDOptions else { return nil }
        return UUID(uuidString: text)
    }
}

extension ActianVectorai_Filter {
    /// The wire filter for a supportkit filter, or nil when the filter can match no point at all (an empty
    /// `ids` set, or a `must` condition with no values), in which case the caller skips the call.
    ///
    /// A condition with one value becomes a `keyword` match, with several a `keywords` match (any of them);
    /// `Filter.ids` becomes a `has_id` condition under `must`.
    public init?(_ filter: Filter) {
        self.init()
        if let ids = filter.ids {
            guard !ids.isEmpty else { return nil }
            var hasID = ActianVectorai_HasIdCondition()
            hasID.hasID_p = ids.sorted { $0.uuidString < $1.uuidString }.map(ActianVectorai_PointId.init)
            var condition = ActianVectorai_Condition()
            condition.conditionOneOf = .hasID_p(hasID)
            must.append(condition)
        }
        for match in filter.must {
            guard let condition = ActianVectorai_Condition(match) else { return nil }
            must.append(condition)
        }
        // A `should` or `must_not` condition with no values matches nothing: it cannot help a `should`
        // and cannot exclude anything; but a `should` list made only of such conditions matches nothing.
        let should = filter.should.compactMap(ActianVectorai_Condition.init)
        if !filter.should.isEmpty, should.isEmpty { return nil }
        self.should = should
        mustNot = filter.mustNot.compactMap(ActianVectorai_Condition.init)
    }
}

extension ActianVectorai_Condition {
    /// A field condition matching any of `match.anyOf`; nil when there is no value to match.
    public init?(_ match: FieldMatch) {
        guard let first = match.anyOf.first else { return nil }
        var matchValue = ActianVectorai_Match()
        if match.anyOf.count == 1 {
            matchValue.matchValue = .keyword(first)
        } else {
            var strings = ActianVectorai_RepeatedStrings()
            strings.strings = match.anyOf
            matchValue.matchValue = .keywords(strings)
        }
        var field = ActianVectorai_FieldCondition()
        field.key = match.key
        field.match = matchValue
        self.init()
        conditionOneOf = .field(field)
    }
}

extension Filter {
    /// The supportkit filter a wire filter expresses, for servers backed by a supportkit store.
    ///
    /// - Throws: `SupportKitError(.invalidInput)` for what supportkit filters cannot express: nested
    ///   filters, `has_id` outside `must`, numeric point ids, or matches other than keyword(s), integer,
    ///   boolean.
    public init(_ wire: ActianVectorai_Filter) throws {
        var ids: Set<UUID>?
        var must: [FieldMatch] = []
        for condition in wire.must {
            switch condition.conditionOneOf {
            case .hasID_p(let hasID):
                var set = Set<UUID>()
                for id in hasID.hasID_p {
                    guard let uuid = id.uuidValue else {
                        throw SupportKitError(.invalidInput, "has_id: only UUID point ids are supported")
                    }
                    set.insert(uuid)
                }
                ids = ids.map { $0.intersection(set) } ?? set
            default:
                must.append(try FieldMatch(condition))
            }
        }
        self.init(
            must: must, should: try wire.should.map(FieldMatch.init), mustNot: try wire.mustNot.map(FieldMatch.init), ids: ids)
    }
}

extension FieldMatch {
    /// The field match a wire condition expresses.
    ///
    /// - Throws: `SupportKitError(.invalidInput)` for conditions other than a field match.
    public init(_ condition: ActianVectorai_Condition) throws {
        guard case .field(let field) = condition.conditionOneOf else {
            throw SupportKitError(.invalidInput, "only field conditions (and has_id under must) are supported by this server")
        }
        switch field.match.matchValue {
        case .keyword(let value): self.init(key: field.key, anyOf: [value])
        case .keywords(let values): self.init(key: field.key, anyOf: values.strings)
        case .integer(let value): self.init(key: field.key, anyOf: [String(value)])
        case .boolean(let value): self.init(key: field.key, anyOf: [String(value)])
        case .text, .none:
            throw SupportKitError(.invalidInput, "field \"\(field.key)\": only keyword, keywords, integer and boolean matches are supported by this server")
        }
    }
}

extension Payload {
    /// The wire payload map.
    public var wirePayload: [String: ActianVectorai_Value] {
        mapValues(ActianVectorai_Value.init)
    }

    /// A payload from a wire payload map.
    public init(wire: [String: ActianVectorai_Value]) {
        self = wire.mapValues(PayloadValue.init)
    }
}

extension ActianVectorai_PointStruct {
    /// The wire point for a supportkit point: UUID id, payload, and the plain dense vector form.
    public init(_ point: Point) {
        self.init()
        id = ActianVectorai_PointId(point.id)
        payload = point.payload.wirePayload
        var vector = ActianVectorai_Vector()
        vector.data = point.vector
        var vectors = ActianVectorai_Vectors()
        vectors.vectorsOptions = .vector(vector)
        self.vectors = vectors
    }
}

extension ActianVectorai_Vectors {
    /// The dense vector, from `data` or the `dense` form; nil for named vectors.
    public var denseData: [Float]? {
        guard case .vector(let vector) = vectorsOptions else { return nil }
        if case .dense(let dense) = vector.vector { return dense.data }
        return vector.data
    }
}

extension ActianVectorai_VectorsOutput {
    /// The dense vector, from `data` or the `dense` form; nil for named vectors.
    public var denseData: [Float]? {
        guard case .vector(let vector) = vectorsOptions else { return nil }
        if case .dense(let dense) = vector.vector { return dense.data }
        return vector.data
    }
}
