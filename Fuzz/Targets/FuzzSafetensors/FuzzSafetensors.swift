import FuzzSupport
@testable import YOCORuntime

/// A safetensors file: the header length, the JSON header, dtypes, shapes and data offsets, then
/// every tensor read back as the loader reads it. A bad file must be refused, never trap or read
/// outside the mapping (AddressSanitizer watches the reads).
@_cdecl("LLVMFuzzerTestOneInput")
func fuzzSafetensors(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let url = FuzzInput.write(UnsafeBufferPointer(start: data, count: size), to: "model.safetensors")
    guard let file = try? SafeTensorsFile(url: url) else { return 0 }
    for info in file.tensors.values.sorted(by: { $0.name < $1.name }) {
        switch info.dtype {
        case .F32, .F16, .BF16: _ = try? file.floats(info.name)
        case .I32: _ = try? file.int32s(info.name)
        default: _ = try? file.floats(info.name)   // must refuse the dtype, not misread it
        }
    }
    return 0
}

@main
enum Main {
    static func main() { FuzzDriver.run(fuzzSafetensors) }
}
