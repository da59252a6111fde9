// swift-tools-version:6.1
// Builds the two protoc plugins that `scripts/generate-protos.sh` runs:
//   swift build --product protoc-gen-swift && swift build --product protoc-gen-grpc-swift-2
// Kept out of the main package so the main build never compiles code generators (nor the vendored C++
// protoc that the SwiftPM build plugins need).
import PackageDescription

let package = Package(
    name: "protoc-plugins",
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf", exact: "1.39.0", traits: []),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", exact: "2.4.1"),
    ],
    targets: []
)
