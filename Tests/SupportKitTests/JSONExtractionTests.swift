import Foundation
import SupportKit
import Testing

/// Reading the JSON object out of a model's reply.
struct JSONExtractionTests {
    @Test func theFirstObjectIsFoundInProseAndFences() {
        let fenced = "```json\n{\"intent\": \"problem\", \"note\": \"a } inside a string\"}\n```"
        #expect(JSONExtraction.firstObject(in: fenced)?["intent"] as? String == "problem")
        let prose = "Sure! {not json} Here it is: {\"a\": {\"b\": 1}} and more {\"c\": 2}"
        let object = JSONExtraction.firstObject(in: prose)
        #expect((object?["a"] as? [String: Any])?["b"] as? Int == 1)
        #expect(JSONExtraction.firstObject(in: "no braces at all") == nil)
        #expect(JSONExtraction.firstObject(in: "{\"unterminated\": 1") == nil)
    }

    @Test func durationsReadAsSeconds() {
        #expect(Duration.milliseconds(1500).seconds == 1.5)
        #expect(Duration.seconds(2).milliseconds == 2000)
    }
}
