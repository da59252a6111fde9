import Foundation
import SupportKit
import SupportKitParsing
import Testing
@testable import supportkit

/// The CLI's own sections of supportkit.yaml (`categories`, `store`, `ingest`), the `ingest:` section through the
/// shared settings reader.
@Suite struct ProjectSettingsTests {
    static func settings(_ yaml: String) throws -> ProjectSettings {
        try ProjectSettings(try SettingsFile.parse(yaml: yaml, path: "supportkit.yaml"))
    }

    static func message(_ yaml: String) -> String {
        do {
            _ = try settings(yaml)
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    @Test func anEmptyFileAndAnEmptyIngestSectionGiveTheDefaults() throws {
        #expect(try Self.settings("").ingest == ProjectSettings.IngestSettings())
        #expect(try Self.settings("ingest: {}\n").ingest == ProjectSettings.IngestSettings())
        #expect(try Self.settings("ingest: {}\n").ingest.frontMatter == FrontMatterMapping())
    }

    @Test func valuesTextsAndListsAreRead() throws {
        let settings = try Self.settings("""
            categories: [account, orders, billing, privacy]
            ingest:
              max_tokens: 128
              include: docs/**
              exclude: [drafts/**, old/**]
              front_matter:
                category_field: section
                category_aliases: {Search Privacy: privacy}
                skip_when: {internal: true}
            """)
        #expect(settings.ingest.maxTokens == 128 && settings.ingest.overlapTokens == 32)
        #expect(settings.ingest.include.values == ["docs/**"] && settings.ingest.exclude.values == ["drafts/**", "old/**"])
        #expect(settings.ingest.frontMatter.categoryFields == ["section"])
        #expect(settings.ingest.frontMatter.categoryAliases == ["Search Privacy": "privacy"])
        // A map the file gives replaces the default whole: the built-in skip markers are not merged in.
        #expect(settings.ingest.frontMatter.skipWhen == ["internal": true])
    }

    @Test func mistakesArePlacedAtTheirLine() {
        #expect(Self.message("ingest:\n  max_tokens: 4\n") == "supportkit.yaml:2:15: ingest.max_tokens: expected a whole number from 32 to 512; see the README's Configuration section for allowed values")
        #expect(Self.message("ingest:\n  max_tokns: 64\n").hasPrefix("supportkit.yaml:2:3: ingest.max_tokns: unknown setting; expected one of batch_size, chunk_memory_mb"))
        #expect(Self.message("ingest:\n  front_matter:\n    default_category: shipping\n").hasPrefix("supportkit.yaml:3:23: ingest.front_matter.default_category: unknown category \"shipping\""))
        #expect(Self.message("ingest:\n  batch_size: many\n").hasPrefix("supportkit.yaml:2:15: ingest.batch_size: expected a whole number"))
    }
}
