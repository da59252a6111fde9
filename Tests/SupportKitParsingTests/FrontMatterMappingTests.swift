import Foundation
import SupportKit
import Testing
@testable import SupportKitParsing

/// Front matter as help centers write it: Jekyll's `categories: [x]`, human category names, a default,
/// unpublished pages, and the folder-versus-front-matter precedence.
@Suite struct FrontMatterMappingTests {
    private func parse(_ markdown: String, path: String = "guides/page.md", mapping: FrontMatterMapping = FrontMatterMapping()) -> DocumentParser.FileResult {
        DocumentParser(configuration: .init(frontMatter: mapping)).parse(Data(markdown.utf8), relativePath: path)
    }

    @Test(arguments: [
        "---\ntitle: T\ncategories: [account]\n---\nText.\n",
        "---\ntitle: T\ncategories:\n  - account\n  - orders\n---\nText.\n",
        "---\ntitle: T\ncategories: account\n---\nText.\n",
    ])
    func jekyllCategoriesGiveTheFirstCategory(_ markdown: String) throws {
        let result = parse(markdown)
        #expect(result.errors.isEmpty, "\(result.errors)")
        #expect(result.documents.first?.category == "account")
    }

    @Test func categoryWinsOverCategoriesAndTheFolder() throws {
        let result = parse("---\ntitle: T\ncategories: [account]\ncategory: orders\n---\nText.\n", path: "billing/page.md")
        #expect(result.documents.first?.category == "orders")
        let folderOnly = parse("---\ntitle: T\n---\nText.\n", path: "billing/page.md")
        #expect(folderOnly.documents.first?.category == "billing")
        let frontMatterOverFolder = parse("---\ntitle: T\ncategories: [account]\n---\nText.\n", path: "billing/page.md")
        #expect(frontMatterOverFolder.documents.first?.category == "account")
    }

    @Test func aliasesCaseAndADefault() throws {
        let mapping = FrontMatterMapping(categoryAliases: ["Search Privacy": "account"], defaultCategory: "orders")
        #expect(parse("---\ntitle: T\ncategory: Search Privacy\n---\nText.\n", mapping: mapping).documents.first?.category == "account")
        #expect(parse("---\ntitle: T\ncategory: search privacy\n---\nText.\n", mapping: mapping).documents.first?.category == "account")
        #expect(parse("---\ntitle: T\ncategory: Billing\n---\nText.\n", mapping: mapping).documents.first?.category == "billing")
        #expect(parse("---\ntitle: T\n---\nText.\n", mapping: mapping).documents.first?.category == "orders")
        let unknown = parse("---\ntitle: T\ncategory: Shipping\n---\nText.\n", mapping: mapping)
        #expect(unknown.errors.map(\.description) == [
            "guides/page.md:3:11: category: unknown category \"Shipping\"; expected one of account, orders, billing (or add it to `categories`, or map it in `ingest.front_matter.category_aliases`, in supportkit.yaml)",
        ])
    }

    @Test func aNamedCategoryField() throws {
        let mapping = FrontMatterMapping(categoryFields: ["section"])
        #expect(parse("---\ntitle: T\nsection: billing\n---\nText.\n", mapping: mapping).documents.first?.category == "billing")
        // `categories` is not read now, and the error says where the category is.
        let result = parse("---\ntitle: T\ncategories: [billing]\n---\nText.\n", mapping: mapping)
        let message = try #require(result.errors.first?.description)
        #expect(message.contains("the front matter has `categories`"), "\(message)")
    }

    @Test(arguments: [("hidden: true", "hidden: true"), ("published: false", "published: false"), ("draft: yes", "draft: yes")])
    func unpublishedPagesAreSkippedNotFailed(_ marker: String, _ reason: String) throws {
        // A front-matter-only stub: without the marker it would be `content: empty`.
        let result = parse("---\ntitle: Stub\ncategory: account\n\(marker)\n---\n")
        #expect(result.errors.isEmpty)
        #expect(result.documents.isEmpty)
        #expect(result.skipped == [SkippedDocument(path: "guides/page.md", reason: reason)])
    }

    @Test func publishedPagesAreKept() throws {
        let result = parse("---\ntitle: T\ncategory: account\ndraft: false\npublished: true\n---\nText.\n")
        #expect(result.skipped.isEmpty && result.documents.count == 1)
    }

    @Test(arguments: [
        "title: x\ncategories: [account]\n", "title: x\ncategories: []\n", "title: x\npublished: false\nhidden: no\n",
        "title: x\ncategory_name: billing\n",
    ])
    func theFastPathStillDecodesLikeYams(_ yaml: String) throws {
        let flat = Array(yaml.utf8).withUnsafeBufferPointer { FrontMatter.decodeFlatFields($0, path: "a.md", firstLine: 2) }
        let yams = try FrontMatter.decodeYAMLFields(yaml, path: "a.md", lineOffset: 1)
        #expect(flat == nil || flat == yams)
    }

    @Test func aDuplicateKeyIsReportedWhereItRepeats() throws {
        let result = parse("---\ntitle: One\ncategory: billing\ntitle: Two\n---\nText.\n")
        #expect(result.errors.first?.location.line == 4)
        #expect(result.errors.first?.problem.contains("duplicate key title") == true)
    }
}
