import NeedleSupport

/// The runs themselves: what ran, with what, and how it went.
extension ReportBuilder {
    func runsSection() -> ReportSection {
        let setup = ReportTable(
            caption: "What each run evaluated",
            header: ["run", "model", "model SHA-256", "backend", "tokenizer", "task", "needles", "grid", "seed", "options"],
            rows: runs.map { run in
                let r = run.record
                return [run.label, r.modelPath, String(r.modelSHA256.prefix(12)), r.backend,
                        r.tokenizerName.isEmpty ? "(not recorded)" : r.tokenizerName, r.taskName,
                        String(run.needles), gridText(r), String(r.seed), r.optionsJSON]
            })
        let results = ReportTable(
            caption: "How each run went (wall time: from the run's creation to its last status change)",
            header: ["run", "status", "trials answered", "errors", "accuracy", "95% CI", "wall time", "peak memory"],
            rows: runs.map { run in
                let planned = run.record.grid.map { "/\($0.count)" } ?? ""
                return [run.label, run.record.status.rawValue, "\(run.trials)\(planned)", String(run.errors),
                        ReportNumber.accuracy(correct: run.correct, trials: run.trials),
                        ReportNumber.interval(correct: run.correct, trials: run.trials),
                        run.wallSeconds.map(ReportNumber.seconds) ?? "still running",
                        run.peakRSSBytes > 0 ? ByteSize.label(run.peakRSSBytes) : ""]
            })
        return ReportSection(id: "runs", heading: "Runs", tables: [setup, results])
    }

    /// One heatmap per run on the shared axes, each with its cells and its per-length timings.
    func heatmapSection() -> ReportSection {
        let figures = runs.map { run -> ReportFigure in
            let title = HeatmapSVG.Title(model: run.record.modelPath, task: run.record.taskName, runID: run.id,
                                         trialsPerCell: run.record.grid?.trials)
            let figure = HeatmapSVG.accuracyFigure(grid(run), subtitle: title.subtitle, scale: .cividis,
                                                   emptyFill: "#ffffff", emptyNote: "blank: no trials")
            return ReportFigure(
                id: "run-\(run.id)", svg: HeatmapSVG.render(figure, style: Self.embedded("run\(run.id)-")),
                caption: "\(run.label): accuracy by length and depth (\(run.record.taskName), \(run.needles) needle\(run.needles == 1 ? "" : "s"))",
                tables: [cellTable(run), lengthTable(run)])
        }
        return ReportSection(
            id: "heatmaps", heading: "Heatmaps",
            paragraphs: ["Every heatmap has the same axes: all lengths and depths of the selected runs. A blank cell had no"
                + " answered trial in that run. Hover a cell for its counts; the table under each figure holds them too."],
            figures: figures)
    }

    /// The heatmap's values: depths down, lengths across, `accuracy (correct/trials)`.
    private func cellTable(_ run: ReportRun) -> ReportTable {
        let grid = grid(run)
        return ReportTable(
            caption: "\(run.label): accuracy (correct/trials) by depth and length",
            header: ["depth"] + lengths.map(Lengths.label),
            rows: depths.map { depth in
                ["\(depth)%"] + lengths.map { length in
                    grid.cell(length: length, depth: depth).map {
                        "\(ReportNumber.accuracy(correct: $0.correct, trials: $0.trials)) (\($0.correct)/\($0.trials))"
                    } ?? ""
                }
            })
    }

    /// Per length: trials, accuracy with its interval, mean prefill and decode time, memory.
    private func lengthTable(_ run: ReportRun) -> ReportTable {
        ReportTable(
            caption: "\(run.label): per length (times are means per answered trial)",
            header: ["length", "trials", "correct", "accuracy", "95% CI", "prefill ms", "decode ms", "peak memory", "KV cache"],
            rows: run.lengths.map { s in
                [Lengths.label(s.length), String(s.trials), String(s.correct),
                 ReportNumber.accuracy(correct: s.correct, trials: s.trials),
                 ReportNumber.interval(correct: s.correct, trials: s.trials),
                 ReportNumber.milliseconds(s.meanPrefillMilliseconds), ReportNumber.milliseconds(s.meanDecodeMilliseconds),
                 s.peakRSSBytes > 0 ? ByteSize.label(s.peakRSSBytes) : "", s.kvBytes > 0 ? ByteSize.label(s.kvBytes) : ""]
            })
    }

    /// `1K, 4K, 16K × 0, 50, 100% × 4 trials`, or the stored text when it is not a grid.
    private func gridText(_ record: RunRecord) -> String {
        guard let grid = record.grid else { return record.gridJSON }
        let depths = grid.depths.map(String.init).joined(separator: ", ")
        return "\(grid.lengths.map(Lengths.label).joined(separator: ", ")) × \(depths)% × \(grid.trials) trial\(grid.trials == 1 ? "" : "s")"
    }
}
