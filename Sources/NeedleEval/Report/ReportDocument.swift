/// The report as content, before it is written as HTML or Markdown: sections of text, figures and
/// tables. Both formats render this one value, so their tables hold the same numbers.
struct ReportDocument {
    var title: String
    var paragraphs: [String]
    var sections: [ReportSection]
}

struct ReportSection {
    /// The HTML anchor (`id`) of the section.
    var id: String
    var heading: String
    var paragraphs: [String] = []
    var figures: [ReportFigure] = []
    var tables: [ReportTable] = []
}

/// An SVG figure with its caption and the tables that hold its values (Markdown keeps the tables).
struct ReportFigure {
    var id: String
    var svg: String
    var caption: String
    var tables: [ReportTable]
}

struct ReportTable {
    var caption: String
    var header: [String]
    var rows: [[String]]

    /// Columns to align right: after the first (which names the row), those whose every non-empty
    /// cell starts with a digit or a sign (counts, accuracies, lengths such as 64K, depths such as 50%).
    var numericColumns: [Bool] {
        header.indices.map { column in
            column > 0 && rows.allSatisfy { row in
                guard column < row.count, let first = row[column].first else { return true }
                return first.isNumber || first == "+" || first == "-"
            }
        }
    }
}
