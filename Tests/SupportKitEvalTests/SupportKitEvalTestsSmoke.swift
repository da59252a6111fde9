import Testing
import SupportKit

@Suite struct SupportKitEvalTestsLabels {
    @Test func defaultCategoriesAreKnown() {
        #expect(CategorySet.default.contains("billing"))
        #expect(!CategorySet.default.contains("refund"))
    }
}
