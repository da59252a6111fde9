import Testing
import SupportKit

@Suite struct SupportKitIngestTestsLabels {
    @Test func defaultCategoriesAreKnown() {
        #expect(CategorySet.default.contains("billing"))
        #expect(!CategorySet.default.contains("refund"))
    }
}
