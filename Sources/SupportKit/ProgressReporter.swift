/// Where a long job (ingest's phases, an evaluation's turns) says how far it is. Libraries report; drawing is the
/// command line's (`ProgressBar` in the CLI).
public protocol ProgressReporter: Sendable {
    /// The job stands at `step`.
    func update(_ step: ProgressStep)
    /// Something the user must know that does not fit the job's outcome (an interrupted run's leftovers), one line.
    func warning(_ message: String)
}

/// How far a job is.
public struct ProgressStep: Sendable, Hashable {
    /// The part of the job (`parse`, `embed+write`, `eval`).
    public var phase: String
    /// Units done, counting `resumed`.
    public var done: Int
    /// Units in all.
    public var total: Int
    /// What the units are, for people (`turns`); empty when they need no name.
    public var unit: String
    /// What is being worked on (a file), or empty.
    public var item: String
    /// Units an earlier, interrupted attempt already did: rates count only the rest.
    public var resumed: Int
    /// Units that did not go as they should, shown beside the count (`3 unmeasured`), with `failedLabel`.
    public var failed: Int
    /// What a failed unit is called (`unmeasured`).
    public var failedLabel: String
    /// Whether the phase is over (the last step of it, also when it stopped early).
    public var isFinal: Bool

    /// A step of `phase`.
    public init(
        phase: String, done: Int, total: Int, unit: String = "", item: String = "", resumed: Int = 0, failed: Int = 0,
        failedLabel: String = "failed", isFinal: Bool = false
    ) {
        self.phase = phase
        self.done = done
        self.total = total
        self.unit = unit
        self.item = item
        self.resumed = resumed
        self.failed = failed
        self.failedLabel = failedLabel
        self.isFinal = isFinal
    }
}
