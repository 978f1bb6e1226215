/// What the page computes and how to read its colours, said once at its end.
extension ReportBuilder {
    func methodSection() -> ReportSection {
        ReportSection(id: "method", heading: "How to read this report", paragraphs: [
            "Accuracy is correct answers over answered trials: a trial is correct only when every question of its"
                + " prompt was answered exactly. Trials with status error (a server that never answered) are left out"
                + " of accuracy and counted in the errors column.",
            "Intervals are Wilson score intervals at 95% (z = 1.96), as in the long heatmap CSV"
                + " (docs/HEATMAP_FORMATS.md).",
            "Differences: Fisher's exact test, two-sided, per cell (the 2 × 2 table of correct and wrong answers of"
                + " the two runs), then Holm's step-down adjustment over the cells of one difference heatmap;"
                + " significant means adjusted p ≤ 0.05. Fisher's test is exact for any number of trials, where the"
                + " normal approximation of a two-proportion test fails at the 2 to 10 trials a cell usually has."
                + " Holm bounds the chance of any false mark in a heatmap at 5% without assumptions on the cells;"
                + " Benjamini–Hochberg would mark more cells but only bounds the share of false marks.",
            "Colours: accuracy runs from dark blue (0) to yellow (1) on a cividis-like scale whose lightness rises"
                + " steadily, so it reads in grey print and for red–green colour-blind readers. Differences use an"
                + " orange (worse than the baseline) to purple (better) scale that stays apart for colour-blind"
                + " readers; every cell also prints its value, and significant ones a *. Lines are told apart by"
                + " colour (Okabe–Ito palette), marker shape and dash pattern.",
            "Wall time runs from the run's creation to its last status change (a resumed run counts its pause);"
                + " prefill and decode times are means per answered trial at each length; peak memory is the"
                + " largest resident set any trial reported (0 for answers imported by score).",
        ])
    }
}
