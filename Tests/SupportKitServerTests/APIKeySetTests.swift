import Foundation
import Synchronization
import SupportKit
import Testing
@testable import SupportKitServer

@Suite struct APIKeySetTests {
    @Test func parsesFileWithComments() throws {
        let text = """
            # production keys
            key-aaaaaaaaaaaaaaaa

              key-bbbbbbbbbbbbbbbb   # the avatar front end
            """
        let keys = try APIKeySet.parseKeysFile(text, origin: "keys.txt")
        #expect(keys.count == 2)
        #expect(keys.contains("key-aaaaaaaaaaaaaaaa"))
        #expect(keys.contains("key-bbbbbbbbbbbbbbbb"))
        #expect(!keys.contains("key-bbbbbbbbbbbbbbb"))
        #expect(!keys.contains("key-bbbbbbbbbbbbbbbbb"))
        #expect(!keys.contains(""))
    }

    @Test func parsesEnvironmentValue() throws {
        let keys = try APIKeySet.parseEnvironmentValue(" key-aaaaaaaaaaaaaaaa, key-bbbbbbbbbbbbbbbb ,")
        #expect(keys.count == 2)
        #expect(keys.contains("key-bbbbbbbbbbbbbbbb"))
    }

    @Test func rejectsShortKeysWithoutEchoingThem() throws {
        let error = try #require(throws: ServerConfigurationError.self) {
            try APIKeySet.parseKeysFile("shortkey", origin: "keys.txt")
        }
        #expect(error.message.contains("keys.txt: key #1 is 8 characters long"))
        #expect(!error.message.contains("shortkey"))
    }

    @Test func constantTimeEquality() {
        #expect(APIKeySet.constantTimeEquals(Array("abc".utf8), Array("abc".utf8)) == 1)
        #expect(APIKeySet.constantTimeEquals(Array("abc".utf8), Array("abd".utf8)) == 0)
        #expect(APIKeySet.constantTimeEquals(Array("abc".utf8), Array("abcd".utf8)) == 0)
        #expect(APIKeySet.constantTimeEquals([], Array("a".utf8)) == 0)
    }

    @Test func fingerprintIsAShortHashNotTheKey() {
        let fingerprint = APIKeySet.fingerprint(of: FakeData.key)
        #expect(fingerprint.count == 8)
        #expect(!FakeData.key.contains(fingerprint))
    }
}
