import Foundation
import SupportKit

/// What the assistant remembers about each customer: profile and preferences, every interaction, and the
/// issues still open, stored as points of the `customer_context` collection of a `VectorStore`.
///
/// Every point carries a `customer_id` payload field and every read filters on it, so one customer's
/// history can never surface in another's conversation. Interactions are embedded so that recall finds the
/// past messages relevant to the current one; open issues are recalled whatever the message.
public struct CustomerMemory: Sendable {
    /// Payload keys of memory points.
    public enum Key {
        public static let customerId = "customer_id"
        /// `interaction` or `profile`.
        public static let kind = "kind"
        public static let text = "text"
        public static let intent = "intent"
        public static let category = "category"
        public static let resolved = "resolved"
        /// Seconds since 1970.
        public static let time = "time"
        public static let ticket = "ticket"
        public static let profile = "profile"
    }

    /// One remembered message.
    public struct Interaction: Sendable, Hashable, Codable {
        public var id: UUID
        public var customerId: String
        public var text: String
        public var intent: String?
        public var category: String?
        /// False while the problem it reports is still open.
        public var resolved: Bool
        public var time: Date
        /// The ticket opened for it, if any.
        public var ticket: String?

        /// An interaction; `resolved: false` makes it an open issue.
        public init(id: UUID = UUID(), customerId: String, text: String, intent: String?, category: String?, resolved: Bool, time: Date, ticket: String? = nil) {
            self.id = id
            self.customerId = customerId
            self.text = text
            self.intent = intent
            self.category = category
            self.resolved = resolved
            self.time = time
            self.ticket = ticket
        }

        var payload: Payload {
            var payload: Payload = [
                Key.customerId: .string(customerId), Key.kind: .string("interaction"), Key.text: .string(text),
                Key.resolved: .bool(resolved), Key.time: .double(time.timeIntervalSince1970),
            ]
            if let intent { payload[Key.intent] = .string(intent) }
            if let category { payload[Key.category] = .string(category) }
            if let ticket { payload[Key.ticket] = .string(ticket) }
            return payload
        }

        init?(id: UUID, payload: Payload) {
            guard payload[Key.kind]?.stringValue == "interaction",
                  let customerId = payload[Key.customerId]?.stringValue,
                  let text = payload[Key.text]?.stringValue
            else { return nil }
            self.init(
                id: id, customerId: customerId, text: text, intent: payload[Key.intent]?.stringValue,
                category: payload[Key.category]?.stringValue, resolved: payload[Key.resolved]?.boolValue ?? true,
                time: Date(timeIntervalSince1970: payload[Key.time]?.doubleValue ?? 0),
                ticket: payload[Key.ticket]?.stringValue)
        }
    }

    /// What memory contributes to one turn.
    public struct Recall: Sendable, Hashable {
        public var profile: [String: String]
        /// Past interactions similar to the message, most similar first, with their similarity.
        public var relevant: [(interaction: Interaction, score: Double)]
        /// Every unresolved interaction, oldest first.
        public var openIssues: [Interaction]

        /// A recall result; empty by default.
        public init(profile: [String: String] = [:], relevant: [(interaction: Interaction, score: Double)] = [], openIssues: [Interaction] = []) {
            self.profile = profile
            self.relevant = relevant
            self.openIssues = openIssues
        }

        /// One line per recalled item, for `Reply.memoryRecalled`.
        public var lines: [String] {
            var lines = profile.sorted { $0.key < $1.key }.map { "profile: \($0.key)=\($0.value)" }
            lines += openIssues.map { "open issue: \($0.text)" + ($0.category.map { " [\($0)]" } ?? "") }
            let open = Set(openIssues.map(\.id))
            lines += relevant.filter { !open.contains($0.interaction.id) }.map { "past: \($0.interaction.text)" }
            return lines
        }

        public static func == (lhs: Recall, rhs: Recall) -> Bool {
            lhs.profile == rhs.profile && lhs.openIssues == rhs.openIssues
                && lhs.relevant.map(\.interaction) == rhs.relevant.map(\.interaction)
                && lhs.relevant.map(\.score) == rhs.relevant.map(\.score)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(profile)
            hasher.combine(openIssues)
            hasher.combine(relevant.map(\.interaction))
        }
    }

    public let store: any VectorStore
    public let embedder: any Embedder
    public let configuration: AssistantConfiguration.Memory
    public let collection: String

