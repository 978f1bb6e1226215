import ArgumentParser

/// The results database flags shared by `query`, `runs` and `export`.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The results database (SQLite).", valueName: "file"))
    var db: String = "needle-eval.sqlite"

    @Option(name: .customLong("lock-timeout"),
            help: ArgumentHelp("Seconds to wait for another process's lock on the database.", valueName: "seconds"))
    var lockTimeout: Double = 10

    var busyTimeoutMs: Int32 { Int32(min(lockTimeout, 86_400) * 1000) }

    func validate() throws {
        guard !db.isEmpty else { throw ValidationError("--db needs a file name, e.g. --db needle-eval.sqlite") }
        guard lockTimeout >= 0 else { throw ValidationError("--lock-timeout must be 0 or more seconds") }
    }
}
