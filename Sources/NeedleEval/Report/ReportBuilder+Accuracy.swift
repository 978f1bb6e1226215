import NeedleSupport

/// Accuracy against context length (every run) and against the number of needles (tasks whose
/// runs hold several needles).
extension ReportBuilder {
    func lengthSection() -> ReportSection {
        let chart = LineChartSVG(
            title: "Accuracy by context length", subtitle: "one line per run",
            categories: lengths.map(Lengths.label), xTitle: "context length (tokens; K = 1024)",
            series: runs.map { run in
                LineChartSVG.Series(name: run.label, points: run.lengths.compactMap { s in
                    lengths.firstIndex(of: s.length).map { LineChartSVG.Point(category: $0, correct: s.correct, trials: s.trials) }
                })
            })
        let table = ReportTable(
            caption: "Accuracy by length: accuracy (correct/trials; Wilson 95% interval)",
            header: ["run"] + lengths.map(Lengths.label),
            rows: runs.map { run in
                [run.label] + lengths.map { length in
                    run.lengths.first { $0.length == length }.map {
                        ReportNumber.accuracyWithInterval(correct: $0.correct, trials: $0.trials)
                    } ?? ""
                }
            })
        return ReportSection(
            id: "by-length", heading: "Accuracy by context length",
            paragraphs: ["Each point is a run's accuracy over all depths at that length; its bar is the Wilson 95%"
                + " interval, which stays honest at a few trials and at 0 or 100% correct."],
            figures: [ReportFigure(id: "by-length-chart", svg: chart.render(),
                                   caption: "Accuracy by context length, one line per run", tables: [table])])
    }

    /// Accuracy by the number of needles: one figure per task whose selected runs hold more than
    /// one needle, one line per model (runs of one model at several needle counts join up); no
    /// section when no task does.
    func needleSections() -> [ReportSection] {
        var taskOrder: [String] = []
        for run in runs where !taskOrder.contains(run.record.taskName) { taskOrder.append(run.record.taskName) }
        let figures = taskOrder.filter { task in
            runs.contains { $0.record.taskName == task && $0.needles > 1 }
        }.enumerated().map { index, task in
            needleFigure(task: task, runs: runs.filter { $0.record.taskName == task }, id: "needles-\(index + 1)")
        }
        guard !figures.isEmpty else { return [] }
        return [ReportSection(
            id: "by-needles", heading: "Accuracy by number of needles",
            paragraphs: ["For tasks with several needles in the haystack: each point pools one model's runs at that"
                + " needle count over all their lengths and depths, with the Wilson 95% interval."],
            figures: figures)]
    }

    private struct ModelKey: Hashable {
        var path: String, sha: String, backend: String, options: String
    }

    private func needleFigure(task: String, runs taskRuns: [ReportRun], id: String) -> ReportFigure {
        let counts = Array(Set(taskRuns.map(\.needles))).sorted()
        // A model: the same weights answered the same way (backend and options such as the KV type).
        var order: [ModelKey] = [], members: [ModelKey: [ReportRun]] = [:]
        for run in taskRuns {
            let r = run.record
            let key = ModelKey(path: r.modelPath, sha: r.modelSHA256, backend: r.backend, options: r.optionsJSON)
            if members[key] == nil { order.append(key) }
            members[key, default: []].append(run)
        }
        func pooled(_ group: [ReportRun], _ n: Int) -> (correct: Int, trials: Int) {
            let atN = group.filter { $0.needles == n }
            return (atN.reduce(0) { $0 + $1.correct }, atN.reduce(0) { $0 + $1.trials })
        }
        let groups = order.map { key -> (name: String, runs: [ReportRun]) in
            let group = members[key] ?? []
            let ids = group.map { String($0.id) }.joined(separator: ", ")
            return ("\(group[0].modelName) (run\(group.count == 1 ? "" : "s") \(ids))", group)
        }
        let chart = LineChartSVG(
            title: "Accuracy by number of needles", subtitle: "task \(task)",
            categories: counts.map(String.init), xTitle: "needles in the haystack",
            series: groups.map { group in
                LineChartSVG.Series(name: group.name, points: counts.enumerated().map { index, n in
                    let p = pooled(group.runs, n)
                    return LineChartSVG.Point(category: index, correct: p.correct, trials: p.trials)
                })
            })
        let table = ReportTable(
            caption: "\(task): accuracy (correct/trials; Wilson 95% interval) by needles",
            header: ["model (runs)"] + counts.map { "N = \($0)" },
            rows: groups.map { group in
                [group.name] + counts.map { n in
                    let p = pooled(group.runs, n)
                    return p.trials == 0 ? "" : ReportNumber.accuracyWithInterval(correct: p.correct, trials: p.trials)
                }
            })
        return ReportFigure(id: id, svg: chart.render(),
                            caption: "\(task): accuracy by number of needles, one line per model", tables: [table])
    }
}
