/// Comma-separated values with RFC 4180 quoting; lines end with "\n".
public enum CSV {
    /// `field` as is, or in double quotes (inner quotes doubled) when it holds a comma, quote or
    /// line break.
    public static func field(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
        else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// One line: the fields quoted as needed, joined by commas, ending in "\n".
    public static func row(_ fields: [String]) -> String {
        fields.map(field).joined(separator: ",") + "\n"
    }
}
