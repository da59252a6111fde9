import Foundation
import SupportKit
import SupportKitStore

/// What one ingest run may touch: for each path it was given, the corpus root the path belongs to and the
/// part of that root it covers.
///
/// The model, in the order the rules apply:
/// - A path inside a corpus root the collection was ingested from before (or the root itself) syncs that
///   part of the root: a folder syncs the documents under it, a file syncs that file. Document ids stay
///   relative to the root, so they are the same whichever of the two runs.
/// - A path whose documents the manifest knows under a root that is gone from disk (the corpus was moved or
///   renamed), or under no root at all (a store ingested before roots were recorded), takes them over: the
///   nearest folder at or above the path that holds most of those files becomes their root.
/// - Any other folder is a new corpus root; a file on its own is synced with its folder as the root. A new
///   root that contains known roots takes them in: their documents are synced as part of it from then on
///   (with ids relative to the new root, unless the documents set `id` themselves).
/// - A path that does not exist or cannot be read is an error for that path and covers nothing.
///
/// A run deletes a document only when its file lies in the scope of one of the run's targets and is gone,
/// or was read cleanly without it.
struct SyncScope: Sendable {
    /// One path of the run, resolved.
    struct Target: Sendable, Hashable {
        enum Part: Sendable, Hashable {
            /// The whole root.
            case root
            /// A folder inside the root: its path relative to the root.
            case folder(String)
            /// One file inside the root: its path relative to the root.
            case file(String)
        }

        /// The corpus root (canonical absolute path).
        var root: String
        var part: Part
        /// What to walk (canonical absolute path).
        var walk: URL

        /// Whether a file of `root`, at `relativePath`, lies in this target.
        func covers(root: String, relativePath: String) -> Bool {
            guard root == self.root else { return false }
            switch part {
            case .root: return true
            case .folder(let folder): return relativePath.hasPrefix(folder + "/")
            case .file(let file): return relativePath == file
            }
        }

        /// The path of `relativePath` (relative to `root`) as this target's walk names it.
        var relativeWalkPath: String {
            switch part {
            case .root: ""
            case .folder(let folder), .file(let folder): folder
            }
        }
    }

    /// Records of a known root that now belong to another.
    typealias Move = IngestManifest.RootMove

    var targets: [Target] = []
    /// Per known root (``IngestManifest/legacyRoot`` included) whose records this run re-roots.
    var moves: [String: Move] = [:]
    /// Paths that do not exist or cannot be read.
    var errors: [InputError] = []

    /// Whether a file recorded under `root` at `relativePath` (after ``moves``) is in the scope of this run.
    func covers(root: String, relativePath: String) -> Bool {
        targets.contains { $0.covers(root: root, relativePath: relativePath) }
    }

    /// The roots the manifest should know after this run.
    var roots: [String] { Array(Set(targets.map(\.root))).sorted() }

    /// Resolves `paths` against the collection's known roots and recorded files.
    ///
    /// - Parameters:
    ///   - paths: the run's paths, as given (relative paths are taken from the working directory).
    ///   - knownRoots: the roots the manifest remembers.
    ///   - recordedFiles: per recorded root (``IngestManifest/legacyRoot`` included), its files' relative paths,
    ///     used to recognise a moved corpus or a store from before roots were recorded.
    init(paths: [URL], knownRoots: [String], recordedFiles: [String: [String]]) {
        let manager = FileManager.default
        // Roots no folder on disk holds any more, and the legacy root: candidates to be taken over.
        var orphaned = recordedFiles.filter { root, files in
            !files.isEmpty && (root == IngestManifest.legacyRoot || !manager.fileExists(atPath: root))
        }
        var known = Set(knownRoots).filter { manager.fileExists(atPath: $0) }
        for given in paths {
            let shown = given.relativePath.isEmpty ? given.path : given.relativePath
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: given.path, isDirectory: &isDirectory) else {
                errors.append(InputError(
                    SourceLocation(path: shown, line: 0, column: 0), field: "path", problem: "does not exist",
                    remedy: "check the spelling; nothing was deleted for this path"))
                continue
            }
            guard manager.isReadableFile(atPath: given.path) else {
                errors.append(InputError(
                    SourceLocation(path: shown, line: 0, column: 0), field: "path", problem: "cannot be read",
                    remedy: "check its permissions; nothing was deleted for this path"))
                continue
            }
            let path = given.standardizedFileURL.resolvingSymlinksInPath().path
            let directory = isDirectory.boolValue
            let folder = directory ? path : (path as NSString).deletingLastPathComponent
            if let root = Self.enclosingRoot(of: path, in: known) {
                targets.append(Self.target(root: root, path: path, isDirectory: directory))
                continue
            }
            if let (root, taken) = Self.adoptingRoot(for: folder, orphaned: orphaned) {
                for old in taken {
                    moves[old] = Move(root: root, prefix: "", keepsStamps: true)
                    orphaned[old] = nil
                }
                known.insert(root)
                targets.append(Self.target(root: root, path: path, isDirectory: directory))
                continue
            }
            // A new root. A folder takes in the known roots inside it; a file alone takes nothing.
            if directory {
                for inside in known where inside.hasPrefix(folder + "/") {
                    moves[inside] = Move(root: folder, prefix: String(inside.dropFirst(folder.count + 1)) + "/", keepsStamps: false)
                    known.remove(inside)
                }
            }
            known.insert(folder)
            targets.append(Self.target(root: folder, path: path, isDirectory: directory))
        }
        // Targets of a root taken in by a later path now name the root that took it, and a whole-root target
        // makes the others of its root redundant.
        targets = targets.map { target in
            guard let move = moves[target.root], !move.keepsStamps else { return target }
            var moved = target
            moved.root = move.root
            let relative = move.prefix + target.relativeWalkPath
            moved.part = target.part == .root ? .folder(String(relative.dropLast())) : {
                if case .file = target.part { return .file(relative) } else { return .folder(relative) }
            }()
            return moved
        }
        let whole = Set(targets.filter { $0.part == .root }.map(\.root))
        var seen = Set<Target>()
        targets = targets.filter { ($0.part == .root || !whole.contains($0.root)) && seen.insert($0).inserted }
    }

    private static func target(root: String, path: String, isDirectory: Bool) -> Target {
        let relative = path == root ? "" : String(path.dropFirst(root.count + 1))
        let part: Target.Part = relative.isEmpty ? .root : isDirectory ? .folder(relative) : .file(relative)
        return Target(root: root, part: part, walk: URL(fileURLWithPath: path, isDirectory: isDirectory))
    }

    /// The innermost known root at or above `path`.
    static func enclosingRoot(of path: String, in roots: Set<String>) -> String? {
        roots.filter { path == $0 || path.hasPrefix($0 + "/") }.max { $0.count < $1.count }
    }

    /// The nearest folder at or above `folder` (at most four levels up) that holds most of the files of one or
    /// more orphaned roots, with those roots.
    static func adoptingRoot(for folder: String, orphaned: [String: [String]]) -> (String, [String])? {
        guard !orphaned.isEmpty else { return nil }
        var candidate = folder
        for _ in 0..<5 {
            let taken = orphaned.filter { _, files in
                let present = files.count { FileManager.default.fileExists(atPath: candidate + "/" + $0) }
                return present * 2 > files.count
            }.keys.sorted()
            if !taken.isEmpty { return (candidate, taken) }
            let parent = (candidate as NSString).deletingLastPathComponent
            if parent == candidate || parent.isEmpty || parent == "/" { break }
            candidate = parent
        }
        return nil
    }
}
