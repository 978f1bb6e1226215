import Foundation

/// Element types of the safetensors format.
enum SafeTensorDType: String, CaseIterable {
    case F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL
    var size: Int {
        switch self {
        case .F64, .I64: return 8
        case .F32, .I32: return 4
        case .F16, .BF16, .I16: return 2
        case .I8, .U8, .BOOL: return 1
        }
    }
}

struct SafeTensorInfo {
    let name: String
    let dtype: SafeTensorDType
    let shape: [Int]
    let begin: Int   // byte offsets relative to the start of the data region
    let end: Int
    var elementCount: Int { shape.reduce(1, *) }   // checked for overflow at parse time
}

/// A memory-mapped safetensors file, validated the way the reference parser validates:
/// u64-LE header length (≤ 100 MB, inside the file), a JSON object header, known dtypes,
/// contiguous non-overlapping data_offsets that exactly cover the data region, and
/// byte size = product(shape) × dtype size (overflow-checked). Never traps on a bad file.
final class SafeTensorsFile {
    static let maxHeaderBytes = 100_000_000

    let path: String
    let tensors: [String: SafeTensorInfo]
    private let mapping: UnsafeMutableRawPointer
    private let mappedLength: Int
    private let dataStart: Int

    init(url: URL) throws {
        let path = url.path
        self.path = path
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw RuntimeError.missingFile(path: path, fix: "put the weights at this path (safetensors format)")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw RuntimeError.missingFile(path: path, fix: "check file permissions") }
        let size = Int(st.st_size)
        func corrupt(_ tensor: String?, _ problem: String, _ fix: String = "re-export the file (it is truncated or corrupt)") -> RuntimeError {
            .safetensors(path: path, tensor: tensor, problem: problem, fix: fix)
        }
        guard size >= 8 else { throw corrupt(nil, "file is \(size) bytes, shorter than the 8-byte header length") }
        guard let map = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), map != MAP_FAILED else {
            throw corrupt(nil, "cannot be memory-mapped (errno \(errno))", "check the file is a regular readable file")
        }
        mapping = map
        mappedLength = size
        var headerLength: UInt64 = 0
        memcpy(&headerLength, map, 8)
        headerLength = UInt64(littleEndian: headerLength)
        do {
            guard headerLength <= UInt64(Self.maxHeaderBytes) else {
                throw corrupt(nil, "header length \(headerLength) exceeds the 100 MB limit")
            }
            guard 8 + Int(headerLength) <= size else {
                throw corrupt(nil, "header length \(headerLength) runs past the end of the \(size)-byte file")
            }
            dataStart = 8 + Int(headerLength)
            let headerData = Data(bytes: map + 8, count: Int(headerLength))
            guard let object = try? JSONSerialization.jsonObject(with: headerData), let header = object as? [String: Any] else {
                throw corrupt(nil, "header is not a JSON object")
            }
            tensors = try Self.parse(header: header, dataLength: size - dataStart, corrupt: corrupt)
        } catch {
            munmap(map, size)
            throw error
        }
    }

    deinit { munmap(mapping, mappedLength) }

    private static func parse(header: [String: Any], dataLength: Int,
                              corrupt: (String?, String, String) -> RuntimeError) throws -> [String: SafeTensorInfo] {
        let refix = "re-export the file (it is truncated or corrupt)"
        var infos: [String: SafeTensorInfo] = [:]
        for (name, value) in header where name != "__metadata__" {
            guard let entry = value as? [String: Any] else { throw corrupt(name, "entry is not a JSON object", refix) }
            guard let dtypeName = entry["dtype"] as? String else { throw corrupt(name, "has no dtype", refix) }
            guard let dtype = SafeTensorDType(rawValue: dtypeName) else {
                throw corrupt(name, "has unknown dtype '\(dtypeName)'", "use one of \(SafeTensorDType.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard let shapeAny = entry["shape"] as? [Any] else { throw corrupt(name, "has no shape list", refix) }
            var shape: [Int] = []
            for d in shapeAny {
                guard let n = d as? Int, n >= 0 else { throw corrupt(name, "has an invalid shape \(shapeAny)", refix) }
                shape.append(n)
            }
            guard let offsets = entry["data_offsets"] as? [Any], offsets.count == 2,
                  let begin = offsets[0] as? Int, let end = offsets[1] as? Int, begin >= 0, begin <= end else {
                throw corrupt(name, "has invalid data_offsets", refix)
            }
            guard end <= dataLength else {
                throw corrupt(name, "data_offsets [\(begin), \(end)] run past the \(dataLength)-byte data region", refix)
            }
            var bytes = dtype.size
            for d in shape {
                let (p, overflow) = bytes.multipliedReportingOverflow(by: d)
                guard !overflow else { throw corrupt(name, "shape \(shape) overflows", refix) }
                bytes = p
            }
            guard bytes == end - begin else {
                throw corrupt(name, "holds \(end - begin) bytes but shape \(shape) × \(dtype.rawValue) (\(dtype.size) bytes) needs \(bytes)", refix)
            }
            infos[name] = SafeTensorInfo(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
        }
        // Offsets must tile the data region: sorted by begin, each starts where the previous ended.
        var cursor = 0
        for info in infos.values.sorted(by: { ($0.begin, $0.end) < ($1.begin, $1.end) }) {
            if info.begin < cursor { throw corrupt(info.name, "data_offsets overlap another tensor's bytes", refix) }
            if info.begin > cursor { throw corrupt(info.name, "data_offsets leave a gap of \(info.begin - cursor) bytes before it", refix) }
            cursor = info.end
        }
        guard cursor == dataLength else {
            throw corrupt(nil, "tensors cover \(cursor) bytes but the data region has \(dataLength)", refix)
        }
        return infos
    }

    private func raw(_ info: SafeTensorInfo) -> UnsafeRawPointer { UnsafeRawPointer(mapping + dataStart + info.begin) }

    /// Copies a float tensor (F32, F16 or BF16) into `dst` as f32. Caller checked the shape.
    func readFloats(_ info: SafeTensorInfo, into dst: UnsafeMutablePointer<Float>) throws {
        let n = info.elementCount
        let src = raw(info)
        switch info.dtype {
        case .F32:
            memcpy(dst, src, n * 4)
        case .F16:
            for i in 0..<n {
                let bits = src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)
                dst[i] = Float(Float16(bitPattern: UInt16(littleEndian: bits)))
            }
        case .BF16:
            for i in 0..<n {
                let bits = UInt32(UInt16(littleEndian: src.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self)))
                dst[i] = Float(bitPattern: bits << 16)
            }
        default:
            throw RuntimeError.safetensors(path: path, tensor: info.name, problem: "has dtype \(info.dtype.rawValue)",
                                           fix: "store weights as F32, F16 or BF16")
        }
    }

    func floats(_ name: String) throws -> [Float] {
        let info = try require(name)
        return try [Float](unsafeUninitializedCapacity: info.elementCount) { buf, count in
            try readFloats(info, into: buf.baseAddress!)
            count = info.elementCount
        }
    }

    func int32s(_ name: String) throws -> [Int32] {
        let info = try require(name)
        guard info.dtype == .I32 else {
            throw RuntimeError.safetensors(path: path, tensor: name, problem: "has dtype \(info.dtype.rawValue)", fix: "store it as I32")
        }
        let src = raw(info)
        return (0..<info.elementCount).map { Int32(littleEndian: src.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self)) }
    }

    func require(_ name: String) throws -> SafeTensorInfo {
        guard let info = tensors[name] else {
            throw RuntimeError.safetensors(path: path, tensor: name, problem: "is missing", fix: "export it")
        }
        return info
    }
}
