import NeedleSupport

/// Difference heatmaps: each run against the first selected run of the same task, with only the
/// cells whose difference survives Fisher's exact test and Holm's adjustment coloured.
extension ReportBuilder {
    func differenceSection() -> ReportSection {
        let method = "Each run is compared with the first selected run of the same task (same spec and needle count)"
            + " on the cells both answered. Per cell, Fisher's exact test (two-sided) asks whether the two runs'"
            + " correct/wrong counts could come from one accuracy: it is exact at the few trials a cell holds, where a"
            + " two-proportion z-test's normal approximation is not. The p-values of one heatmap are adjusted with"
            + " Holm's method, so the chance of colouring any cell of two equally good runs stays at 5%. Coloured"
            + " cells (marked *) differ at Holm-adjusted p ≤ 0.05; grey cells show a difference that could be chance."
            + " How many trials a cell needs for that depends on the number of cells: 4 a side give p = 0.029 at best"
            + " for one cell, and Holm multiplies the smallest p by the number of cells, so 15 cells need 6 trials a"
            + " side (the last column below says what each comparison could reach)."
        guard !comparisons.isEmpty else {
            return ReportSection(
                id: "differences", heading: "Differences",
                paragraphs: [method, "No two selected runs share a task, so there is nothing to compare cell by cell."])
        }
        let summary = ReportTable(
            caption: "Comparisons: cells both runs answered and how many differ significantly",
            header: ["run", "baseline", "task", "cells compared", "significant cells", "smallest attainable p (Holm)"],
            rows: comparisons.map { c in
                [c.run.label, c.baseline.label, c.run.record.taskName, String(c.cells.count), String(c.significantCells),
                 c.smallestAttainableAdjustedP.map(ReportNumber.p) ?? ""]
            })
        return ReportSection(id: "differences", heading: "Differences", paragraphs: [method],
                             figures: comparisons.map(differenceFigure), tables: [summary])
    }

    private func differenceFigure(_ c: RunComparison) -> ReportFigure {
        var byPoint: [[Int]: RunComparison.Cell] = [:]
        for cell in c.cells { byPoint[[cell.length, cell.depth]] = cell }
        let figure = HeatmapSVG.Figure(
            title: "Difference in accuracy",
            subtitle: "\(c.run.label) − \(c.baseline.label) · \(c.run.record.taskName)",
            lengths: lengths, depths: depths,
            cell: { length, depth in
                guard let cell = byPoint[[length, depth]] else {
                    return HeatmapSVG.Cell(fill: "#ffffff", label: nil, labelFill: nil, tooltip: "not answered in both runs")
                }
                let label = ReportNumber.difference(cell.difference, decimals: 2)
                guard cell.isSignificant else {
                    return HeatmapSVG.Cell(fill: "#f0f0f0", label: label, labelFill: "#595959", tooltip: tooltip(cell))
                }
                let color = HeatmapColor.rgb(cell.difference, scale: .purpleOrange)
                return HeatmapSVG.Cell(fill: HeatmapColor.hex(color), label: label + "*",
                                       labelFill: HeatmapColor.textHex(on: color), tooltip: tooltip(cell))
            },
            legend: HeatmapSVG.Legend(scale: .purpleOrange, low: "-1.0", high: "+1.0", caption: "run − baseline (* significant)"))
        let table = ReportTable(
            caption: "\(c.run.label) against \(c.baseline.label): cells both answered",
            header: ["length", "depth", "baseline correct", "run correct", "difference", "p (Fisher)", "p (Holm)", "significant"],
            rows: c.cells.map { cell in
                [Lengths.label(cell.length), "\(cell.depth)%", "\(cell.baseline.correct)/\(cell.baseline.trials)",
                 "\(cell.run.correct)/\(cell.run.trials)", ReportNumber.difference(cell.difference),
                 ReportNumber.p(cell.p), ReportNumber.p(cell.adjustedP), cell.isSignificant ? "yes" : "no"]
            })
        return ReportFigure(
            id: "diff-\(c.run.id)-vs-\(c.baseline.id)",
            svg: HeatmapSVG.render(figure, style: Self.embedded("diff\(c.run.id)-\(c.baseline.id)-")),
            caption: "\(c.run.label) minus \(c.baseline.label): \(c.significantCells) of \(c.cells.count) cells differ significantly"
                + powerNote(c),
            tables: [table])
    }

    /// Says so when the trial counts could not have shown any difference, and what would.
    private func powerNote(_ c: RunComparison) -> String {
        guard let best = c.smallestAttainableAdjustedP, best > RunComparison.alpha, let n = c.trialsPerCellNeeded else { return "" }
        return " (no cell could: with these trial counts the smallest Holm-adjusted p is \(ReportNumber.p(best));"
            + " \(c.cells.count) cells need \(n) trials a side)"
    }

    private func tooltip(_ cell: RunComparison.Cell) -> String {
        "run \(cell.run.correct)/\(cell.run.trials), baseline \(cell.baseline.correct)/\(cell.baseline.trials), "
            + "difference \(ReportNumber.difference(cell.difference)), p \(ReportNumber.p(cell.p)), "
            + "Holm p \(ReportNumber.p(cell.adjustedP))\(cell.isSignificant ? ", significant" : ", not significant")"
    }
}
