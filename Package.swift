// swift-tools-version:6.0
import PackageDescription

// The runtime's attention and softmax loops are SIMD code: on x86-64 compile them for AVX2 + FMA
// (x86-64-v3, which LLVM calls "haswell"; the project's machines are Sapphire Rapids) instead of
// the baseline SSE2. Other targets and other architectures keep the default.
#if arch(x86_64)
let yocoRuntimeSettings: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "haswell"])]
#else
let yocoRuntimeSettings: [SwiftSetting] = []
#endif

let package = Package(
    name: "needle-eval",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "needle-eval", targets: ["needle-eval"]),
        .library(name: "NeedleEval", targets: ["NeedleEval"]),
        .library(name: "YOCORuntime", targets: ["YOCORuntime"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
        .library(name: "YOCOBackend", targets: ["YOCOBackend"]),
        .library(name: "HTTPBackend", targets: ["HTTPBackend"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "COpenBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        // Seeded randomness, lengths and byte sizes: what both the engine and the evaluator need.
        .target(name: "NeedleSupport"),
        // Text <-> a model's token ids (bytes, tokenizer.json BPE, tiktoken).
        .target(name: "Tokenizers", dependencies: ["NeedleSupport"]),
        // The engine: knows nothing of needles; the only importer of COpenBLAS.
        .target(name: "YOCORuntime", dependencies: ["COpenBLAS", "NeedleSupport", "Tokenizers"],
                swiftSettings: yocoRuntimeSettings),
        // Tasks, prompts, scoring, results store, the evaluation pipeline; the only importer of CSQLite.
        .target(name: "NeedleEval", dependencies: ["CSQLite", "NeedleSupport", "Tokenizers"]),
        // The in-process backend: binds the YOCO runtime to the evaluation pipeline.
        .target(name: "YOCOBackend", dependencies: ["NeedleEval", "YOCORuntime", "NeedleSupport", "Tokenizers"]),
        // Any model behind an OpenAI-compatible server as the pipeline's backend (AsyncHTTPClient).
        .target(name: "HTTPBackend", dependencies: [
            "NeedleEval", "NeedleSupport", "Tokenizers",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOFoundationCompat", package: "swift-nio"),
        ]),
        // The command line: parses flags and prints; every step it runs lives in the libraries.
        .executableTarget(
            name: "needle-eval",
            dependencies: [
                "NeedleEval", "YOCORuntime", "YOCOBackend", "HTTPBackend", "NeedleSupport", "Tokenizers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // Fixtures/ holds small BPE tokenizers, read by path (the CLI tests use them too).
        .testTarget(name: "NeedleEvalTests", dependencies: ["NeedleEval", "NeedleSupport", "Tokenizers"], exclude: ["Fixtures"]),
        .testTarget(name: "TokenizersTests", dependencies: ["Tokenizers"], resources: [.copy("Fixtures")]),
        .testTarget(name: "PipelineTests", dependencies: ["YOCOBackend", "NeedleEval", "YOCORuntime", "Tokenizers"]),
        // Test helper: glibc's count of bytes in use, for holding the memory estimate to the truth.
        .target(name: "CAllocatorProbe", path: "Tests/CAllocatorProbe"),
        .testTarget(
            name: "YOCORuntimeTests", dependencies: ["YOCORuntime", "NeedleSupport", "Tokenizers", "CAllocatorProbe"],
            resources: [.copy("Fixtures")]),
        .testTarget(name: "HTTPBackendTests", dependencies: ["HTTPBackend", "NeedleEval"]),
        .testTarget(name: "CLITests", dependencies: ["needle-eval"]),
    ],
    swiftLanguageModes: [.v6]
)
