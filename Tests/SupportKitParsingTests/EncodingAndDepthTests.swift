import Foundation
import SupportKit
import Testing
@testable import SupportKitParsing

/// Files that are text in another encoding, and pages too deep to parse, get an answer that says so.
@Suite struct EncodingAndDepthTests {
    let parser = DocumentParser()
    let article = "---\ntitle: Reset your password\ncategory: account\n---\nOpen Settings and choose Reset password.\n"

    @Test func utf16WithAByteOrderMarkIsReadAsText() throws {
        for encoding in [String.Encoding.utf16LittleEndian, .utf16BigEndian] {
            var data = Data(encoding == .utf16LittleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF])
            data.append(try #require(article.data(using: encoding)))
            let result = parser.parse(data, relativePath: "account/reset.md")
            #expect(result.errors.isEmpty, "\(result.errors)")
            #expect(result.documents.first?.title == "Reset your password")
        }
    }

    @Test func utf16WithoutAByteOrderMarkIsNamedNotCalledBinary() throws {
        let data = try #require(article.data(using: .utf16LittleEndian))
        let errors = parser.parse(data, relativePath: "account/reset.md").errors.map(\.description)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("encoding: UTF-16 text without a byte-order mark; re-save the file as UTF-8") == true, "\(errors)")
        // A real binary file is still called binary.
        let binary = parser.parse(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48]), relativePath: "account/logo.md")
        #expect(binary.errors.first?.description.contains("binary content") == true)
    }

    @Test func deeplyNestedHTMLSaysHowDeep() {
        let depth = 20_000
        let html = "<html><head><title>Deep</title></head><body>" + String(repeating: "<div>", count: depth)
            + "<p>Text at the bottom.</p>" + String(repeating: "</div>", count: depth) + "</body></html>"
        let errors = parser.parse(Data(html.utf8), relativePath: "account/deep.html").errors.map(\.description)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("html: elements nested more than 256 levels deep") == true, "\(errors)")
    }
}
