import Foundation
@testable import NeedleEval

/// The repository root, found from this file's path (tests read tasks/ from it).
let repositoryRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

func taskPath(_ name: String) -> String { repositoryRoot.appendingPathComponent("tasks/\(name)").path }

func loadTask(_ name: String) throws -> TaskSpec { try TaskSpec.load(path: taskPath(name)) }

/// Counts non-overlapping occurrences of `needle` in `tokens`.
func occurrences(of needle: [Int32], in tokens: [Int32]) -> Int {
    guard !needle.isEmpty, tokens.count >= needle.count else { return 0 }
    var count = 0, i = 0
    while i <= tokens.count - needle.count {
        if tokens[i] == needle[0] && Array(tokens[i..<i + needle.count]) == needle { count += 1; i += needle.count } else { i += 1 }
    }
    return count
}