    /// Memory in `collection` of `store`, embedded with `embedder`.
    public init(store: any VectorStore, embedder: any Embedder, configuration: AssistantConfiguration.Memory = .init(), collection: String = Collections.customerContext) {
        self.store = store
        self.embedder = embedder
        self.configuration = configuration
        self.collection = collection
    }

    /// Creates the collection when missing.
    /// - Throws: `SupportKitError.embedderMismatch` when it holds another embedder's vectors.
    public func prepare() async throws {
        // Recall filters on the customer, the kind and (for open issues) `resolved` every turn: indexed, so a
        // turn reads that customer's points only, and of them only the open ones.
        try await store.prepareCollection(CollectionSpec(
            name: collection, dimension: embedder.fingerprint.dimension, embedder: embedder.fingerprint,
            indexedKeys: [Key.customerId, Key.kind, Key.resolved]))
    }

    private func customerFilter(_ customerId: String, kind: String) -> Filter {
        Filter(must: [FieldMatch(Key.customerId, customerId), FieldMatch(Key.kind, kind)])
    }

    private func profileID(_ customerId: String) -> UUID {
        UUID.v5(namespace: .supportKitChunks, name: "customer-profile\u{1F}" + customerId)
    }

    /// Replaces the customer's profile facts (plan, preferred language, ...).
    public func setProfile(_ profile: [String: String], for customerId: String) async throws {
        let text = profile.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "\n")
        let vector = try await embedder.embed(text.isEmpty ? customerId : text)
        let payload: Payload = [
            Key.customerId: .string(customerId), Key.kind: .string("profile"), Key.text: .string(text),
            Key.profile: .object(profile.mapValues { .string($0) }),
        ]
        try await store.upsert([Point(id: profileID(customerId), vector: vector, payload: payload)], into: collection)
    }

    /// The customer's profile facts (empty when none were recorded).
    public func profile(for customerId: String) async throws -> [String: String] {
        let page = try await store.scroll(collection, filter: customerFilter(customerId, kind: "profile"), offset: nil, limit: 1, withVectors: false)
        guard let point = page.points.first, point.payload[Key.customerId]?.stringValue == customerId,
              case .object(let fields)? = point.payload[Key.profile]
        else { return [:] }
        return fields.compactMapValues(\.stringValue)
    }

    /// Stores an interaction (embedding its text unless `vector` is given), then prunes beyond the
    /// retention limit.
    public func remember(_ interaction: Interaction, vector: [Float]? = nil) async throws {
        let embedding: [Float]
        if let vector { embedding = vector } else { embedding = try await embedder.embed(interaction.text) }
        try await store.upsert([Point(id: interaction.id, vector: embedding, payload: interaction.payload)], into: collection)
        try await enforceRetention(for: interaction.customerId)
    }

    /// Loads an evaluation customer's profile and history (oldest first, one second apart).
    public func seed(_ customer: Conversation.Customer, now: Date) async throws {
        if !customer.profile.isEmpty { try await setProfile(customer.profile, for: customer.id) }
        let texts = customer.history.map(\.text)
        guard !texts.isEmpty else { return }
        let vectors = try await embedder.embedAll(texts)
        var points: [Point] = []
        for (index, item) in customer.history.enumerated() {
            let time = now.addingTimeInterval(Double(index - customer.history.count))
            let interaction = Interaction(customerId: customer.id, text: item.text, intent: item.intent, category: item.category, resolved: item.resolved, time: time)
            points.append(Point(id: interaction.id, vector: vectors[index], payload: interaction.payload))
        }
        try await store.upsert(points, into: collection)
        try await enforceRetention(for: customer.id)
    }

    /// Every interaction of the customer, oldest first.
    public func interactions(for customerId: String) async throws -> [Interaction] {
        try await scrollInteractions(customerId, withVectors: false).map(\.0)
    }

    /// The customer's unresolved interactions, oldest first.
    public func openIssues(for customerId: String) async throws -> [Interaction] {
        try await scrollInteractions(customerId, withVectors: false, onlyOpen: true).map(\.0)
    }

    /// The profile, the past interactions most similar to `vector`, and the most recent open issues
    /// (`openIssueLimit`).
    /// - Parameter excluding: interactions of the current turn, which must not recall themselves.
    public func recall(for customerId: String, vector: [Float], excluding: Set<UUID> = []) async throws -> Recall {
        let limit = configuration.recallLimit + excluding.count
        let hits = limit > 0
            ? try await store.search(vector, in: collection, filter: customerFilter(customerId, kind: "interaction"), limit: limit)
            : []
        let relevant = hits.compactMap { hit -> (interaction: Interaction, score: Double)? in
            // The store filtered already; checking again keeps isolation even if a store mishandles a filter.
            guard hit.payload[Key.customerId]?.stringValue == customerId, !excluding.contains(hit.id),
                  Double(hit.score) >= configuration.minRecallScore,
                  let interaction = Interaction(id: hit.id, payload: hit.payload)
            else { return nil }
            return (interaction, Double(hit.score))
        }
        let open = try await openIssues(for: customerId).filter { !excluding.contains($0.id) }.suffix(configuration.openIssueLimit)
        return Recall(
            profile: try await profile(for: customerId), relevant: Array(relevant.prefix(configuration.recallLimit)),
            openIssues: Array(open))
    }

    /// Marks open issues resolved: those in `category` when given, otherwise all of them.
    /// - Returns: how many were resolved.
    @discardableResult
    public func resolveOpenIssues(for customerId: String, category: String? = nil) async throws -> Int {
        let open = try await scrollInteractions(customerId, withVectors: true, onlyOpen: true).filter { item, _ in
            category == nil || item.category == category
        }
        guard !open.isEmpty else { return 0 }
        let points = open.map { item, vector -> Point in
            var resolved = item
            resolved.resolved = true
            return Point(id: item.id, vector: vector, payload: resolved.payload)
        }
        try await store.upsert(points, into: collection)
        return points.count
    }

    /// Deletes everything remembered about the customer: interactions and profile.
    ///
    /// - Returns: How many entries were deleted (0 for a customer never seen).
    @discardableResult
    public func forget(_ customerId: String) async throws -> Int {
        let everything = Filter(must: [FieldMatch(Key.customerId, customerId)])
        let count = try await store.count(in: collection, filter: everything)
        guard count > 0 else { return 0 }
        try await store.delete(in: collection, matching: everything)
        return count
    }

    /// Records the ticket opened for the given interactions.
    public func attachTicket(_ ticket: String, to ids: Set<UUID>, customerId: String) async throws {
        guard !ids.isEmpty else { return }
        let targets = try await scrollInteractions(customerId, withVectors: true, ids: ids)
        guard !targets.isEmpty else { return }
        try await store.upsert(targets.map { item, vector in
            var updated = item
            updated.ticket = ticket
            return Point(id: item.id, vector: vector, payload: updated.payload)
        }, into: collection)
    }

    /// Keeps at most `maxInteractionsPerCustomer`, pruning the oldest resolved interactions first, and
    /// the oldest unresolved ones only when nothing resolved is left.
    ///
    /// Pruning goes a tenth of the limit below it, so a customer at the limit is not read whole on every turn:
    /// the cost of remembering stays flat however long the customer's history.
    private func enforceRetention(for customerId: String) async throws {
        let limit = configuration.maxInteractionsPerCustomer
        let count = try await store.count(in: collection, filter: customerFilter(customerId, kind: "interaction"))
        guard count > limit else { return }
        let all = try await interactions(for: customerId)
        let order = all.filter(\.resolved) + all.filter { !$0.resolved }
        let keep = max(1, limit - limit / 10)
        let doomed = Set(order.prefix(all.count - keep).map(\.id))
        try await store.delete(in: collection, matching: Filter(must: [FieldMatch(Key.customerId, customerId)], ids: doomed))
    }

    private func scrollInteractions(
        _ customerId: String, withVectors: Bool, onlyOpen: Bool = false, ids: Set<UUID>? = nil
    ) async throws -> [(Interaction, [Float])] {
        var out: [(Interaction, [Float])] = []
        var offset: UUID?
        var filter = customerFilter(customerId, kind: "interaction")
        if onlyOpen { filter.must.append(FieldMatch(Key.resolved, "false")) }
        filter.ids = ids
        repeat {
            let page = try await store.scroll(collection, filter: filter, offset: offset, limit: 256, withVectors: withVectors)
            for point in page.points where point.payload[Key.customerId]?.stringValue == customerId {
                if let interaction = Interaction(id: point.id, payload: point.payload) { out.append((interaction, point.vector)) }
            }
            offset = page.next
        } while offset != nil
        return out.sorted { $0.0.time != $1.0.time ? $0.0.time < $1.0.time : $0.0.id.uuidString < $1.0.id.uuidString }
    }
}
