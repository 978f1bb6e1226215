/// A plain aligned table for terminals: a header, a rule, then rows; columns padded to their
/// widest cell and separated by two spaces. Numbers align right, text left.
public enum TextTable {
    public static func render(header: [String], rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        // A column is numeric when every non-empty cell parses as a number.
        let numeric = widths.indices.map { i in
            rows.contains { i < $0.count && !$0[i].isEmpty } &&
                rows.allSatisfy { i >= $0.count || $0[i].isEmpty || Double($0[i]) != nil }
        }
        func line(_ cells: [String]) -> String {
            widths.indices.map { i in
                let cell = i < cells.count ? cells[i] : ""
                let pad = String(repeating: " ", count: widths[i] - cell.count)
                return numeric[i] ? pad + cell : cell + pad
            }.joined(separator: "  ").trimmingTrailingSpaces() + "\n"
        }
        var text = line(header)
        text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows { text += line(row) }
        return text
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}
