import Foundation
import SupportKit
import SupportKitStore
import Testing
@testable import SupportKitAssistant

/// `assistant_config` hashes only what differs from the defaults.
@Suite struct SettingsFingerprintTests {
    static func hash(_ json: String) -> String { String(ContentHasher.hash(Data(json.utf8)).prefix(12)) }

    @Test func onlySettingsThatDifferFromTheDefaultsCount() throws {
        #expect(AssistantConfiguration().settingsFingerprint == Self.hash("{}"))
        var changed = AssistantConfiguration()
        changed.retrieval.k = 7
        changed.llm.seed = 3
        #expect(changed.settingsFingerprint == Self.hash(#"{"llm":{"seed":3},"retrieval":{"k":7}}"#))
        let fromFile = try AssistantConfiguration.parse(yaml: "assistant:\n  retrieval: {k: 7}\n  llm: {seed: 3}\n", path: "s.yaml")
        #expect(fromFile.settingsFingerprint == changed.settingsFingerprint)
    }
}
