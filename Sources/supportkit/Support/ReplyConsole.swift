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
        let intent = String(format: "%@ (%.2f)", reply.intent, reply.confidence)
        var parts: [String]
        // A greeting or an out-of-scope message is not routed by its intent: say what decided the reply, so a
        // "hello" does not read as an escalation.
        if let kind = reply.smallTalk {
            parts = ["small talk: \(kind.replacingOccurrences(of: "_", with: " ")) (intent \(intent) not used)"]
        } else if reply.outOfScope == true {
            parts = [String(format: "out of scope (score %.2f; intent %@ not used)", reply.outOfScopeScore ?? 0, intent)]
        } else {
            parts = ["intent " + intent]
        }
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
