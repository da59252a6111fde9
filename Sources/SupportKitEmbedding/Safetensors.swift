import Foundation

/// A problem with a safetensors file; `description` is the message shown to people (and checked by tests).
public enum SafetensorsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file cannot be read at all.
    case unreadable(file: String, reason: String)
    /// The file is shorter than the 8-byte header length, or than the header it announces.
    case truncatedHeader(file: String, fileSize: Int, needed: Int)
    /// The JSON header is not what the format requires.
    case invalidHeader(file: String, reason: String)
    /// A tensor's bytes run past the end of the file.
    case truncatedTensor(file: String, name: String, end: Int, dataSize: Int)
    /// A tensor the model needs is not in the file.
    case missingTensor(file: String, name: String)
    /// A tensor has another element type than the model needs.
    case wrongDtype(file: String, name: String, expected: String, found: String)
    /// A tensor has another shape than the model's config implies.
    case wrongShape(file: String, name: String, expected: [Int], found: [Int])

    public var description: String {
        switch self {
        case let .unreadable(file, reason):
            return "\(file): cannot read the file: \(reason)"
        case let .truncatedHeader(file, fileSize, needed):
            return "\(file): truncated: the file has \(fileSize) bytes but its header needs \(needed)"
        case let .invalidHeader(file, reason):
            return "\(file): invalid safetensors header: \(reason)"
        case let .truncatedTensor(file, name, end, dataSize):
            return "\(file): truncated: tensor '\(name)' ends at byte \(end) of the data section, which has only \(dataSize) bytes"
        case let .missingTensor(file, name):
            return "\(file): missing tensor '\(name)'"
        case let .wrongDtype(file, name, expected, found):
            return "\(file): tensor '\(name)' has dtype \(found), expected \(expected)"
        case let .wrongShape(file, name, expected, found):
            return "\(file): tensor '\(name)' has shape \(found), expected \(expected)"
        }
    }
}

/// A safetensors file: an 8-byte little-endian header length, a JSON header naming every tensor's dtype, shape and
/// byte range, then the raw little-endian tensor data. The file is memory-mapped; tensors are copied out on demand.
public struct SafetensorsFile: Sendable {
    public struct TensorInfo: Sendable, Equatable {
        public var dtype: String
        public var shape: [Int]
        /// Byte range within the data section.
        public var range: Range<Int>
    }

    /// The file name used in messages.
    public let fileName: String
    public let tensors: [String: TensorInfo]
    public let metadata: [String: String]
    private let data: Data
    private let dataStart: Int

    static let elementSizes: [String: Int] = [
        "F64": 8, "F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4, "I16": 2, "I8": 1, "U64": 8, "U32": 4,
        "U16": 2, "U8": 1, "BOOL": 1, "F8_E4M3": 1, "F8_E5M2": 1,
    ]

