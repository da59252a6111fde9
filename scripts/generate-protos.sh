#!/usr/bin/env bash
# Regenerates Sources/SupportKitVectorAI/Generated/ from Protos/actian_vectorai.proto.
#
# Needs `protoc` (apt-get install protobuf-compiler). Builds protoc-gen-swift and protoc-gen-grpc-swift-2 in the
# side package scripts/protoc-plugins (about 1.5 min the first time), so the main package never builds code
# generators. Commit the generated files; the main build does not run this script.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
plugins="$root/scripts/protoc-plugins"
out="$root/Sources/SupportKitVectorAI/Generated"
command -v protoc >/dev/null || { echo "error: protoc not found; install it with: apt-get install protobuf-compiler" >&2; exit 2; }

(cd "$plugins" && swift build --product protoc-gen-swift >/dev/null && swift build --product protoc-gen-grpc-swift-2 >/dev/null)
bin=$(cd "$plugins" && swift build --show-bin-path)

mkdir -p "$out"
rm -f "$out"/*.pb.swift "$out"/*.grpc.swift
protoc \
  --proto_path="$root/Protos" \
  --plugin=protoc-gen-swift="$bin/protoc-gen-swift" \
  --plugin=protoc-gen-grpc-swift-2="$bin/protoc-gen-grpc-swift-2" \
  --swift_out="$out" --swift_opt=Visibility=Public \
  --grpc-swift-2_out="$out" --grpc-swift-2_opt=Visibility=Public,Client=true,Server=true \
  actian_vectorai.proto
echo "generated: $(cd "$root" && ls Sources/SupportKitVectorAI/Generated/* | tr '\n' ' ')"
