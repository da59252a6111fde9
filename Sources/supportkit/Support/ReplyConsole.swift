import Foundation
import SupportKit

/// Human rendering of a reply on stdout: the answer, then one line of what the assistant decided.
enum ReplyConsole {
    static func print(_ reply: Reply) {
        Terminal.output(reply.text)
        Terminal.output("")
        Terminal.output(details(reply))
    }

    static func details(_ reply: Reply) -> String {
        var parts = [String(format: "intent %@ (%.2f)", reply.intent, reply.confidence)]
        if let category = reply.category { parts.append(String(format: "category %@ (%.2f)", category, reply.categoryConfidence)) }
        parts.append("sources " + (reply.sources.isEmpty ? "none" : reply.sources.map(\.docId).joined(separator: ", ")))
        if reply.escalated {
            parts.append("ESCALATED" + (reply.ticket.map { " ticket \($0.id) (\($0.priority.rawValue))" } ?? "") + ": " + reply.escalationReasons.joined(separator: "; "))
        } else {
            parts.append("not escalated")
        }
        if !reply.memoryRecalled.isEmpty { parts.append("memory: " + reply.memoryRecalled.joined(separator: " | ")) }
        return "  [" + parts.joined(separator: " · ") + "]"
    }
}
