import Foundation
import XCTest
import NeedleEval

final class ExportAtomicFileTests: XCTestCase {
    func testReplacesWholeAndLeavesNoTemporaryFiles() throws {
        let folder = try makeTemporaryFolder(self)
        let path = folder.appendingPathComponent("heatmap.csv").path
        try AtomicFileWriter.write("old\n", to: path)
        try AtomicFileWriter.write("new\n", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "new\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["heatmap.csv"])
    }

    func testAMissingFolderIsAnErrorNamingThePath() throws {
        let path = try makeTemporaryFolder(self).appendingPathComponent("no/such/dir/out.svg").path
        XCTAssertThrowsError(try AtomicFileWriter.write("x", to: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains(path) && text.contains("does not exist") && text.contains("--out"), text)
        }
    }

    func testRenamingOntoAFolderFailsAndCleansUp() throws {
        let folder = try makeTemporaryFolder(self)
        let target = folder.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: target.appendingPathComponent("inside"), withIntermediateDirectories: true)
        XCTAssertThrowsError(try AtomicFileWriter.write("x", to: target.path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), ["taken"])
    }
}
