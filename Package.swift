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
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "needle-eval", targets: ["needle-eval"]),
        .library(name: "NeedleEval", targets: ["NeedleEval"]),
        .library(name: "YOCORuntime", targets: ["YOCORuntime"]),
        .library(name: "Tokenizers", targets: ["Tokenizers"]),
        .library(name: "YOCOBackend", targets: ["YOCOBackend"]),
        .library(name: "HTTPBackend", targets: ["HTTPBackend"]),
        .library(name: "YOCOServer", targets: ["YOCOServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
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
        // `needle-eval serve`: the YOCO runtime behind an OpenAI-compatible HTTP API.
        .target(
            name: "YOCOServer",
            dependencies: [
                "YOCORuntime", "Tokenizers", "NeedleSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        // The command line: parses flags and prints; every step it runs lives in the libraries.
        .executableTarget(
            name: "needle-eval",
            dependencies: [
                "NeedleEval", "YOCORuntime", "YOCOBackend", "HTTPBackend", "YOCOServer", "NeedleSupport", "Tokenizers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
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
        // The HTTP server over loopback with a real client; the server runs in-process on port 0.
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "YOCOServer", "YOCORuntime", "Tokenizers",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)

// libFuzzer targets, one per parser of files and messages written by others (docs/FUZZING.md).
// They exist only when scripts/fuzz/run.py builds them (NEEDLE_EVAL_FUZZ=1, with
// `-sanitize=fuzzer,address`): they call libFuzzer's driver, which only that flag links, so a
// plain `swift build` must not see them.
if Context.environment["NEEDLE_EVAL_FUZZ"] == "1" {
    let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
        ("FuzzSafetensors", ["YOCORuntime"]),
        ("FuzzModelDirectory", ["YOCORuntime"]),
        ("FuzzTokenizerJSON", ["Tokenizers"]),
        ("FuzzTiktoken", ["Tokenizers"]),
        ("FuzzTaskSpec", ["NeedleEval", "Tokenizers"]),
        ("FuzzServerRequest", ["YOCOServer", "Tokenizers"]),
        ("FuzzBackendResponse", ["HTTPBackend"]),
        ("FuzzShardMerge", ["NeedleEval"]),
        ("FuzzOfflineResults", ["NeedleEval", "Tokenizers"]),
    ]
    package.targets.append(.target(name: "CFuzzDriver", path: "Fuzz/CFuzzDriver"))
    package.targets.append(.target(name: "FuzzSupport", dependencies: ["CFuzzDriver", "Tokenizers"], path: "Fuzz/FuzzSupport"))
    for target in fuzzTargets {
        package.targets.append(.executableTarget(
            name: target.name, dependencies: ["FuzzSupport"] + target.dependencies, path: "Fuzz/Targets/\(target.name)",
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))   // @main in a file not named main.swift
    }
}
