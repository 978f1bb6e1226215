import XCTest
@testable import YOCORuntime

final class RuntimeInfoTests: XCTestCase {
    func testBLASReportsACoreName() {
        XCTAssertFalse(RuntimeInfo.blasCoreName.isEmpty)
    }
}
