import Testing
import SupportKit

@Suite struct SupportKitAssistantTestsLabels {
    @Test func defaultCategoriesAreKnown() {
        #expect(CategorySet.default.contains("billing"))
        #expect(!CategorySet.default.contains("refund"))
    }
}
