import Foundation
import SupportKit
import SupportKitParsing
import SupportKitStore

/// Finds the documents in the parts of corpus roots an ingest run covers (``SyncScope``).
///
/// Hidden files and folders are skipped, only supported extensions are taken, the order is deterministic,
/// a file covered by two paths of the run is taken once, a symbolic link that leads outside its root is
/// reported and not followed, and no folder is walked twice (folders are known by device and inode, so a link
/// back to a folder already walked, such as `ln -s . loop`, is reported and skipped instead of multiplying the
/// corpus). A folder that cannot be read is reported and remembered in ``unreadableFolders``: the documents the
/// store has from under it are kept, exactly like those of an unreadable file.
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
    /// Folders (and files) the walk could not read, as root-relative keys; a path of `""` is the whole root.
    /// Documents recorded under them must keep what the store has.
    var unreadableFolders: [IngestManifest.SourceKey] = []
    /// Folders already walked, by device and inode.
    private var visited = Set<FolderIdentity>()

    private struct FolderIdentity: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    init(targets: [SyncScope.Target], folders: any CorpusFolders = LiveCorpusFolders()) {
        for target in targets {
            switch target.part {
            case .file(let relativePath):
                files.append(SourceFile(url: target.walk, root: target.root, relativePath: relativePath))
            case .folder(let relativePath):
                walk(target.walk, root: target.root, relative: relativePath, folders: folders)
            case .root:
                walk(target.walk, root: target.root, relative: "", folders: folders)
            }
        }
        var seen = Set<IngestManifest.SourceKey>()
        files = files.filter { seen.insert($0.key).inserted }
        files.sort { $0.relativePath != $1.relativePath ? $0.relativePath < $1.relativePath : $0.root < $1.root }
    }

    /// Walks `start`, a folder at `relative` inside `root`.
    private mutating func walk(_ start: URL, root: String, relative startRelative: String, folders: any CorpusFolders) {
        let manager = FileManager.default
        // Folders reached through a symbolic link are walked after every real folder, so a document reachable
        // both ways keeps its real path as its id.
        var stack: [(url: URL, relative: String)] = [(start, startRelative)]
        var linked: [(url: URL, relative: String)] = []
        while let (folder, relative, viaLink) = stack.popLast().map({ ($0.url, $0.relative, false) })
            ?? linked.popLast().map({ ($0.url, $0.relative, true) }) {
            let shownPath = relative.isEmpty ? root : relative
            var folderInfo = stat()
            if stat(folder.path, &folderInfo) == 0 {
                let identity = FolderIdentity(device: UInt64(folderInfo.st_dev), inode: UInt64(folderInfo.st_ino))
                guard visited.insert(identity).inserted else {
                    // Reached again: through a link (reported), or by a second path of the run (nothing to say).
                    if viaLink {
                        errors.append(InputError(SourceLocation(path: shownPath), field: "folder",
                                                 problem: "symbolic link to a folder already walked (\(folder.resolvingSymlinksInPath().path)); skipped",
                                                 remedy: "remove the link, or point it outside the corpus and copy the documents in"))
                    }
                    continue
                }
            }
            let entries: [String]
            do {
                entries = try folders.contentsOfFolder(atPath: folder.path).sorted()
            } catch {
                unreadableFolders.append(IngestManifest.SourceKey(root: root, path: relative))
                errors.append(InputError(SourceLocation(path: shownPath), field: "folder",
                                         problem: "unreadable (\(Self.reason(error))); the documents the store has from it are kept",
                                         remedy: "check the folder's permissions"))
                continue
            }
            for name in entries where !name.hasPrefix(".") {
                let url = folder.appendingPathComponent(name)
                let relativePath = relative.isEmpty ? name : relative + "/" + name
                // lstat directly: Foundation's resource values cost more than the parse of a small file.
                var info = stat()
                guard lstat(url.path, &info) == 0 else {
                    unreadableFolders.append(IngestManifest.SourceKey(root: root, path: relativePath))
                    errors.append(InputError(SourceLocation(path: relativePath), field: "file", problem: "unreadable",
                                             remedy: "check the file's permissions"))
                    continue
                }
                let kind = info.st_mode & S_IFMT
                if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                    errors.append(InputError(SourceLocation(path: relativePath.unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : String($0) }.joined()),
                                             field: "file", problem: "the name contains a line break or control character; skipped",
                                             remedy: "rename the file (document ids come from file names)"))
                    continue
                }
                if let special = Self.specialFileKind(kind), DocumentParser.supportedExtensions.contains(url.pathExtension.lowercased()) {
                    errors.append(InputError(SourceLocation(path: relativePath), field: "file",
                                             problem: "not a regular file (\(special)); skipped",
                                             remedy: "replace it with a regular file, or move it out of the corpus"))
                    continue
                }
                var isFolder = kind == S_IFDIR
                if kind == S_IFLNK {
                    let target = url.resolvingSymlinksInPath().path
                    guard target == root || target.hasPrefix(root + "/") else {
                        errors.append(InputError(SourceLocation(path: relativePath), field: "file",
                                                 problem: "symbolic link to \(target), outside the corpus root",
                                                 remedy: "copy the document into the corpus instead of linking it"))
                        continue
                    }
                    var targetIsFolder: ObjCBool = false
                    manager.fileExists(atPath: target, isDirectory: &targetIsFolder)
                    isFolder = targetIsFolder.boolValue
                }
                if isFolder, kind == S_IFLNK {
                    linked.insert((url, relativePath), at: 0)
                } else if isFolder {
                    stack.append((url, relativePath))
                } else if DocumentParser.supportedExtensions.contains(url.pathExtension.lowercased()) {
                    files.append(SourceFile(url: url, root: root, relativePath: relativePath))
                }
            }
        }
    }

    /// What a special file is, or nil for regular files, folders and links.
    private static func specialFileKind(_ kind: mode_t) -> String? {
        switch kind {
        case S_IFIFO: "a named pipe"
        case S_IFSOCK: "a socket"
        case S_IFCHR, S_IFBLK: "a device"
        default: nil
        }
    }

    /// The system's reason for a failed folder read, without the path (the error names it already).
    private static func reason(_ error: any Error) -> String {
        let error = error as NSError
        let posix = (error.userInfo[NSUnderlyingErrorKey] as? NSError).flatMap { $0.domain == NSPOSIXErrorDomain ? Int32($0.code) : nil }
        switch (posix, CocoaError.Code(rawValue: error.code)) {
        case (EACCES?, _), (EPERM?, _), (nil, .fileReadNoPermission): return "permission denied"
        case (ENOENT?, _), (nil, .fileReadNoSuchFile), (nil, .fileNoSuchFile): return "it disappeared during the walk"
        case (ELOOP?, _): return "too many levels of symbolic links"
        case (let code?, _): return String(cString: strerror(code))
        default: return error.localizedDescription
        }
    }

    /// Whether a document recorded at `key` lies in a folder (or is a file) the walk could not read.
    static func isUnder(_ key: IngestManifest.SourceKey, anyOf unreadableFolders: [IngestManifest.SourceKey]) -> Bool {
        unreadableFolders.contains { folder in
            folder.root == key.root && (folder.path.isEmpty || key.path == folder.path || key.path.hasPrefix(folder.path + "/"))
        }
    }
}
