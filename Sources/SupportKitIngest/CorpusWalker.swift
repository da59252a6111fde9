import Foundation
import SupportKit
import SupportKitParsing

/// Finds the documents under the paths given to `ingest`.
///
/// Hidden files and folders are skipped, only supported extensions are taken, the order is deterministic,
/// and a symbolic link that leads outside its root is reported and not followed.
struct CorpusWalker {
    struct SourceFile: Hashable {
        /// Absolute file URL.
        var url: URL
        /// Path relative to its root, `/`-separated; this is what documents and errors name.
        var relativePath: String
    }

    var files: [SourceFile] = []
    var errors: [InputError] = []

    init(paths: [URL]) {
        for path in paths {
            walk(path.standardizedFileURL)
        }
        files.sort { $0.relativePath < $1.relativePath }
    }

    private mutating func walk(_ root: URL) {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: root.path, isDirectory: &isDirectory) else {
            errors.append(InputError(SourceLocation(path: root.path), field: "path", problem: "does not exist",
                                     remedy: "pass a folder or file that exists"))
            return
        }
        guard isDirectory.boolValue else {
            // A single file: its folder is the root, so its id is its file name without extension.
            files.append(SourceFile(url: root, relativePath: root.lastPathComponent))
            return
        }
        let realRoot = root.resolvingSymlinksInPath().path
        var stack: [(url: URL, relative: String)] = [(root, "")]
        while let (folder, relative) = stack.popLast() {
            let entries: [String]
            do {
                entries = try manager.contentsOfDirectory(atPath: folder.path).sorted()
            } catch {
                errors.append(InputError(SourceLocation(path: relative.isEmpty ? root.path : relative), field: "folder",
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
                    files.append(SourceFile(url: url, relativePath: relativePath))
                }
            }
        }
    }
}
