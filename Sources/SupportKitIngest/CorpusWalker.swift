import Foundation
import SupportKit
import SupportKitParsing
import SupportKitStore

/// Finds the documents in the parts of corpus roots an ingest run covers (``SyncScope``).
///
/// Hidden files and folders are skipped, only supported extensions are taken, the order is deterministic,
/// a file covered by two paths of the run is taken once, and a symbolic link that leads outside its root is
/// reported and not followed.
struct CorpusWalker {
    struct SourceFile: Hashable {
        /// Absolute file URL.
        var url: URL
        /// The corpus root (canonical absolute path).
        var root: String
        /// Path relative to its root, `/`-separated; this is what documents and errors name.
        var relativePath: String

        var key: IngestManifest.SourceKey { IngestManifest.SourceKey(root: root, path: relativePath) }
    }

    var files: [SourceFile] = []
    var errors: [InputError] = []

    init(targets: [SyncScope.Target]) {
        for target in targets {
            switch target.part {
            case .file(let relativePath):
                files.append(SourceFile(url: target.walk, root: target.root, relativePath: relativePath))
            case .folder(let relativePath):
                walk(target.walk, root: target.root, relative: relativePath)
            case .root:
                walk(target.walk, root: target.root, relative: "")
            }
        }
        var seen = Set<IngestManifest.SourceKey>()
        files = files.filter { seen.insert($0.key).inserted }
        files.sort { $0.relativePath != $1.relativePath ? $0.relativePath < $1.relativePath : $0.root < $1.root }
    }

    /// Walks `start`, a folder at `relative` inside `root`.
    private mutating func walk(_ start: URL, root: String, relative startRelative: String) {
        let manager = FileManager.default
        let realRoot = root
        let rootPath = root
        var stack: [(url: URL, relative: String)] = [(start, startRelative)]
        while let (folder, relative) = stack.popLast() {
            let entries: [String]
            do {
                entries = try manager.contentsOfDirectory(atPath: folder.path).sorted()
            } catch {
                errors.append(InputError(SourceLocation(path: relative.isEmpty ? rootPath : relative), field: "folder",
                                         problem: "unreadable", remedy: "check the folder's permissions"))
                continue
            }
            for name in entries where !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                let relativePath = relative.isEmpty ? name : relative + "/" + name
                // lstat directly: Foundation's resource values cost more than the parse of a small file.
                var info = stat()
                guard lstat(url.path, &info) == 0 else {
                    errors.append(InputError(SourceLocation(path: relativePath), field: "file", problem: "unreadable",
                                             remedy: "check the file's permissions"))
                    continue
                }
                let kind = info.st_mode & S_IFMT
                var isFolder = kind == S_IFDIR
                if kind == S_IFLNK {
                    let target = url.resolvingSymlinksInPath().path
                    guard target == realRoot || target.hasPrefix(realRoot + "/") else {
                        errors.append(InputError(SourceLocation(path: relativePath), field: "file",
                                                 problem: "symbolic link to \(target), outside the corpus root",
                                                 remedy: "copy the document into the corpus instead of linking it"))
                        continue
                    }
                    var targetIsFolder: ObjCBool = false
                    manager.fileExists(atPath: target, isDirectory: &targetIsFolder)
                    isFolder = targetIsFolder.boolValue
                    if isFolder, realRoot.hasPrefix(target) { continue }  // a link back up would loop
                }
                if isFolder {
                    stack.append((url, relativePath))
                } else if DocumentParser.supportedExtensions.contains(url.pathExtension.lowercased()) {
                    files.append(SourceFile(url: url, root: root, relativePath: relativePath))
                }
            }
        }
    }
}
