import GRDB
import SupportKit

extension DatabaseWriter {
    /// `write`, with the failures a user can fix reported against the file: a full disk names `file` (the store,
    /// the results database) and says that nothing was half-written, since SQLite rolled the transaction back.
    ///
    /// - Parameter file: The database's path as the user gave it, for the message.
    /// - Throws: `SupportKitError.unavailable` for a full disk or a write error of the disk; what `updates` throws.
    public func write<T: Sendable>(file: String, _ updates: @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await write(updates)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw SupportKitError(
                .unavailable,
                "cannot write \(file): the disk is full; free space on the disk that holds it and run again (the last change was rolled back, nothing is half-written)",
                underlying: DiskError(code: "SQLITE_FULL"))
        } catch let error as DatabaseError where error.resultCode == .SQLITE_IOERR {
            throw SupportKitError(
                .unavailable,
                "cannot write \(file): the disk reported an I/O error (full, read-only or failing); check the disk that holds it and run again (the last change was rolled back)",
                underlying: DiskError(code: "SQLITE_IOERR \(error.extendedResultCode.rawValue)"))
        }
    }
}

/// The SQLite result behind a disk failure, without the statement that was running (which may hold user text).
struct DiskError: Error, CustomStringConvertible {
    var code: String
    var description: String { code }
}
