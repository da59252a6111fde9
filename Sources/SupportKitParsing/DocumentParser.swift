import Foundation
import SupportKit

/// Parses any supported file into documents, by extension: `.md`/`.markdown`/`.mdx`, `.html`/`.htm`, `.json`,
/// `.jsonl`.
public struct DocumentParser: Sendable {
    /// Settings for parsing.
    public struct Configuration: Sendable, Hashable, Codable {
        public var categories: CategorySet
        /// Files larger than this are rejected (a 50 MB "article" is an export gone wrong, not a document).
        public var maxFileBytes: Int
        /// How front matter names the category and marks unpublished pages.
        public var frontMatter: FrontMatterMapping

        public init(categories: CategorySet = .default, maxFileBytes: Int = 10 * 1024 * 1024, frontMatter: FrontMatterMapping = FrontMatterMapping()) {
            self.categories = categories
            self.maxFileBytes = maxFileBytes
            self.frontMatter = frontMatter
        }
    }

    /// The file extensions that are ingested; others in a corpus folder are ignored.
    public static let supportedExtensions: Set<String> = ["md", "markdown", "mdx", "html", "htm", "json", "jsonl"]

    public let configuration: Configuration

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// What came out of one file: its documents, and an error for each article or the file that failed.
    public struct FileResult: Sendable {
        public var relativePath: String
        public var documents: [Document]
        public var errors: [InputError]
        /// Bytes read, for throughput figures.
        public var byteCount: Int
        /// Static-site markup removed while parsing.
        public var markup = MarkupCounts()
        /// Pages the front matter marks as not published (`draft: true`): not documents, not errors.
        public var skipped: [SkippedDocument] = []
    }

    /// Reads and parses one file. Never throws: every problem becomes an `InputError` in the result.
    public func parseFile(at url: URL, relativePath: String) -> FileResult {
        let location = SourceLocation(path: relativePath)
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            if size > configuration.maxFileBytes {
                let limit = Self.megabytes(configuration.maxFileBytes)
                return FileResult(relativePath: relativePath, documents: [], errors: [InputError(
                    location, field: "file", problem: "\(Self.megabytes(size)) is over the \(limit) limit",
                    remedy: "split it into one file per article, or raise `ingest.max_file_mb` in supportkit.yaml")], byteCount: 0)
            }
            data = try Data(contentsOf: url)
        } catch {
            return FileResult(relativePath: relativePath, documents: [], errors: [InputError(
                location, field: "file", problem: "unreadable (\(Self.describe(error)))",
                remedy: "check that the file exists and is readable")], byteCount: 0)
        }
        return parse(data, relativePath: relativePath)
    }

    /// Parses bytes as the format that `relativePath`'s extension names.
    public func parse(_ data: Data, relativePath: String) -> FileResult {
        let context = ParseContext(relativePath: relativePath, categories: configuration.categories, frontMatter: configuration.frontMatter)
        let fileExtension = (relativePath as NSString).pathExtension.lowercased()
        var documents: [Document] = []
        var errors: [InputError] = []
        var markup = MarkupCounts()
        var skipped: [SkippedDocument] = []
        do {
            switch fileExtension {
            case "md", "markdown", "mdx":
                documents.append(try MarkdownParser().parse(data, context: context, markup: &markup))
            case "html", "htm":
                documents.append(try HTMLParser().parse(data, context: context, markup: &markup))
            case "json", "jsonl":
                let parser = JSONArticleParser()
                let outcomes = fileExtension == "json"
                    ? try parser.parseJSON(data, context: context)
                    : try parser.parseJSONLines(data, context: context)
                for outcome in outcomes {
                    switch outcome {
                    case .success(let document): documents.append(document)
                    case .failure(let error): errors.append(error)
                    }
                }
            default:
                errors.append(InputError(
                    SourceLocation(path: relativePath), field: "file", problem: "unsupported file type .\(fileExtension)",
                    remedy: "use .md, .html, .json or .jsonl"))
            }
        } catch let error as InputError {
            errors.append(error)
        } catch let skip as SkippedDocument {
            skipped.append(skip)
        } catch {
            errors.append(InputError(SourceLocation(path: relativePath), field: "file", problem: "\(error)", remedy: "check the file"))
        }
        return FileResult(relativePath: relativePath, documents: documents, errors: errors, byteCount: data.count, markup: markup, skipped: skipped)
    }

    static func megabytes(_ bytes: Int) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_048_576)
    }

    private static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let posix = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, posix.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(posix.code)))
        }
        switch nsError.code {
        case NSFileReadNoPermissionError: return "permission denied"
        case NSFileReadNoSuchFileError, NSFileNoSuchFileError: return "no such file"
        default: return nsError.localizedDescription
        }
    }
}
