#!/usr/bin/env python3
"""Writes the fact-swap fixture set: the same support answer, once faithful and once with one fact changed
(a number, an amount, a duration, a time, a date, a percentage, a link, an address, a yes/no, another product's
answer). Word overlap with the knowledge is almost the same for both, so a lexical scorer cannot tell them apart.
All text is invented for this fixture. Output: JSON Lines with "label" (1 faithful, 0 swapped) and "swap"."""
import json, sys

CASES = [
    # (knowledge, faithful answer, [(swapped answer, kind)])
    ("You can cancel an order within 60 minutes of placing it from Order history. After that, start a return.",
     "You can cancel an order within 60 minutes of placing it from Order history.",
     [("You can cancel an order within 14 days of placing it from Order history.", "duration"),
      ("You can cancel an order within 6 minutes of placing it from Order history.", "duration")]),
    ("Refunds are sent to the original card and arrive in 5 to 7 business days.",
     "Refunds go to the original card and arrive in 5 to 7 business days.",
     [("Refunds go to the original card and arrive in 2 to 3 business days.", "duration")]),
    ("The Plus plan costs $9.99 per month and the Team plan costs $24.99 per month.",
     "The Plus plan costs $9.99 per month.",
     [("The Plus plan costs $24.99 per month.", "amount"), ("The Plus plan costs $19.99 per month.", "amount")]),
    ("Our phone support is open Monday to Friday from 8:00 am to 6:00 pm Eastern time.",
     "Phone support is open Monday to Friday from 8:00 am to 6:00 pm Eastern time.",
     [("Phone support is open Monday to Friday from 8:00 am to 9:00 pm Eastern time.", "time"),
      ("Phone support is open Monday to Friday from 10 am to 6 pm Eastern time.", "time")]),
    ("Students get 30% off any annual plan with a valid school email address.",
     "Students get 30% off any annual plan with a valid school email address.",
     [("Students get 50% off any annual plan with a valid school email address.", "percentage")]),
    ("You can change your username once every 30 days in Settings > Profile.",
     "You can change your username once every 30 days in Settings > Profile.",
     [("You can change your username once every 7 days in Settings > Profile.", "duration")]),
    ("Gift cards cannot be exchanged for cash and do not expire.",
     "Gift cards cannot be exchanged for cash and do not expire.",
     [("Gift cards can be exchanged for cash and do not expire.", "polarity")]),
    ("Deleted projects stay in the Trash for 30 days. After that they are removed permanently and cannot be restored.",
     "Deleted projects stay in the Trash for 30 days, and after that they cannot be restored.",
     [("Deleted projects stay in the Trash for 30 days, and after that they can be restored.", "polarity"),
      ("Deleted projects stay in the Trash for 90 days, and after that they cannot be restored.", "duration")]),
    ("Two-factor authentication is required for all admin accounts.",
     "Two-factor authentication is required for all admin accounts.",
     [("Two-factor authentication is not required for admin accounts.", "polarity")]),
    ("You can pause a subscription for up to 3 months. Billing resumes automatically when the pause ends.",
     "You can pause a subscription for up to 3 months, and billing resumes automatically when the pause ends.",
     [("You can pause a subscription for up to 12 months, and billing resumes automatically when the pause ends.", "duration"),
      ("You can pause a subscription for up to 3 months, and billing does not resume automatically when the pause ends.", "polarity")]),
    ("To reset your password, open https://example.com/account/reset and enter the email on your account.",
     "To reset your password, open https://example.com/account/reset and enter the email on your account.",
     [("To reset your password, open https://example.com/account/recover and enter the email on your account.", "url")]),
    ("For billing questions, write to billing@example.com. For technical issues, write to help@example.com.",
     "For billing questions, write to billing@example.com.",
     [("For billing questions, write to accounts@example.com.", "email")]),
    ("Call our returns line at 555-201-3344, available every day.",
     "Call our returns line at 555-201-3344, available every day.",
     [("Call our returns line at 555-201-4433, available every day.", "phone")]),
    ("In Brightnote, shared notebooks can be opened offline after you mark them Available offline.",
     "In Brightnote, shared notebooks can be opened offline after you mark them Available offline.",
     [("In Trailpost, shared notebooks can be opened offline after you mark them Available offline.", "entity")]),
    ("Lumacam doorbells record clips of up to 60 seconds and keep them for 30 days on the Basic plan.",
     "Lumacam doorbells record clips of up to 60 seconds and keep them for 30 days on the Basic plan.",
     [("Lumacam doorbells record clips of up to 60 seconds and keep them for 60 days on the Basic plan.", "duration"),
      ("Lumacam doorbells record clips of up to 60 seconds and keep them for 30 days on the Pro plan.", "entity")]),
    ("The annual sale starts on November 24 and ends on December 1.",
     "The annual sale starts on November 24 and ends on December 1.",
     [("The annual sale starts on November 28 and ends on December 1.", "date")]),
    ("Orders over $50 ship free. Orders under $50 pay a flat $4.95 shipping fee.",
     "Orders over $50 ship free, and smaller orders pay a flat $4.95 shipping fee.",
     [("Orders over $35 ship free, and smaller orders pay a flat $4.95 shipping fee.", "amount")]),
    ("Each workspace can have up to 25 members on the Starter plan and unlimited members on Business.",
     "Each workspace can have up to 25 members on the Starter plan.",
     [("Each workspace can have up to 250 members on the Starter plan.", "number"),
      ("Each workspace can have up to 25 members on the Enterprise plan.", "entity")]),
    ("Exported reports are available for download for 48 hours.",
     "Exported reports stay available for download for 48 hours.",
     [("Exported reports stay available for download for 24 hours.", "duration")]),
    ("You do not need to return a damaged item; send us a photo and we refund it.",
     "You do not need to return a damaged item: send us a photo and we refund it.",
     [("You need to return a damaged item: send us a photo and we refund it.", "polarity")]),
    ("Pickup lockers hold parcels for 5 days before they are returned to the sender.",
     "Pickup lockers hold parcels for 5 days before they are returned to the sender.",
     [("Pickup lockers hold parcels for 10 days before they are returned to the sender.", "duration")]),
    ("The Family plan covers up to 6 people and costs $16.99 a month.",
     "The Family plan covers up to 6 people and costs $16.99 a month.",
     [("The Family plan covers up to 4 people and costs $16.99 a month.", "number")]),
    ("Late fees are waived once per calendar year if you pay within 10 days of the due date.",
     "Late fees are waived once per calendar year if you pay within 10 days of the due date.",
     [("Late fees are waived once per calendar year if you pay within 30 days of the due date.", "duration")]),
    ("Trailpost maps can be downloaded for offline use on Android and iOS. Offline maps are not available on the web.",
     "Trailpost maps can be downloaded for offline use on Android and iOS.",
     [("Trailpost maps can be downloaded for offline use on Android, iOS and the web.", "entity"),
      ("Trailpost maps cannot be downloaded for offline use on Android and iOS.", "polarity")]),
    ("Verification codes expire after 10 minutes. You can request a new code after 60 seconds.",
     "Verification codes expire after 10 minutes, and you can request a new code after 60 seconds.",
     [("Verification codes expire after 30 minutes, and you can request a new code after 60 seconds.", "duration")]),
    ("Store credit is issued within 24 hours and never expires.",
     "Store credit is issued within 24 hours and never expires.",
     [("Store credit is issued within 24 hours and expires after one year.", "duration")]),
    # Another product's answer to the same question.
    ("In Brightnote, you export a notebook from File > Export and choose PDF or Markdown.",
     "In Brightnote, you export a notebook from File > Export and choose PDF or Markdown.",
     [("In Brightnote, you export a notebook from Share > Download and choose PDF or HTML.", "other product")]),
    ("On the Lumacam app, tap Devices, choose the doorbell and tap Restart to reboot it.",
     "On the Lumacam app, tap Devices, choose the doorbell and tap Restart to reboot it.",
     [("On the Lumacam app, hold the doorbell button for 15 seconds to reboot it.", "other product")]),
]

def main(path):
    with open(path, "w") as out:
        n = 0
        for knowledge, good, swaps in CASES:
            n += 1
            out.write(json.dumps({"id": f"swap-{n:02d}-ok", "response": good, "knowledge": knowledge,
                                  "label": 1, "swap": "none"}) + "\n")
            for index, (bad, kind) in enumerate(swaps):
                out.write(json.dumps({"id": f"swap-{n:02d}-{kind.replace(' ', '-')}-{index + 1}", "response": bad,
                                      "knowledge": knowledge, "label": 0, "swap": kind}) + "\n")

if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "Tests/SupportKitGroundingTests/Fixtures/fact-swaps.jsonl")
