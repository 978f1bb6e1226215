import Foundation
import XCTest

/// The help screens are the command-line contract users and scripts read: every subcommand is
/// listed, and each documents the flags scripts depend on.
final class HelpTests: XCTestCase {
    func testHelpListsEverySubcommand() throws {
        let r = try runCLI(["--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for sub in ["run", "generate", "score", "corpus", "query", "runs", "export", "report", "bench", "tokenize"] {
            XCTAssertTrue(r.stdout.contains("\n  \(sub) "), "--help lists \(sub):\n\(r.stdout)")
        }
    }

    func testSubcommandHelpNamesTheContractFlags() throws {
        let flags: [String: [String]] = [
            "run": ["--task", "--model", "--length", "--lengths", "--depths", "--trials", "--seed", "--db", "--resume", "--threads"],
            "generate": ["--task", "--lengths", "--depths", "--trials", "--tokenizer", "--out"],
            "score": ["--prompts", "--answers", "--db", "--model-name"],
            "query": ["--db", "--csv"],
            "bench": ["--model", "--lengths", "--arch", "--json"],
            "report": ["--db", "--runs", "--task", "--format", "--out"],
        ]
        for (sub, names) in flags {
            let r = try runCLI([sub, "--help"])
            XCTAssertEqual(r.status, 0, r.stderr)
            for flag in names { XCTAssertTrue(r.stdout.contains(flag), "\(sub) --help documents \(flag)") }
        }
        let export = try runCLI(["export", "heatmap", "--help"])
        for flag in ["--db", "--run", "--format", "--long", "--out"] { XCTAssertTrue(export.stdout.contains(flag), "export heatmap --help documents \(flag)") }
    }

    /// Every document a help screen points to is a file of this repository.
    func testHelpNamesOnlyDocumentsInTheRepository() throws {
        let document = try NSRegularExpression(pattern: #"[A-Za-z0-9_./-]+\.md"#)
        var named = 0
        for args in [["--help"], ["query", "--help"], ["run", "--help"], ["generate", "--help"], ["export", "heatmap", "--help"], ["report", "--help"], ["bench", "--help"]] {
            let text = try runCLI(args).stdout
            for match in document.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                let path = String(text[Range(match.range, in: text)!])
                named += 1
                XCTAssertTrue(FileManager.default.fileExists(atPath: repositoryRoot.appendingPathComponent(path).path),
                              "\(args) help names \(path), which is not in the repository")
            }
        }
        XCTAssertGreaterThan(named, 0, "query --help points to the database schema's page")
    }
}

/// `bench --store` (the store benchmark, kept out of the test suite's timings) records what it
/// says it recorded; the numbers themselves are not asserted.
final class StoreBenchCLITests: XCTestCase {
    func testStoreBenchRecordsTheTrialsItReports() throws {
        let r = try runCLI(["bench", "--store", "300", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["trials"] as? Int, 300)
        for key in ["insert_mean_ms", "insert_p99_ms", "export_svg_ms", "read_all_trials_ms"] {
            XCTAssertNotNil(report[key] as? Double, key)
        }
        XCTAssertEqual(try runCLI(["bench", "--store", "0"]).status, 2, "a bad count is a usage error")
    }
}

/// `bench --compare-kv` runs the speed table with both KV storage types in one process.
final class BenchCompareKVCLITests: XCTestCase {
    func testBothKVTypesSideBySide() throws {
        let r = try runCLI(["bench", "--lengths", "4K", "--compare-kv", "--skip-roofline", "--decode-tokens", "2"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let lines = r.stdout.split(separator: "\n").map(String.init)
        let f32 = try XCTUnwrap(lines.firstIndex(of: "kv f32:"), r.stdout)
        let f16 = try XCTUnwrap(lines.firstIndex(of: "kv f16:"), r.stdout)
        XCTAssertLessThan(f32, f16)
        // The 4K row of each: the KV cache column is 4 MiB for f32 and half that for f16.
        let rows = lines.filter { $0.hasPrefix("4K ") }
        XCTAssertEqual(rows.count, 2, r.stdout)
        XCTAssertTrue(rows[0].hasSuffix("4.0 MiB") && rows[1].hasSuffix("2.0 MiB"), "\(rows)")
    }
}

final class BenchRunGridCLITests: XCTestCase {
    /// `bench --run-grid`: the whole run (shipped model, default grid up to 2K) with cells decoded
    /// together and one at a time, beside one fresh prefill; both give the same answers.
    func testGridRunWithTwoBatchSizesSideBySide() throws {
        let model = repositoryRoot.appendingPathComponent("models/yoco-niah-tiny").path
        let task = repositoryRoot.appendingPathComponent("tasks/niah_single.json").path
        let r = try runCLI(["bench", "--run-grid", "2K", "--decode-batches", "8,1", "--model", model, "--task", task, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["cells"] as? Int, 22)
        XCTAssertGreaterThan(report["one_fresh_prefill_seconds"] as? Double ?? 0, 0)
        let rows = try XCTUnwrap(report["rows"] as? [[String: Any]])
        XCTAssertEqual(rows.map { $0["decode_batch"] as? Int }, [8, 1])
        XCTAssertEqual(rows.map { $0["trials"] as? Int }, [22, 22])
        XCTAssertNotNil(rows[0]["outputs_sha256"] as? String)
        XCTAssertEqual(rows[0]["outputs_sha256"] as? String, rows[1]["outputs_sha256"] as? String)
    }

    func testBadBatchSizesAreRefused() throws {
        let r = try runCLI(["bench", "--run-grid", "4K", "--decode-batches", "8,0"])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("--decode-batches entry '0'"), r.stderr)
        let run = try runCLI(["run", "--length", "4K", "--decode-batch", "0", "--db", "/nonexistent/x.sqlite"])
        XCTAssertNotEqual(run.status, 0)
        XCTAssertTrue(run.stderr.contains("--decode-batch must be at least 1"), run.stderr)
    }
}
