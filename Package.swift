// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "supportkit",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "supportkit", targets: ["supportkit"]),
        .library(name: "SupportKit", targets: ["SupportKit"]),
        .library(name: "SupportKitIngest", targets: ["SupportKitIngest"]),
        .library(name: "SupportKitAssistant", targets: ["SupportKitAssistant"]),
        .library(name: "SupportKitEval", targets: ["SupportKitEval"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    ],
    targets: [
        // Domain types, configuration, hashing and the role protocols every other target speaks.
        .target(
            name: "SupportKit",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .systemLibrary(
            name: "CBLAS",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(
            name: "SupportKitParsing",
            dependencies: ["SupportKit", "CLibXML2", "Yams"]
        ),
        .target(
            name: "SupportKitEmbedding",
            dependencies: ["SupportKit", "CBLAS"]
        ),
        .target(
            name: "SupportKitStore",
            dependencies: [
                "SupportKit",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "SupportKitIngest",
            dependencies: ["SupportKit", "SupportKitParsing", "SupportKitEmbedding", "SupportKitStore"]
        ),
        .target(
            name: "SupportKitAssistant",
            dependencies: [
                "SupportKit", "SupportKitEmbedding", "SupportKitStore", "Yams", "CBLAS",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "SupportKitEval",
            dependencies: [
                "SupportKit", "Yams",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "SupportKitReport",
            dependencies: ["SupportKit", "SupportKitEval"]
        ),
        .target(
            name: "SupportKitTesting",
            dependencies: ["SupportKit"]
        ),
        // Evaluation benchmark (scripts/bench-eval.sh): the runner, metrics and report on a generated suite.
        .executableTarget(
            name: "EvalBenchmark",
            dependencies: ["SupportKit", "SupportKitEval", "SupportKitReport"],
            path: "Benchmarks/EvalBenchmark"
        ),
        .executableTarget(
            name: "supportkit",
            dependencies: [
                "SupportKit", "SupportKitParsing", "SupportKitEmbedding", "SupportKitStore",
                "SupportKitIngest", "SupportKitAssistant", "SupportKitEval", "SupportKitReport", "Yams",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SupportKitParsingTests",
            dependencies: ["SupportKitParsing", "SupportKitTesting"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SupportKitEmbeddingTests",
            dependencies: ["SupportKitEmbedding", "SupportKitTesting"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SupportKitStoreTests",
            dependencies: ["SupportKitStore", "SupportKitTesting"]
        ),
        .testTarget(
            name: "SupportKitIngestTests",
            dependencies: ["SupportKitIngest", "SupportKitTesting"]
        ),
        .testTarget(
            name: "SupportKitAssistantTests",
            dependencies: ["SupportKitAssistant", "SupportKitTesting"]
        ),
        .testTarget(
            name: "SupportKitEvalTests",
            dependencies: ["SupportKitEval", "SupportKitReport", "SupportKitTesting"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