    /// Opens and validates the file at `url`.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw SafetensorsError.unreadable(file: url.lastPathComponent, reason: Self.reason(error))
        }
        try self.init(data: data, fileName: url.lastPathComponent)
    }

    /// Parses a safetensors image held in memory.
    public init(data: Data, fileName: String) throws {
        self.fileName = fileName
        self.data = data
        guard data.count >= 8 else {
            throw SafetensorsError.truncatedHeader(file: fileName, fileSize: data.count, needed: 8)
        }
        var headerLength: UInt64 = 0
        for index in 0..<8 { headerLength |= UInt64(data[data.startIndex + index]) << (8 * UInt64(index)) }
        guard headerLength <= 100_000_000 else {
            throw SafetensorsError.invalidHeader(file: fileName, reason: "header length \(headerLength) is implausibly large")
        }
        let needed = 8 + Int(headerLength)
        guard data.count >= needed else {
            throw SafetensorsError.truncatedHeader(file: fileName, fileSize: data.count, needed: needed)
        }
        dataStart = needed
        let headerBytes = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + needed))
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: headerBytes)
        } catch {
            throw SafetensorsError.invalidHeader(file: fileName, reason: "not valid JSON")
        }
        guard let entries = object as? [String: Any] else {
            throw SafetensorsError.invalidHeader(file: fileName, reason: "not a JSON object")
        }
        let dataSize = data.count - needed
        var tensors: [String: TensorInfo] = [:]
        var metadata: [String: String] = [:]
        for (name, value) in entries {
            if name == "__metadata__" {
                if let values = value as? [String: Any] {
                    for (key, item) in values { metadata[key] = item as? String ?? String(describing: item) }
                }
                continue
            }
            guard let entry = value as? [String: Any] else {
                throw SafetensorsError.invalidHeader(file: fileName, reason: "entry '\(name)' is not an object")
            }
            guard let dtype = entry["dtype"] as? String else {
                throw SafetensorsError.invalidHeader(file: fileName, reason: "tensor '\(name)' has no dtype")
            }
            guard let elementSize = Self.elementSizes[dtype] else {
                throw SafetensorsError.invalidHeader(file: fileName, reason: "tensor '\(name)' has unknown dtype \(dtype)")
            }
            guard let shape = Self.integers(entry["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
                throw SafetensorsError.invalidHeader(file: fileName, reason: "tensor '\(name)' has no valid shape")
            }
            guard let offsets = Self.integers(entry["data_offsets"]), offsets.count == 2,
                  offsets[0] >= 0, offsets[0] <= offsets[1]
            else {
                throw SafetensorsError.invalidHeader(file: fileName, reason: "tensor '\(name)' has no valid data_offsets")
            }
            let count = shape.reduce(1, *)
            guard offsets[1] - offsets[0] == count * elementSize else {
                throw SafetensorsError.invalidHeader(
                    file: fileName,
                    reason: "tensor '\(name)' spans \(offsets[1] - offsets[0]) bytes but \(dtype) \(shape) needs \(count * elementSize)")
            }
            guard offsets[1] <= dataSize else {
                throw SafetensorsError.truncatedTensor(file: fileName, name: name, end: offsets[1], dataSize: dataSize)
            }
            tensors[name] = TensorInfo(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.tensors = tensors
        self.metadata = metadata
    }

    /// Checks that `name` exists as an F32 tensor of `shape`, the checks every weight goes through.
    public func info(_ name: String, dtype: String = "F32", shape: [Int]) throws -> TensorInfo {
        guard let info = tensors[name] else { throw SafetensorsError.missingTensor(file: fileName, name: name) }
        guard info.dtype == dtype else {
            throw SafetensorsError.wrongDtype(file: fileName, name: name, expected: dtype, found: info.dtype)
        }
        guard info.shape == shape else {
            throw SafetensorsError.wrongShape(file: fileName, name: name, expected: shape, found: info.shape)
        }
        return info
    }

    /// Copies the F32 tensor `name` (validated against `shape`) into `destination`, which must hold its elements.
    @_optimize(speed)
    public func copyFloats(_ name: String, shape: [Int], into destination: UnsafeMutablePointer<Float>) throws {
        let info = try info(name, shape: shape)
        let count = info.range.count / 4
        data.withUnsafeBytes { raw in
            let base = raw.baseAddress! + dataStart + info.range.lowerBound
            for index in 0..<count {
                let bits = base.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                destination[index] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
    }

    /// The F32 tensor `name` (validated against `shape`) as an array.
    public func floats(_ name: String, shape: [Int]) throws -> [Float] {
        let count = shape.reduce(1, *)
        return try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try copyFloats(name, shape: shape, into: buffer.baseAddress!)
            initialized = count
        }
    }

    private static func integers(_ value: Any?) -> [Int]? {
        guard let array = value as? [Any] else { return nil }
        var out: [Int] = []
        for item in array {
            guard let number = item as? NSNumber, Double(number.intValue) == number.doubleValue
            else { return nil }
            out.append(number.intValue)
        }
        return out
    }

    static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain,
           let code = POSIXErrorCode(rawValue: Int32(underlying.code))
        {
            return String(cString: strerror(code.rawValue))
        }
        if ns.domain == NSCocoaErrorDomain && ns.code == NSFileReadNoSuchFileError { return "no such file" }
        return ns.localizedDescription
    }
}

/// Writes safetensors images; used by tests to build small synthetic files.
public enum SafetensorsWriter {
    public struct Tensor {
        public var name: String
        public var dtype: String
        public var shape: [Int]
        public var bytes: [UInt8]

        public init(name: String, dtype: String = "F32", shape: [Int], bytes: [UInt8]) {
            self.name = name
            self.dtype = dtype
            self.shape = shape
            self.bytes = bytes
        }

        /// An F32 tensor from values.
        public init(name: String, shape: [Int], floats: [Float]) {
            var bytes: [UInt8] = []
            bytes.reserveCapacity(floats.count * 4)
            for value in floats {
                let bits = value.bitPattern.littleEndian
                withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
            }
            self.init(name: name, dtype: "F32", shape: shape, bytes: bytes)
        }
    }

    /// The file image: header (keys sorted, padded with spaces to a multiple of 8) and data.
    public static func image(_ tensors: [Tensor], metadata: [String: String] = ["format": "pt"]) -> Data {
        var offset = 0
        var parts: [String] = []
        if !metadata.isEmpty {
            let items = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
            parts.append("\"__metadata__\":{\(items.joined(separator: ","))}")
        }
        for tensor in tensors {
            let end = offset + tensor.bytes.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            parts.append("\"\(tensor.name)\":{\"dtype\":\"\(tensor.dtype)\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(parts.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var data = Data()
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for tensor in tensors { data.append(contentsOf: tensor.bytes) }
        return data
    }
}
