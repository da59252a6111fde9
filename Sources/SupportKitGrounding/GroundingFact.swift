/// A checkable detail of a text: a number with its unit, a time, a date, a link, an address, a name.
///
/// Two facts agree when their `key`s are equal; keys are canonical, so "1 hour" and "60 minutes", or "3 pm" and
/// "15:00", are the same fact, while "14 days" and "14 hours" are not.
struct GroundingFact: Sendable, Hashable {
    /// What kind of detail it is; the reason for a mismatch names sources' facts of the same kind.
    enum Kind: String, Sendable, Hashable, CaseIterable {
        case number, amount, duration, percentage, time, date, url, email, phone, entity
    }

    /// What kind of detail it is.
    var kind: Kind
    /// The canonical comparison key ("duration:86400", "amount:usd:12.99", "url:example.com/help").
    var key: String
    /// The fact as the text wrote it ("14 days", "$12.99"), for reasons.
    var text: String
    /// The tokens it spans (nil for links, addresses and phone numbers, read from the raw words): a supported
    /// fact counts as found however it is worded ("1 hour" against "60 minutes").
    var span: ClosedRange<Int>? = nil
}

/// Finds the facts of a text from its tokens (numbers, times, dates, names) and its raw words (links, addresses,
/// phone numbers).
enum GroundingFactExtractor {
    /// The facts of `text`; only capitalized words at `namesFromIndex` count as names (a sentence's first word
    /// is capitalized anyway).
    static func facts(in text: String, tokens: [GroundingToken], namesFromIndex: Set<Int> = []) -> [GroundingFact] {
        var facts: [GroundingFact] = []
        let bytes = Array(text.utf8)
        func quote(_ from: Int, _ to: Int) -> String {
            String(decoding: bytes[tokens[from].start..<tokens[to].end], as: UTF8.self)
        }
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            let next = index + 1 < tokens.count ? tokens[index + 1].text : ""
            let previous = index > 0 ? tokens[index - 1].text : ""
            if let minutes = clockTime(token, next: next) {
                let last = (next == "am" || next == "pm" || next == "a.m" || next == "p.m") ? index + 1 : index
                facts.append(GroundingFact(kind: .time, key: "time:\(minutes)", text: quote(index, last), span: index...last))
                index = last + 1
                continue
            }
            // "one hour", "an hour" are durations; "a" is left alone ("twice a day" states no duration).
            guard let value = token.value ?? (token.text == "one" || token.text == "an" ? 1 : nil)
            else {
                if let month = months[token.text], let day = tokens.dropFirst(index + 1).first?.value,
                   day >= 1, day <= 31, day == day.rounded() {
                    facts.append(GroundingFact(kind: .date, key: "date:\(month)-\(Int(day))", text: quote(index, index + 1), span: index...(index + 1)))
                    index += 2
                    continue
                }
                index += 1
                continue
            }
            let isWordOne = token.value == nil
            if currencies.contains(previous), !isWordOne {
                facts.append(GroundingFact(kind: .amount, key: "amount:\(previous):\(token.key)",
                                           text: quote(index - 1, index), span: (index - 1)...index))
                index += 1
                continue
            }
            if let code = currencyWords[next], !isWordOne {
                facts.append(GroundingFact(kind: .amount, key: "amount:\(code):\(token.key)", text: quote(index, index + 1), span: index...(index + 1)))
                index += 2
                continue
            }
            if next == "percent" || next == "per" && index + 2 < tokens.count && tokens[index + 2].text == "cent",
               !isWordOne {
                facts.append(GroundingFact(kind: .percentage, key: "percentage:\(token.key)", text: quote(index, index + 1), span: index...(index + 1)))
                index += 2
                continue
            }
            // "14 days", "3 business days", "one hour", "an hour".
            var unitIndex = index + 1
            if unitIndex < tokens.count, ["business", "working", "calendar", "full"].contains(tokens[unitIndex].text) {
                unitIndex += 1
            }
            if unitIndex < tokens.count, let seconds = durationUnits[tokens[unitIndex].text] {
                let total = value * seconds
                facts.append(GroundingFact(kind: .duration, key: "duration:\(GroundingTokenizer.canonicalNumber(total))",
                                           text: quote(index, unitIndex), span: index...unitIndex))
                index = unitIndex + 1
                continue
            }
            if !isWordOne, index + 1 < tokens.count, let month = months[next], value >= 1, value <= 31 {
                facts.append(GroundingFact(kind: .date, key: "date:\(month)-\(Int(value))", text: quote(index, index + 1), span: index...(index + 1)))
                index += 2
                continue
            }
            if !isWordOne {
                facts.append(GroundingFact(kind: .number, key: "number:\(token.key)", text: quote(index, index), span: index...index))
            }
            index += 1
        }
        facts += names(tokens: tokens, from: namesFromIndex, quote: quote)
        facts += rawWordFacts(text)
        return facts
    }

    /// Runs of capitalized words that are not function words, counted only at the given token positions
    /// (the checker leaves out each sentence's first word).
    private static func names(tokens: [GroundingToken], from allowed: Set<Int>,
                              quote: (Int, Int) -> String) -> [GroundingFact] {
        var facts: [GroundingFact] = []
        var runStart: Int?
        func close(_ end: Int) {
            guard let start = runStart else { return }
            let key = tokens[start...end].map(\.text).joined(separator: " ")
            facts.append(GroundingFact(kind: .entity, key: "entity:\(key)", text: quote(start, end), span: start...end))
            runStart = nil
        }
        for (index, token) in tokens.enumerated() {
            let isName = token.isCapitalized && !token.isStopword && !token.isNumeric && allowed.contains(index)
                && token.text != "i" && !pleasantryCapitals.contains(token.text)
            if isName {
                if runStart == nil { runStart = index }
            } else if runStart != nil {
                close(index - 1)
            }
        }
        if runStart != nil { close(tokens.count - 1) }
        return facts
    }

    /// Links, e-mail addresses and phone numbers, read from the whitespace-separated words of the raw text.
    static func rawWordFacts(_ text: String) -> [GroundingFact] {
        var facts: [GroundingFact] = []
        for rawWord in text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }) {
            var word = Substring(rawWord)
            while let last = word.last, ".,;:!?)]}>\"'".contains(last) { word = word.dropLast() }
            while let first = word.first, "([{<\"'".contains(first) { word = word.dropFirst() }
            let lower = word.lowercased()
            if lower.hasPrefix("http://") || lower.hasPrefix("https://") || lower.hasPrefix("www.") {
                facts.append(GroundingFact(kind: .url, key: "url:" + normalizedURL(lower), text: String(word)))
            } else if let at = lower.firstIndex(of: "@"), at != lower.startIndex, lower[at...].contains(".") {
                facts.append(GroundingFact(kind: .email, key: "email:" + lower, text: String(word)))
            } else {
                let digits = word.filter(\.isASCIIDigitCharacter)
                let allowedPunctuation = word.allSatisfy { $0.isASCIIDigitCharacter || "+-().".contains($0) }
                if digits.count >= 7, allowedPunctuation, word.contains("-") || word.hasPrefix("+") || word.hasPrefix("(") {
                    facts.append(GroundingFact(kind: .phone, key: "phone:" + String(digits.suffix(10)), text: String(word)))
                }
            }
        }
        return facts
    }

    /// "https://www.Example.com/help/" -> "example.com/help".
    static func normalizedURL(_ lower: String) -> String {
        var url = Substring(lower)
        for prefix in ["https://", "http://", "www."] where url.hasPrefix(prefix) { url = url.dropFirst(prefix.count) }
        while url.last == "/" { url = url.dropLast() }
        return String(url)
    }

    private static func clockTime(_ token: GroundingToken, next: String) -> Int? {
        let meridiem = next == "am" || next == "a.m" ? 0 : next == "pm" || next == "p.m" ? 12 : nil
        if var minutes = token.clockMinutes {
            if let meridiem, minutes < 13 * 60 { minutes = minutes % (12 * 60) + meridiem * 60 }
            return minutes
        }
        if let value = token.value, let meridiem, value >= 1, value <= 12, value == value.rounded() {
            return (Int(value) % 12 + meridiem) * 60
        }
        // "3pm", "10:30am" as one word.
        for (suffix, offset) in [("am", 0), ("pm", 12)] where token.text.hasSuffix(suffix) {
            let head = token.text.dropLast(2)
            let parts = head.split(separator: ":")
            guard let hours = parts.first.flatMap({ Int($0) }), hours >= 1, hours <= 12 else { continue }
            let minutes = parts.count == 2 ? Int(parts[1]) ?? 0 : 0
            return (hours % 12 + offset) * 60 + minutes
        }
        return nil
    }

    private static let currencies: Set<String> = ["usd", "eur", "gbp"]
    private static let currencyWords: [String: String] = [
        "usd": "usd", "dollar": "usd", "dollars": "usd", "eur": "eur", "euro": "eur", "euros": "eur",
        "gbp": "gbp", "pound": "gbp", "pounds": "gbp",
    ]
    static let durationUnits: [String: Double] = [
        "second": 1, "seconds": 1, "sec": 1, "secs": 1, "minute": 60, "minutes": 60, "min": 60, "mins": 60,
        "hour": 3600, "hours": 3600, "hr": 3600, "hrs": 3600, "day": 86400, "days": 86400, "week": 604_800,
        "weeks": 604_800, "month": 2_592_000, "months": 2_592_000, "year": 31_536_000, "years": 31_536_000,
        "decade": 315_360_000, "decades": 315_360_000, "century": 3_153_600_000, "centuries": 3_153_600_000,
    ]
    private static let months: [String: Int] = [
        "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
        "september": 9, "october": 10, "november": 11, "december": 12, "jan": 1, "feb": 2, "mar": 3, "apr": 4,
        "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
    ]
    /// Capitalized words that are courtesy, not names ("Thanks", "Please", "Hi").
    private static let pleasantryCapitals: Set<String> = ["please", "thanks", "thank", "hi", "hello", "hey", "sorry", "ok", "okay"]
}

extension Character {
    fileprivate var isASCIIDigitCharacter: Bool { isASCII && isNumber }
}
