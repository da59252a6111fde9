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
        // The server stack; only SupportKitServer (and its tests) import these. `traits: []` keeps no-op builds
        // from recompiling HummingbirdCore (see BUILD-NOTES.md).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // NIOCore for the connection guard in front of the HTTP pipeline (already a dependency of Hummingbird).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0", traits: []),
    ],
    targets: [
        // Domain types, configuration, hashing and the role protocols every other target speaks.
        .target(
            name: "SupportKit",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // Only for SettingsFile: the one reader of supportkit.yaml.
                "Yams",
                // HTTPClientTransport: waits for a remote service on an event loop, not in a polling loop.
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
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
        // oneDNN (bf16 and int8 matmul) and the AVX-512 kernels around it, for the reduced-precision MiniLM; the one
        // target that links oneDNN. Function-level target attributes, so no unsafe flags: every kernel is called only
        // after a runtime CPU check.
        .target(
            name: "CMiniLMKernels",
            linkerSettings: [.linkedLibrary("dnnl")]
        ),
        .target(
            name: "SupportKitParsing",
            dependencies: ["SupportKit", "CLibXML2", "Yams"]
        ),
        .target(
            name: "SupportKitEmbedding",
            dependencies: ["SupportKit", "CBLAS", "CMiniLMKernels", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "SupportKitStore",
            dependencies: [
                "SupportKit",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Actian VectorAI DB over gRPC: the only target that links gRPC, so the others build without it.
        .target(
            name: "SupportKitVectorAI",
            dependencies: [
                "SupportKit", "SupportKitStore",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Generated/README.md"]
        ),
        // A VectorAI DB stand-in backed by a supportkit store: for tests and `supportkit vectorai-dev-server`.
        .target(
            name: "SupportKitVectorAITesting",
            dependencies: [
                "SupportKit", "SupportKitVectorAI",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "Logging", package: "swift-log"),
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
        // The offline groundedness checker: claims, word overlap and the fact check; Foundation only, so it and its
        // tests build in seconds.
        .target(
            name: "SupportKitGrounding"
        ),
        .target(
            name: "SupportKitEval",
            dependencies: [
                // SupportKitStore for its SQLite conventions (errors that name the file); not for a vector store.
                "SupportKit", "SupportKitGrounding", "SupportKitStore", "Yams",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "SupportKitReport",
            dependencies: ["SupportKit", "SupportKitEval"]
        ),
        // REST + WebSocket server for the avatar front end; speaks to the assistant only through SupportKit's protocols.
        .target(
            name: "SupportKitServer",
            dependencies: [
                "SupportKit",
                // HMAC for customer tokens.
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "SupportKitTesting",
            dependencies: ["SupportKit"]
        ),
        // A small fixed evaluation run (turns, baseline, comparison, report input) for the eval and report tests.
        .target(
            name: "SupportKitEvalTesting",
            dependencies: ["SupportKit", "SupportKitEval", "SupportKitReport"]
        ),
        // Evaluation benchmark (scripts/bench-eval.sh): the runner, metrics and report on a generated suite.
        .executableTarget(
            name: "EvalBenchmark",
            dependencies: ["SupportKit", "SupportKitEval", "SupportKitReport"],
            path: "Benchmarks/EvalBenchmark"
        ),
        // Ingest benchmark (scripts/bench-ingest.sh): in-process parse+chunk throughput on one thread.
        .executableTarget(
            name: "IngestBenchmark",
            dependencies: ["SupportKit", "SupportKitParsing", "SupportKitIngest"],
            path: "Benchmarks/IngestBenchmark"
        ),
        .executableTarget(
            name: "supportkit",
            dependencies: [
                "SupportKit", "SupportKitParsing", "SupportKitEmbedding", "SupportKitStore",
                "SupportKitIngest", "SupportKitAssistant", "SupportKitEval", "SupportKitReport", "SupportKitServer", "Yams",
                "SupportKitGrounding",
                "SupportKitVectorAI", "SupportKitVectorAITesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "SupportKitTests",
            dependencies: ["SupportKit", "SupportKitTesting"]
        ),
        .testTarget(
            name: "SupportKitParsingTests",
            dependencies: ["SupportKitParsing", "SupportKitTesting"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SupportKitEmbeddingTests",
            // CMiniLMKernels: its kernels are tested against plain Swift.
            dependencies: ["SupportKitEmbedding", "CMiniLMKernels", "SupportKitTesting"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SupportKitStoreTests",
            // GRDB to write v1-schema files and inspect the schema in migration tests.
            dependencies: ["SupportKitStore", "SupportKitTesting", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .testTarget(
            name: "SupportKitVectorAITests",
            dependencies: [
                "SupportKitVectorAI", "SupportKitVectorAITesting", "SupportKitStore", "SupportKitTesting",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .testTarget(
            name: "SupportKitIngestTests",
            dependencies: ["SupportKitIngest", "SupportKitTesting"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SupportKitServerTests",
            dependencies: [
                "SupportKitServer", "Yams",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "SupportKitAssistantTests",
            dependencies: ["SupportKitAssistant", "SupportKitIngest", "SupportKitTesting"],
            resources: [.copy("Fixtures")]
        ),
        // The built binary as shells and CI see it (stdout/stderr, exit codes, the README's CI recipe).
        .testTarget(
            name: "SupportKitCLITests",
            // The server, eval and report targets for the end-to-end `eval --target` test, which wires the server
            // as `serve` does (`@testable import supportkit`).
            dependencies: [
                "supportkit", "SupportKitTesting", "SupportKitServer", "SupportKitEval", "SupportKitReport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SupportKitGroundingTests",
            dependencies: ["SupportKitGrounding"],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SupportKitEvalTests",
            dependencies: [
                "SupportKitEval", "SupportKitReport", "SupportKitTesting", "SupportKitEvalTesting", "SupportKitIngest",
                "SupportKitAssistant", "SupportKitEmbedding", "SupportKitStore",
            ],
            resources: [.copy("Fixtures")]
        ),
        .testTarget(
            name: "SupportKitReportTests",
            dependencies: ["SupportKitReport", "SupportKitEval", "SupportKitEvalTesting", "SupportKitTesting"],
            resources: [.copy("Fixtures")]
        ),
    ]
)
