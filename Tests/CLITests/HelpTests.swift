import XCTest

final class HelpTests: XCTestCase {
    func testHelpListsTheTool() throws {
        let r = try runCLI(["--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("needle-eval"))
    }
}
