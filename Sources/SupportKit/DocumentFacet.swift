import Foundation

/// A short phrase that names what a whole document is about: its title, or one of its tags.
///
/// Knowledge-base authors write titles and tags as the words customers use ("can't log in", "where is my
/// order"). Embedded on their own, they match a paraphrased question better than any passage of the article
/// does, so retrieval ranks a chunk by its own similarity together with the best similarity of its document's
/// facets (see `KnowledgeBase` in SupportKitAssistant). Facets live in their own collection,
/// `Collections.facets(of:)`, one point per facet, kept in sync by the ingest pipeline.
public struct DocumentFacet: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        case title, tag
    }

    /// Deterministic: the same phrase (ignoring case) of the same document is always the same point.
    public let id: UUID
    public let docId: String
    public let category: String
    public let kind: Kind
    public let text: String

    public init(docId: String, category: String, kind: Kind, text: String) {
        self.id = UUID.v5(namespace: .supportKitChunks, name: "facet\u{1F}" + docId + "\u{1F}" + text.lowercased())
        self.docId = docId
        self.category = category
        self.kind = kind
        self.text = text
    }

    /// The facet as a store payload.
    public var payload: Payload {
        [
            FacetKey.docId: .string(docId),
            FacetKey.category: .string(category),
            FacetKey.kind: .string(kind.rawValue),
            FacetKey.text: .string(text),
        ]
    }
}

/// Payload keys of a facet point.
public enum FacetKey {
    public static let docId = ChunkKey.docId
    public static let category = ChunkKey.category
    public static let kind = "kind"
    public static let text = ChunkKey.text
}

extension Document {
    /// The title, then each tag; blank and repeated phrases (ignoring case) are left out.
    public var facets: [DocumentFacet] {
        var seen = Set<String>()
        var facets: [DocumentFacet] = []
        let phrases = [(DocumentFacet.Kind.title, title)] + tags.map { (DocumentFacet.Kind.tag, $0) }
        for (kind, phrase) in phrases {
            let text = phrase.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty, seen.insert(text.lowercased()).inserted else { continue }
            facets.append(DocumentFacet(docId: id, category: category, kind: kind, text: text))
        }
        return facets
    }
}
