import XCTest

/// The help screens are the command-line contract users and scripts read: every subcommand is
/// listed, and each documents the flags scripts depend on.
final class HelpTests: XCTestCase {
    func testHelpListsEverySubcommand() throws {
        let r = try runCLI(["--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for sub in ["run", "generate", "corpus", "query", "runs", "export", "bench"] {
            XCTAssertTrue(r.stdout.contains("\n  \(sub) "), "--help lists \(sub):\n\(r.stdout)")
        }
    }

    func testSubcommandHelpNamesTheContractFlags() throws {
        let flags: [String: [String]] = [
            "run": ["--task", "--model", "--length", "--lengths", "--depths", "--trials", "--seed", "--db", "--resume", "--threads"],
            "generate": ["--task", "--lengths", "--depths", "--trials", "--tokenizer", "--out"],
            "query": ["--db", "--csv"],
            "bench": ["--model", "--lengths", "--arch", "--json"],
        ]
        for (sub, names) in flags {
            let r = try runCLI([sub, "--help"])
            XCTAssertEqual(r.status, 0, r.stderr)
            for flag in names { XCTAssertTrue(r.stdout.contains(flag), "\(sub) --help documents \(flag)") }
        }
        let export = try runCLI(["export", "heatmap", "--help"])
        for flag in ["--db", "--run", "--format", "--long", "--out"] { XCTAssertTrue(export.stdout.contains(flag), "export heatmap --help documents \(flag)") }
    }

    func testHelpNamesNoDocumentOutsideTheRepository() throws {
        for args in [["--help"], ["query", "--help"], ["run", "--help"], ["export", "heatmap", "--help"]] {
            let text = try runCLI(args).stdout
            for outside in ["DESIGN.md", "YOCO_REFERENCE", "MACHINE_FACTS", "INTEGRATION_FACTS"] {
                XCTAssertFalse(text.contains(outside), "\(args) help names \(outside)")
            }
        }
    }
}
