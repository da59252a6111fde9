import ArgumentParser

@main
struct SupportKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supportkit",
        abstract: "Ingest support docs, run the support assistant, and evaluate it.",
        subcommands: [
            IngestCommand.self,
            SearchCommand.self,
        ]
    )
}
