import ArgumentParser

@main
struct SupportKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supportkit",
        abstract: "Ingest support docs, run the support assistant, and evaluate it.",
        subcommands: [
            DemoCommand.self,
            ServeCommand.self,
            IngestCommand.self,
            SearchCommand.self,
            EvalCommand.self,
            RunsCommand.self,
            TrainCommand.self,
            AskCommand.self,
            ChatCommand.self,
            TicketsCommand.self,
        ]
    )
}
