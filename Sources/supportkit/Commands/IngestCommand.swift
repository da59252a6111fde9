import ArgumentParser
import Foundation
import SupportKit
import SupportKitIngest
import SupportKitStore

struct IngestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Parse, chunk, embed and sync support documents into the store.",
        discussion: """
            Unchanged documents cost nothing; changed ones are re-chunked and only their changed chunks are \
            re-embedded; deleted ones disappear from the store. A document that cannot be read is reported and \
            keeps its previous chunks. A run deletes only documents of the corpus roots (or the parts of them) it \
            was given whose files are gone; a path that does not exist deletes nothing. A run that would delete \
            more than half of the collection's documents stops unless `--allow-mass-delete` is given.
            `--verify` compares the ingest manifest with the store and reports chunks on one side only; \
            `--verify --repair` deletes orphans and re-ingests documents with missing chunks.
            Exit codes: 0 ok, 1 `--verify` found differences (without `--repair`), 2 some document or path could \
            not be read, or a mass deletion was refused, 3 store or model unavailable.
            """)

    @Argument(help: "Folders or files to ingest (Markdown, HTML, JSON, JSONL).")
    var paths: [String] = ["corpora"]

    @OptionGroup var global: GlobalOptions

    @OptionGroup var format: OutputOptions

    @Flag(name: .long, help: "Print the plan (added, changed, unchanged, deleted) and change nothing.")
    var dryRun = false

    @Flag(name: .long, help: "Fail before writing anything when any document is bad.")
    var strict = false

    @Option(name: .long, help: "Collection to ingest into.")
    var collection: String = Collections.knowledge

    @Flag(name: .long, help: "Drop the collection first and ingest everything again (e.g. after switching embedders).")
    var rebuild = false

    @Flag(name: .long, help: "Go ahead when the run deletes more than half of the collection's documents.")
    var allowMassDelete = false

    @Flag(name: .long, help: "Compare the ingest manifest with the store: chunks the manifest has and the store lacks, and the reverse.")
    var verify = false

    @Flag(name: .long, help: "With --verify: delete orphan points and re-ingest the documents whose chunks are missing.")
    var repair = false

    func validate() throws {
        if repair, !verify { throw ValidationError("--repair goes with --verify") }
        if verify, dryRun || rebuild || strict { throw ValidationError("--verify does not combine with --dry-run, --rebuild or --strict") }
    }

    func run() async throws {
        try await runReportingErrors {
            let wiring = try Wiring(options: global)
            let urls = paths.map { URL(fileURLWithPath: $0) }
            if verify {
                let (verifier, pipeline) = try await wiring.makeVerifier(collection: collection)
                let result = try await verifier.check(repair: repair) { try await pipeline().run(paths: urls) }
                if format.json { try Terminal.printJSON(result.output) } else { IngestConsole.printVerification(result, collection: collection) }
                if !result.after.isConsistent { throw ExitCode(1) }
                return
            }
            let bar = ProgressBar()
            let (pipeline, embedder) = try await wiring.makeIngestPipeline(
                collection: collection, strict: strict, dryRun: dryRun, allowMassDeletion: allowMassDelete, rebuild: rebuild,
                progress: bar)
            let summary: IngestSummary
            var refused: String?
            do {
                summary = try await pipeline.run(paths: urls)
            } catch IngestError.strictFailure(let partial) {
                summary = partial
                refused = "--strict: \(partial.errors.count) bad document(s); nothing was written"
            } catch IngestError.massDeletion(let partial) {
                summary = partial
                refused = "error: " + (partial.massDeletion?.explanation ?? "refusing a mass deletion")
            }
            bar.finish()
            for line in summary.summarizedErrors() { Terminal.diagnostic("error: " + line) }
            if let refused { Terminal.diagnostic(refused) }
            if format.json { try Terminal.printJSON(IngestOutput(summary)) } else if refused == nil { Terminal.output(IngestConsole.describe(summary, embedder: embedder)) }
            if refused != nil || !summary.errors.isEmpty { throw ExitCode(2) }
        }
    }
}
