/// The report's tables as GitHub-flavoured Markdown, for a README or a pull request. Figures are
/// left out; their tables stay, under the figure's caption.
enum ReportMarkdown {
    static func render(_ document: ReportDocument) -> String {
        var text = "# \(inline(document.title))\n\n"
        for paragraph in document.paragraphs { text += inline(paragraph) + "\n\n" }
        for section in document.sections {
            text += "## \(inline(section.heading))\n\n"
            for paragraph in section.paragraphs { text += inline(paragraph) + "\n\n" }
            for figure in section.figures {
                text += "### \(inline(figure.caption))\n\n"
                for table in figure.tables { text += render(table) }
            }
            for table in section.tables { text += render(table) }
        }
        return text
    }

    private static func render(_ table: ReportTable) -> String {
        var text = "**\(inline(table.caption))**\n\n"
        text += row(table.header)
        text += "|" + table.numericColumns.map { $0 ? " ---: " : " --- " }.joined(separator: "|") + "|\n"
        for cells in table.rows { text += row(cells) }
        return text + "\n"
    }

    private static func row(_ cells: [String]) -> String {
        "| " + cells.map { inline($0).replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
    }

    /// One line of text; Markdown's own characters in database text (model paths) are escaped.
    private static func inline(_ text: String) -> String {
        var out = ""
        for character in text.replacingOccurrences(of: "\n", with: " ") {
            if "\\`*_[]<>#".contains(character) { out.append("\\") }
            out.append(character)
        }
        return out
    }
}
