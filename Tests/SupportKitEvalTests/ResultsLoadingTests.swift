import Foundation
import Testing
import SupportKit
@testable import SupportKitEval
@testable import SupportKitReport

/// Loading and rendering a large stored run takes shortcuts (a compact JSON reader, a fixed-decimal formatter,
/// work spread over cores); each must give exactly what the general path gives.
@Suite struct ResultsLoadingTests {
    /// Texts that need every kind of escape, and some that need none.
    static let awkward = [
        "", "plain", "billing/refunds", "He said \"hi\"", "back\\slash", "tab\there", "line\nbreak", "cr\r",
        "\u{01}\u{1F}", "café", "日本語", "emoji 🤖 and 👩‍💻", "slash / and </script>", "quote' apostrophe",
        "\u{7F}del", "\u{2028}separator",
    ]

    @Test func compactReaderReadsWhatTheStoreWrites() throws {
        var generator = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let strings = (0..<generator.next(below: 6)).map { _ in Self.randomText(&generator) }
            let text = ResultsStore.json(strings)
            #expect(CompactJSON.strings(text) == strings, "\(text)")
            let chunks = (0..<generator.next(below: 5)).map { _ in
                RetrievedChunk(
                    chunkId: UUID(), docId: Self.randomText(&generator), title: Self.randomText(&generator),
                    headingPath: Self.randomText(&generator),
                    score: [0, 1, -0.5, 0.031_280_547_380_447_39, 1e-7, 123_456.789, Double(generator.next(below: 1000)) / 7][generator.next(below: 7)])
            }
            let chunkText = ResultsStore.json(chunks)
            #expect(CompactJSON.retrievedChunks(chunkText) == chunks, "\(chunkText)")
            #expect(try JSONDecoder().decode([RetrievedChunk].self, from: Data(chunkText.utf8)) == chunks)
        }
    }

    @Test func compactReaderLeavesEverythingElseToTheDecoder() {
        for text in ["[ \"a\"]", "[\"a\" ]", "[null]", "[1]", "[\"a\",]", "[\"a\"", "\"a\"", "[\"\\x\"]", "[\"\\ud800\"]",
                     "[\"raw\u{01}control\"]", "[\"a\"]x", "{}"] {
            #expect(CompactJSON.strings(text) == nil, "\(text)")
        }
        let id = UUID().uuidString
        for text in [
            "[{\"chunkId\":\"\(id)\",\"docId\":\"d\",\"headingPath\":\"h\",\"score\":1,\"title\":\"t\",\"extra\":1}]",
            "[{\"chunkId\":\"\(id)\",\"docId\":\"d\",\"headingPath\":\"h\",\"title\":\"t\"}]",
            "[{\"chunkId\":\"not-a-uuid\",\"docId\":\"d\",\"headingPath\":\"h\",\"score\":1,\"title\":\"t\"}]",
            "[{\"chunkId\":\"\(id)\", \"docId\":\"d\",\"headingPath\":\"h\",\"score\":1,\"title\":\"t\"}]",
            "[{\"chunkId\":\"\(id)\",\"docId\":\"d\",\"headingPath\":\"h\",\"score\":+1,\"title\":\"t\"}]",
        ] {
            #expect(CompactJSON.retrievedChunks(text) == nil, "\(text)")
        }
        // Valid JSON outside the compact form still loads, through the decoder.
        #expect(StoredTurn.strings("[ \"a\" , \"b\" ]") == ["a", "b"])
        #expect(StoredTurn.strings("[\"\\u00e9\\ud83e\\udd16\"]") == ["é🤖"])
        #expect(StoredTurn.chunks("[ {\"chunkId\":\"\(id)\",\"docId\":\"d\",\"headingPath\":\"h\",\"score\":2.5e-3,\"title\":\"t\"} ]")
                == [RetrievedChunk(chunkId: UUID(uuidString: id)!, docId: "d", title: "t", headingPath: "h", score: 0.0025)])
        #expect(StoredTurn.strings(nil) == nil)
    }

    @Test func compactReaderSharesRepeatedTextsAndReadsUUIDsOfEitherCase() throws {
        let title = "Promo codes and coupons not working", quoted = "Promo codes \"and\" coupons not working"
        let chunks = [
            RetrievedChunk(chunkId: UUID(), docId: "billing/promo-codes", title: title, headingPath: title, score: 0.5),
            RetrievedChunk(chunkId: UUID(), docId: "billing/promo-codes", title: title, headingPath: title + " > FAQ", score: 0.25),
            RetrievedChunk(chunkId: UUID(), docId: "billing/promo-codes-2", title: quoted, headingPath: quoted, score: 0.125),
            RetrievedChunk(chunkId: UUID(), docId: "billing/promo-codes", title: "Promo codes and coupons not workin", headingPath: "", score: 0),
        ]
        let text = ResultsStore.json(chunks)
        #expect(CompactJSON.retrievedChunks(text) == chunks)
        let lower = chunks[0].chunkId.uuidString.lowercased()
        let single = "[{\"chunkId\":\"\(lower)\",\"docId\":\"d\",\"headingPath\":\"h\",\"score\":1,\"title\":\"t\"}]"
        #expect(CompactJSON.retrievedChunks(single)?.first?.chunkId == chunks[0].chunkId)
        for broken in [String(lower.dropLast()), lower.replacingOccurrences(of: "-", with: "_"), "g" + lower.dropFirst(),
                       lower + "0"] {
            #expect(CompactJSON.retrievedChunks(single.replacingOccurrences(of: lower, with: broken)) == nil, "\(broken)")
        }
    }

    @Test func htmlBytesEscapeTheFiveCharactersAndNothingElse() {
        var generator = SplitMix64(seed: 5)
        for _ in 0..<300 {
            let text = Self.randomText(&generator)
            var html = HTMLBytes()
            html.raw("<p>")
            html.text(text)
            html.number(-42)
            let reference = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
                .replacingOccurrences(of: "'", with: "&#39;")
            #expect(String(decoding: html.bytes, as: UTF8.self) == "<p>" + reference + "-42")
            #expect(text.htmlEscaped == reference)
        }
    }

    @Test func fixedDecimalsMatchPrintf() {
        var generator = SplitMix64(seed: 11)
        var values: [Double] = [0, -0.0, 0.5, 1.5, 2.5, 0.125, 0.375, 1.005, 2.675, -0.001, -0.004, 0.999_5, 9.995, 99.5,
                                123_456_789.125, 1e17, .nan, .infinity, -.infinity, 0.1 + 0.2, 1e-9]
        for _ in 0..<5_000 {
            let magnitude = [1.0, 10, 1_000, 1e6][generator.next(below: 4)]
            let value = Double(generator.next(below: 2_000_001)) / 1_000_000 * magnitude
            values.append(generator.next(below: 2) == 0 ? value : -value)
        }
        for value in values {
            for digits in 0...4 {
                #expect(ReportFormat.fixed(value, digits: digits) == String(format: "%.\(digits)f", value), "\(value) \(digits)")
            }
        }
    }

    @Test func concurrentMapKeepsTheOrder() {
        let numbers = Array(0..<10_000)
        #expect(numbers.concurrentMap(minimumPerSlice: 16) { $0 * 3 } == numbers.map { $0 * 3 })
        #expect([Int]().concurrentMap { $0 } == [])
        #expect([1, 2].concurrentMap(minimumPerSlice: 1) { String($0) } == ["1", "2"])
        let (a, b) = concurrently({ numbers.reduce(0, +) }, { "done" })
        #expect(a == 49_995_000 && b == "done")
    }

    @Test func backgroundBatchMapKeepsTheSubmissionOrder() {
        let pipeline = BackgroundBatchMap<Int, String> { String($0 * 2) }
        var expected: [String] = []
        for start in stride(from: 0, to: 5_000, by: 97) {
            let batch = Array(start..<min(start + 97, 5_000))
            pipeline.submit(batch)
            pipeline.submit([])   // an empty batch is no batch
            expected += batch.map { String($0 * 2) }
        }
        #expect(pipeline.finish() == expected)
        #expect(BackgroundBatchMap<Int, Int> { $0 }.finish() == [])
        let single = BackgroundBatchMap<Int, Int> { $0 + 1 }
        single.submit([1, 2, 3])
        #expect(single.finish() == [2, 3, 4])
    }

    @Test func chunksShowTheSectionsBelowTheirTitleOnce() {
        func chunk(_ title: String, _ path: String) -> RetrievedChunk {
            RetrievedChunk(chunkId: UUID(), docId: "d", title: title, headingPath: path, score: 0.5)
        }
        #expect(HTMLReport.sectionsBelowTitle(chunk("Refunds", "Refunds > Cards > Timing")) == "Cards > Timing")
        #expect(HTMLReport.sectionsBelowTitle(chunk("Refunds", "Refunds")) == "")
        #expect(HTMLReport.sectionsBelowTitle(chunk("Refunds", "Returns > Labels")) == "Returns > Labels")
        #expect(HTMLReport.sectionsBelowTitle(chunk("Refunds", "Refunds policy")) == "Refunds policy")
    }

    @Test func turnsComeBackInSuiteOrder() async throws {
        let store = try ResultsStore()
        // Suite order differs from id order; every turn's JSON columns round-trip.
        let conversations = ["zeta", "alpha", "mid"].map { id in
            Conversation(id: id, customer: .init(id: "c-\(id)"), turns: [
                .init(user: "first \(id)", expect: .init(intent: "question", docs: ["a/\"quoted\""])),
                .init(user: "second \(id)", expect: .init(intent: "problem")),
            ])
        }
        let run = RunInfo(id: "r1", startedAt: Date(timeIntervalSince1970: 0), status: .running, suiteHash: "h",
                          suitePaths: [], conversationCount: 3, turnCount: 6, fingerprints: [:], seed: 1, concurrency: 1,
                          turnTimeout: 1)
        try await store.createRun(run, conversations: conversations)
        var expected: [TurnRecord] = []
        for conversation in conversations {
            for (index, turn) in conversation.turns.enumerated() {
                let prediction = Prediction(
                    intent: "question", confidence: 0.5, category: nil, categoryConfidence: 0, rankedDocIds: ["a/\"quoted\"", "b"],
                    retrieved: [RetrievedChunk(chunkId: UUID(), docId: "b", title: "T \"x\"", headingPath: "T > \\", score: 0.25)],
                    escalated: false, escalationReasons: ["why\nnot"], ticketId: nil, memoryRecalled: [], answer: "a",
                    classifier: "c", timings: StageTimings(classify: 1, memory: 2, retrieve: 3, respond: 4))
                expected.append(TurnRecord(conversationId: conversation.id, turnIndex: index, user: turn.user,
                                           expected: turn.expect, status: .ok, prediction: prediction, latencyMs: 10))
            }
        }
        // Written in reverse, read back in suite order.
        for record in expected.reversed() { try await store.record(record, runId: run.id) }
        #expect(try store.turns(runId: run.id) == expected)
    }

    private static func randomText(_ generator: inout SplitMix64) -> String {
        (0..<generator.next(below: 4)).map { _ in awkward[generator.next(below: awkward.count)] }.joined()
    }
}
