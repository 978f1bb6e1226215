/// The report as one self-contained page: inline CSS and SVG, no script, no fonts or images to
/// fetch, so it opens from disk and prints. The markup is also well-formed XML (XHTML syntax),
/// which lets tests read it with an XML parser.
enum ReportHTML {
    static func render(_ document: ReportDocument) -> String {
        var html = """
            <!DOCTYPE html>
            <html xmlns="http://www.w3.org/1999/xhtml" lang="en">
            <head>
            <meta charset="utf-8"/>
            <meta name="viewport" content="width=device-width, initial-scale=1"/>
            <title>\(e(document.title))</title>
            <style>
            \(style)</style>
            </head>
            <body>
            <header>
            <h1>\(e(document.title))</h1>

            """
        for paragraph in document.paragraphs { html += "<p>\(e(paragraph))</p>\n" }
        html += "<nav><ul>"
        for section in document.sections { html += "<li><a href=\"#\(section.id)\">\(e(section.heading))</a></li>" }
        html += "</ul></nav>\n</header>\n<main>\n"
        for section in document.sections { html += render(section) }
        html += "</main>\n</body>\n</html>\n"
        return html
    }

    private static func render(_ section: ReportSection) -> String {
        var html = "<section id=\"\(section.id)\">\n<h2>\(e(section.heading))</h2>\n"
        for paragraph in section.paragraphs { html += "<p>\(e(paragraph))</p>\n" }
        if !section.figures.isEmpty {
            html += "<div class=\"figures\">\n"
            for figure in section.figures {
                html += "<figure id=\"\(figure.id)\">\n<figcaption>\(e(figure.caption))</figcaption>\n"
                html += figure.svg
                for table in figure.tables { html += render(table) }
                html += "</figure>\n"
            }
            html += "</div>\n"
        }
        for table in section.tables { html += render(table) }
        return html + "</section>\n"
    }

    /// A table in a scrolling box (wide tables scroll on screen and wrap in print); the first
    /// column heads its row.
    private static func render(_ table: ReportTable) -> String {
        var html = "<div class=\"table\"><table>\n<caption>\(e(table.caption))</caption>\n<thead><tr>"
        for cell in table.header { html += "<th scope=\"col\">\(e(cell))</th>" }
        html += "</tr></thead>\n<tbody>\n"
        let numeric = table.numericColumns
        for row in table.rows {
            html += "<tr>"
            for (index, cell) in row.enumerated() {
                if index == 0 {
                    html += "<th scope=\"row\">\(e(cell))</th>"
                } else {
                    html += index < numeric.count && numeric[index] ? "<td>\(e(cell))</td>" : "<td class=\"text\">\(e(cell))</td>"
                }
            }
            html += "</tr>\n"
        }
        return html + "</tbody>\n</table></div>\n"
    }

    private static func e(_ text: String) -> String { MarkupText.escape(text) }

    /// Figures wrap side by side and shrink to the window; a caption takes its figure's width
    /// (width 0, min-width 100%) instead of widening it. Tables scroll sideways on screen. In print,
    /// figures and table rows are not split across pages and colours print as shown.
    private static let style = """
        body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; font-size: 14px; color: #111111; margin: 1.5rem; }
        h1 { font-size: 1.5rem; margin: 0 0 0.5rem 0; }
        h2 { font-size: 1.2rem; margin: 2rem 0 0.5rem 0; border-bottom: 1px solid #cccccc; }
        p { max-width: 60rem; line-height: 1.45; }
        nav ul { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 0.4rem 1.2rem; }
        .figures { display: flex; flex-wrap: wrap; gap: 1.5rem; align-items: flex-start; }
        figure { margin: 0; max-width: 100%; }
        figcaption { font-weight: bold; margin-bottom: 0.3rem; width: 0; min-width: 100%; }
        figure svg { display: block; max-width: 100%; height: auto; }
        .table { overflow-x: auto; max-width: 100%; margin: 0.6rem 0 1rem 0; }
        table { border-collapse: collapse; font-size: 12px; }
        caption { text-align: left; font-style: italic; padding-bottom: 0.2rem; }
        th, td { border: 1px solid #d0d0d0; padding: 2px 6px; white-space: nowrap; }
        td { text-align: right; font-variant-numeric: tabular-nums; }
        td.text { text-align: left; white-space: normal; max-width: 24rem; overflow-wrap: break-word; }
        th[scope=row] { text-align: left; font-weight: normal; }
        thead th { background: #f2f2f2; }
        @media print {
          body { margin: 0; font-size: 11px; }
          nav { display: none; }
          figure, tr { break-inside: avoid; }
          h2 { break-after: avoid; }
          .table { overflow: visible; }
          th, td { white-space: normal; }
          * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        }

        """
}
