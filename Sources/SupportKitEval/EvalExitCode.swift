/// The process exit codes of `supportkit eval` (see ARCHITECTURE.md).
public enum EvalExitCode {
    /// Everything ran and every gate passed.
    public static let ok: Int32 = 0
    /// A gate failed or a regression was found.
    public static let gateFailed: Int32 = 1
    /// Bad usage, or a conversation could not be read (the valid ones were still evaluated).
    public static let invalidInput: Int32 = 2
    /// The store, the model or another service was unreachable.
    public static let unavailable: Int32 = 3

    /// The exit code of a finished run.
    ///
    /// An unreachable assistant wins over everything: the run is incomplete (`--resume` finishes it), so no
    /// metric is the suite's yet. Invalid input wins over a failed gate: with conversations left out, the
    /// metrics the gates judged are not the suite's, so the input has to be fixed first.
    public static func forRun(gatesPassed: Bool, hadInputErrors: Bool, hadUnavailableTurns: Bool = false) -> Int32 {
        if hadUnavailableTurns { return unavailable }
        if hadInputErrors { return invalidInput }
        return gatesPassed ? ok : gateFailed
    }
}
