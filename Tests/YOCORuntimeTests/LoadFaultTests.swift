import Foundation
import Tokenizers
import XCTest
@testable import YOCORuntime

/// Corrupt and mismatched model directories: each must be a typed error whose message names the
/// file and the tensor or field, never a crash.
final class LoadFaultTests: XCTestCase {
    let config = TestModels.config("yoco_swa")
    private var created: [URL] = []

    override func tearDown() {
        created.forEach { try? FileManager.default.removeItem(at: $0) }
        created = []
        super.tearDown()
    }

    func newDirectory() -> URL {
        let dir = TestModels.tempDirectory()
        created.append(dir)
        return dir
    }

    /// A valid model directory to corrupt.
    func validDirectory() throws -> URL {
        let dir = newDirectory()
        try Model.write(config: config, tensors: Model.randomTensors(config: config, seed: 1), to: dir)
        return dir
    }

    func weightsURL(_ dir: URL) -> URL { dir.appendingPathComponent("model.safetensors") }

    /// Asserts loading `dir` throws a RuntimeError whose message contains every fragment.
    func assertLoadFails(_ dir: URL, _ fragments: [String], file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try Model(directory: dir)
            XCTFail("loaded a bad model", file: file, line: line)
        } catch let error as any Error & CustomStringConvertible where error is RuntimeError || error is TokenizerError {
            let message = error.description
            for f in fragments { XCTAssert(message.contains(f), "'\(message)' lacks '\(f)'", file: file, line: line) }
            XCTAssert(message.contains("Fix:"), "no fix in '\(message)'", file: file, line: line)
            print("OK fault: \(message)")
        } catch {
            XCTFail("untyped error \(error)", file: file, line: line)
        }
    }

    /// Rewrites model.safetensors with a hand-made header and body.
    func writeRaw(_ dir: URL, header: String, body: Data, lengthOverride: UInt64? = nil) throws {
        var data = Data()
        withUnsafeBytes(of: (lengthOverride ?? UInt64(header.utf8.count)).littleEndian) { data.append(contentsOf: $0) }
        data.append(Data(header.utf8))
        data.append(body)
        try data.write(to: weightsURL(dir))
    }

    func testRoundTripLoads() throws {
        let dir = try validDirectory()
        let model = try Model(directory: dir)
        XCTAssertEqual(model.config, config)
        XCTAssertEqual(model.parameterCount, TensorNames.expected(config).reduce(0) { $0 + $1.shape.reduce(1, *) })
        XCTAssertEqual(model.tokenizer.bosID, 256)
    }

    func testTruncatedFile() throws {
        let dir = try validDirectory()
        let data = try Data(contentsOf: weightsURL(dir))
        try data.prefix(data.count - 100).write(to: weightsURL(dir))
        assertLoadFails(dir, ["model.safetensors"])
        try data.prefix(5).write(to: weightsURL(dir))
        assertLoadFails(dir, ["model.safetensors", "shorter than the 8-byte header"])
        try Data().write(to: weightsURL(dir))
        assertLoadFails(dir, ["model.safetensors", "0 bytes"])
    }

    func testHeaderLengthPastEnd() throws {
        let dir = try validDirectory()
        try writeRaw(dir, header: "{}", body: Data(), lengthOverride: 1_000)
        assertLoadFails(dir, ["header length 1000 runs past the end"])
        try writeRaw(dir, header: "{}", body: Data(), lengthOverride: 200_000_000)
        assertLoadFails(dir, ["exceeds the 100 MB limit"])
        try writeRaw(dir, header: "not json", body: Data())
        assertLoadFails(dir, ["header is not a JSON object"])
    }

    func testOverlappingOffsets() throws {
        let dir = try validDirectory()
        try writeRaw(dir, header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#,
                     body: Data(count: 12))
        assertLoadFails(dir, ["overlap"])
    }

    func testWrongByteSizeForDtype() throws {
        let dir = try validDirectory()
        try writeRaw(dir, header: #"{"embed_tokens.weight":{"dtype":"F16","shape":[4],"data_offsets":[0,16]}}"#, body: Data(count: 16))
        assertLoadFails(dir, ["embed_tokens.weight", "holds 16 bytes", "needs 8"])
        try writeRaw(dir, header: #"{"x":{"dtype":"F32","shape":[4611686018427387904,8],"data_offsets":[0,16]}}"#, body: Data(count: 16))
        assertLoadFails(dir, ["'x'", "overflows"])
    }

    func testUnknownDtype() throws {
        let dir = try validDirectory()
        try writeRaw(dir, header: #"{"embed_tokens.weight":{"dtype":"F8_E9","shape":[4],"data_offsets":[0,4]}}"#, body: Data(count: 4))
        assertLoadFails(dir, ["embed_tokens.weight", "unknown dtype 'F8_E9'"])
    }

    func testOffsetsPastDataRegion() throws {
        let dir = try validDirectory()
        try writeRaw(dir, header: #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#, body: Data(count: 8))
        assertLoadFails(dir, ["'a'", "run past"])
    }

    func testMissingExtraAndMisshapenTensors() throws {
        let dir = try validDirectory()
        var tensors = Model.randomTensors(config: config, seed: 1)
        func write(_ list: [(name: String, shape: [Int], values: [Float])]) throws {
            try SafeTensorsWriter.encode(list).write(to: weightsURL(dir))
        }
        var list = TensorNames.expected(config).map { (name: $0.name, shape: $0.shape, values: tensors[$0.name]!) }
        try write(list.filter { $0.name != "cross_decoder.k_proj.weight" })
        assertLoadFails(dir, ["cross_decoder.k_proj.weight", "is missing"])
        try write(list + [(name: "self_decoder.layers.9.mixer.q_proj.weight", shape: [1], values: [0])])
        assertLoadFails(dir, ["self_decoder.layers.9.mixer.q_proj.weight", "is not a tensor of this model"])
        tensors["layer_norm.weight"] = [Float](repeating: 1, count: 31)
        list = list.map { $0.name == "layer_norm.weight" ? (name: $0.name, shape: [31], values: tensors[$0.name]!) : $0 }
        try write(list)
        assertLoadFails(dir, ["layer_norm.weight", "has shape [31], expected [32]"])
    }

    func testConfigErrors() throws {
        let dir = try validDirectory()
        let url = dir.appendingPathComponent("config.json")
        var json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        json["rope_scaling"] = 2
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        assertLoadFails(dir, ["config.json", "rope_scaling", "not a known config field"])
        json["rope_scaling"] = nil
        json["dim"] = nil
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        assertLoadFails(dir, ["config.json", "'dim'", "missing"])
        json["dim"] = 32
        json["n_attn_kv_heads"] = 3
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        assertLoadFails(dir, ["config.json", "n_attn_kv_heads"])
        json["n_attn_kv_heads"] = 2
        json["architecture"] = "mamba"
        try JSONSerialization.data(withJSONObject: json).write(to: url)
        assertLoadFails(dir, ["config.json", "architecture"])
        try FileManager.default.removeItem(at: url)
        assertLoadFails(dir, ["config.json", "not found"])
    }

    /// Found while writing the FuzzModelDirectory fuzz target (its input is kept in
    /// Fuzz/regressions): sizes that pass the divisibility checks but overflow the weight and
    /// KV-cache byte counts trapped in MemoryEstimate before any weights were read. Each is now
    /// refused naming the field; the largest accepted config computes its estimates without
    /// overflow.
    func testHugeSizesAreRefusedNotOverflowed() throws {
        let dir = try validDirectory()
        let url = dir.appendingPathComponent("config.json")
        let valid = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        for (field, value) in [("dim", 1 << 42), ("hidden_dim", 1 << 42), ("vocab_size", 1 << 42), ("n_layers", 1 << 42),
                               ("sliding_window", 1 << 62)] {
            var json = valid
            json[field] = value
            if field == "dim" { json["hidden_dim"] = 64 }
            try JSONSerialization.data(withJSONObject: json).write(to: url)
            assertLoadFails(dir, ["config.json", field, "largest this runtime supports"])
        }
        let limits = ModelConfig.limits
        let largest = ModelConfig(dim: limits.dim, nLayers: limits.layers, hiddenDim: limits.hiddenDim, nSelfHeads: 1,
                                  nAttnHeads: 1, nAttnKVHeads: 1, vocabSize: limits.vocab, slidingWindow: limits.window)
        XCTAssertNoThrow(try largest.validate())
        for architecture in [ModelConfig.Architecture.yoco, .transformer] {
            var c = largest
            c.architecture = architecture
            XCTAssertGreaterThan(MemoryEstimate.weightBytes(c), 0)
            XCTAssertGreaterThan(MemoryEstimate.sessionBytes(c, options: SessionOptions(), capacity: 1 << 20), 0)
            XCTAssertGreaterThan(MemoryEstimate.spliceBaseBytes(c, options: SessionOptions(), tokens: 1 << 20), 0)
        }
    }

    func testTokenizerErrors() throws {
        let dir = try validDirectory()
        let url = dir.appendingPathComponent("tokenizer.json")
        try Data(#"{"type":"tiktoken"}"#.utf8).write(to: url)
        assertLoadFails(dir, ["tokenizer.json", "type"])
        try FileManager.default.removeItem(at: url)
        assertLoadFails(dir, ["tokenizer.json", "not found"])
    }

    func testF16AndBF16WeightsLoad() throws {
        let tensors = Model.randomTensors(config: config, seed: 2)
        let tokens = TestModels.tokens(30)
        let exact = InferenceSession(model: Model(config: config, tensors: tensors), options: SessionOptions(threads: 2), capacity: 30)
            .logitsForAllPositions(tokens)
        for dtype in [SafeTensorsWriter.StoreAs.F16, .BF16] {
            let dir = newDirectory()
            try Model.write(config: config, tensors: tensors, to: dir, dtype: dtype)
            let loaded = InferenceSession(model: try Model(directory: dir), options: SessionOptions(threads: 2), capacity: 30)
            assertClose(loaded.logitsForAllPositions(tokens), exact, tol: dtype == .F16 ? 0.05 : 0.3, "\(dtype) weights ≈ f32")
        }
    }
}
