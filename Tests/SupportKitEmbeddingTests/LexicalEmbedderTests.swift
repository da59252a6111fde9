import SupportKit
import Testing
@testable import SupportKitEmbedding

@Suite struct LexicalEmbedderTests {
    let embedder = LexicalEmbedder()

    @Test func vectorsAreUnitLengthAndDeterministic() async throws {
        let first = try await embedder.embed("How do I reset my password?")
        let second = try await embedder.embed("How do I reset my password?")
        #expect(first == second)
        #expect(first.count == 1024)
        let length = first.reduce(0) { $0 + $1 * $1 }.squareRoot()
        #expect(abs(length - 1) < 1e-4)
    }

    @Test func sharedWordsScoreHigherThanUnrelatedText() async throws {
        let vectors = try await embedder.embed([
            "reset your password from the sign-in page",
            "How can I reset my password?",
            "Shipping to Canada takes five business days",
        ])
        let related = zip(vectors[0], vectors[1]).reduce(0) { $0 + $1.0 * $1.1 }
        let unrelated = zip(vectors[1], vectors[2]).reduce(0) { $0 + $1.0 * $1.1 }
        #expect(related > unrelated + 0.2)
    }

    @Test func emptyTextGivesZeroVector() async throws {
        let vector = try await embedder.embed("   ")
        #expect(vector.allSatisfy { $0 == 0 })
    }
}
