import Foundation

/// Writes safetensors files (used by tests and to save random models). f32 input, stored as
/// F32, F16 or BF16.
enum SafeTensorsWriter {
    enum StoreAs: String { case F32, F16, BF16 }

    static func encode(_ tensors: [(name: String, shape: [Int], values: [Float])], as dtype: StoreAs = .F32) -> Data {
        var header: [String] = []
        var body = Data()
        for t in tensors {
            let begin = body.count
            switch dtype {
            case .F32:
                t.values.withUnsafeBytes { body.append(contentsOf: $0) }
            case .F16:
                for v in t.values { withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { body.append(contentsOf: $0) } }
            case .BF16:
                for v in t.values {
                    let bits = v.bitPattern
                    let rounded = UInt16(truncatingIfNeeded: (bits + 0x7fff + ((bits >> 16) & 1)) >> 16)   // round to nearest even
                    withUnsafeBytes(of: rounded.littleEndian) { body.append(contentsOf: $0) }
                }
            }
            let shape = t.shape.map(String.init).joined(separator: ",")
            header.append("\"\(t.name)\":{\"dtype\":\"\(dtype.rawValue)\",\"shape\":[\(shape)],\"data_offsets\":[\(begin),\(body.count)]}")
        }
        var json = Data(("{" + header.joined(separator: ",") + "}").utf8)
        while json.count % 8 != 0 { json.append(0x20) }   // pad with spaces, as the reference writer does
        var out = Data()
        withUnsafeBytes(of: UInt64(json.count).littleEndian) { out.append(contentsOf: $0) }
        out.append(json)
        out.append(body)
        return out
    }
}
