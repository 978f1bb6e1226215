import Foundation

/// JSONSerialization hands numbers and booleans back as NSNumber; this tells them apart.
public protocol NSNumberLike {
    var isBool: Bool { get }
    var exactInt: Int? { get }
}

extension NSNumber: NSNumberLike {
    // JSON booleans decode as NSNumber with the "c" (char) encoding; JSON never yields real chars.
    public var isBool: Bool { String(cString: objCType) == "c" }
    public var exactInt: Int? {
        let d = doubleValue
        guard d.rounded() == d, abs(d) < 9.0e15 else { return nil }
        return Int(d)
    }
}
