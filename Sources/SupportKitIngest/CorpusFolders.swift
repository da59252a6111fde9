import Foundation

/// How an ingest run lists a corpus folder: the live file system, or a test double that fails on purpose (as
/// root, which the tests run as here, no permission bit makes a folder unreadable).
public protocol CorpusFolders: Sendable {
    /// The names in the folder at `path` (hidden ones included), in any order.
    /// - Throws: When the folder cannot be read.
    func contentsOfFolder(atPath path: String) throws -> [String]
}

/// The file system as it is.
public struct LiveCorpusFolders: CorpusFolders {
    public init() {}

    public func contentsOfFolder(atPath path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path)
    }
}
