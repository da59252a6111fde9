import Foundation
import SupportKit

/// Golden files: expected output kept beside a test target, re-recorded on purpose.
///
/// Set `SUPPORTKIT_RECORD_GOLDEN=1` to write the actual output over the golden file in the source tree (then
/// review the diff and build again); otherwise the golden file is read from the test bundle.
public enum GoldenFile {
    /// Whether this run re-records golden files.
    public static var isRecording: Bool { ProcessInfo.processInfo.environment["SUPPORTKIT_RECORD_GOLDEN"] == "1" }

    /// The golden text `Fixtures/golden/NAME`, after writing `actual` there when recording.
    ///
    /// - Parameters:
    ///   - actual: what the code under test produced.
    ///   - name: the file name under `Fixtures/golden/`.
    ///   - bundle: the test target's `Bundle.module`.
    ///   - testFile: `#filePath` of a test file at the top of the test target's folder.
    /// - Returns: the golden text; `""` when the file does not exist yet (the comparison then fails).
    /// - Throws: file-system errors while recording.
    public static func text(matching actual: String, named name: String, bundle: Bundle, testFile: String = #filePath) throws -> String {
        if isRecording {
            let folder = URL(fileURLWithPath: testFile).deletingLastPathComponent().appendingPathComponent("Fixtures/golden")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: folder.appendingPathComponent(name))
            return actual
        }
        guard let url = bundle.url(forResource: name, withExtension: nil, subdirectory: "Fixtures/golden") else { return "" }
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }

    /// A `--json` result as the CLI prints it (`ResultJSON`, one line) and its golden file `Fixtures/golden/NAME`.
    ///
    /// - Throws: `GoldenFile.NotOneObject` when the output is not exactly one JSON object; encoding and
    ///   file-system errors.
    public static func json<Value: Encodable>(
        _ value: Value, named name: String, bundle: Bundle, testFile: String = #filePath
    ) throws -> (actual: String, golden: String) {
        let actual = try ResultJSON.string(value) + "\n"
        guard try JSONSerialization.jsonObject(with: Data(actual.utf8)) is [String: Any] else { throw NotOneObject(name: name) }
        return (actual, try text(matching: actual, named: name, bundle: bundle, testFile: testFile))
    }

    /// A `--json` result that is not one JSON object.
    public struct NotOneObject: Error, CustomStringConvertible {
        /// The golden file's name.
        public var name: String
        public var description: String { "\(name): the output is not one JSON object" }
    }
}
