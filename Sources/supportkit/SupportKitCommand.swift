import ArgumentParser
import Foundation
import SupportKitEmbedding

@main
struct SupportKitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "supportkit",
        abstract: "Ingest support docs, run the support assistant, and evaluate it.",
        subcommands: [
            DemoCommand.self,
            ServeCommand.self,
            TokenCommand.self,
            IngestCommand.self,
            SearchCommand.self,
            EmbedCommand.self,
            ModelsCommand.self,
            EvalCommand.self,
            GroundednessCommand.self,
            RunsCommand.self,
            TrainCommand.self,
            AskCommand.self,
            ChatCommand.self,
            TicketsCommand.self,
            VectorAIDevServerCommand.self,
        ]
    )

    @Flag(name: .long, help: "Print the version and the git commit it was built from.")
    var version = false

    func run() async throws {
        guard version else { throw CleanExit.helpRequest(self) }
        Terminal.output(BuildInfo.versionLine)
    }

    /// Runs the command; usage errors exit with 2 as ARCHITECTURE.md promises (the parser's default is 64).
    static func main() async {
        MiniLMModel.useCallingThreadsOnly()
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }
}
