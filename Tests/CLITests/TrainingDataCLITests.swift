import Foundation
import XCTest

/// Training takes its prompts from `needle-eval generate` (training/toolkit_data.py). This runs
/// that Python reader on prompts the built binary writes for every shipped task, so a change to
/// the prompt layout on either side fails here instead of silently training a different model.
/// Plain python3, no PyTorch: the reader needs only the standard library.
final class TrainingDataCLITests: XCTestCase {
    func testTrainingReaderAcceptsTheGeneratedPromptsOfEveryTask() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trainingdata-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let tasks = try FileManager.default.contentsOfDirectory(atPath: repositoryRoot.appendingPathComponent("tasks").path)
            .filter { $0.hasSuffix(".json") }.sorted()
        XCTAssertFalse(tasks.isEmpty)
        for task in tasks {
            let out = folder.appendingPathComponent(task + "l").path
            let r = try runCLI(["generate", "--task", "tasks/\(task)", "--lengths", "1K,3000", "--depths", "0,37,100",
                                "--trials", "2", "--seed", "11", "--out", out])
            XCTAssertEqual(r.status, 0, r.stderr)
        }
        let script = """
            import json, os, sys
            sys.path.insert(0, os.path.join(sys.argv[1], "training"))
            import toolkit_data as T
            n = 0
            for path in sorted(sys.argv[2:]):
                spec = T.load_task(os.path.basename(path)[:-len(".jsonl")])
                for line in open(path, encoding="utf-8"):
                    example = T.row_example(json.loads(line), spec)
                    assert example["qa"], path
                    n += 1
            print(n)
            """
        let files = tasks.map { folder.appendingPathComponent($0 + "l").path }
        let python = try runPython(["-c", script, repositoryRoot.path] + files)
        XCTAssertEqual(python.status, 0, "training/toolkit_data.py refused a generated prompt:\n\(python.stderr)")
        XCTAssertEqual(python.stdout.trimmingCharacters(in: .whitespacesAndNewlines), String(tasks.count * 2 * 3 * 2))
    }
}
