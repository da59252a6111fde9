#!/usr/bin/env python3
"""Writes the 2,000 support texts of the embedding benchmark, one per line, deterministically (same output on every
run and machine): half short customer questions, half 100-250-token help-center passages, shuffled.

Usage: scripts/minilm/gen_bench_texts.py OUT_FILE [COUNT]   (pure Python, no packages needed)
"""
import random
import sys

PRODUCTS = ["the mobile app", "the web dashboard", "the desktop client", "the API", "the billing portal",
            "the browser extension", "the admin console", "the Android app", "the iOS app", "the team workspace"]
FEATURES = ["two-factor authentication", "single sign-on", "invoices", "shared folders", "notifications",
            "data export", "the calendar sync", "webhooks", "user roles", "audit logs", "offline mode",
            "the search index", "custom domains", "payment methods", "the referral program", "gift cards"]
PLANS = ["Free", "Starter", "Pro", "Business", "Enterprise"]
COUNTRIES = ["Canada", "Germany", "Japan", "Brazil", "Australia", "India", "France", "Mexico", "Spain", "Kenya"]
ERRORS = ["E-1042", "0x80070005", "HTTP 503", "ERR_CONN_RESET", "401 Unauthorized", "code 17", "SYNC-409",
          "timeout after 30s", "PAY-DECLINED-05", "quota exceeded"]
VERBS = ["reset", "change", "cancel", "update", "export", "delete", "restore", "transfer", "verify", "enable",
         "disable", "download", "share", "merge", "rename"]
OBJECTS = ["my password", "my email address", "my subscription", "my payment card", "my invoices", "my account",
           "a teammate's access", "my order", "the shipping address", "my username", "my phone number",
           "my API key", "my workspace", "the backup", "my profile photo"]

QUESTIONS = [
    "How do I {verb} {obj}?",
    "Can I {verb} {obj} from {product}?",
    "Why can't I {verb} {obj}?",
    "I can't get into my account after the last update",
    "Where do I find {feature} in {product}?",
    "Is {feature} included in the {plan} plan?",
    "My order #{num} hasn't arrived yet, what should I do?",
    "I was charged twice for the {plan} plan this month",
    "Getting error {error} when I try to {verb} {obj}",
    "Do you ship to {country}?",
    "How long does a refund take?",
    "{product} keeps logging me out, help!",
    "what happens to my data if I downgrade to {plan}",
    "Can I pay by bank transfer in {country}?",
    "How do I turn off {feature}?",
    "is there a way to {verb} {obj} without losing anything",
    "The {feature} page is blank in {product}",
    "How much does the {plan} plan cost per user?",
]

SENTENCES = [
    "To {verb} {obj}, open {product}, go to Settings and choose the {feature} section.",
    "If you see {error}, sign out, wait a minute and sign in again; most temporary problems clear up this way.",
    "Customers on the {plan} plan can use {feature} at no extra cost, while other plans can add it for ${price} a month.",
    "Orders to {country} usually arrive within {days} business days; tracking numbers appear in your order history once the parcel ships.",
    "Refunds go back to the original payment method and take {days} to {days2} business days to appear on your statement.",
    "Administrators can {verb} {obj} for any member of the workspace from the admin console.",
    "For security reasons we never ask for your password by email, chat or phone.",
    "When {feature} is turned on, {product} asks for a six-digit code each time you sign in from a new device.",
    "You can export up to {num} records at a time as CSV or JSON; larger exports are sent to your email as a download link.",
    "Changes to {feature} can take up to {minutes} minutes to reach every device.",
    "If the problem continues, contact support with the time it happened, the device you used and the exact error message ({error}).",
    "Invoices for the {plan} plan are issued on the first day of each billing period and are available under Billing > Invoices.",
    "Deleting {obj} cannot be undone after {days} days, so download anything you want to keep first.",
    "Accounts that use single sign-on must {verb} {obj} through their identity provider instead.",
    "We support cards from Visa, Mastercard and American Express, as well as PayPal in {country}.",
    "Your data stays available for {days} days after you downgrade, after which items beyond the {plan} plan's limits are archived.",
    "Make sure {product} is updated to version {major}.{minor}; older versions cannot {verb} {obj}.",
    "Team owners receive an email when someone changes {feature}, with a link to review the change.",
    "During maintenance windows, announced {days} days ahead on the status page, {product} may be read-only for up to {minutes} minutes.",
    "Gift cards never expire and can be combined with a discount code at checkout.",
]


def fill(template, rng):
    return template.format(
        verb=rng.choice(VERBS), obj=rng.choice(OBJECTS), product=rng.choice(PRODUCTS), feature=rng.choice(FEATURES),
        plan=rng.choice(PLANS), country=rng.choice(COUNTRIES), error=rng.choice(ERRORS), num=rng.randint(1000, 99999),
        price=rng.choice([2, 4, 5, 8, 10, 12, 15]), days=rng.randint(2, 14), days2=rng.randint(15, 30),
        minutes=rng.choice([5, 10, 15, 30, 60]), major=rng.randint(3, 9), minor=rng.randint(0, 20))


def main():
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rng = random.Random(20240611)
    texts = []
    for index in range(count):
        if index % 2 == 0:
            text = fill(rng.choice(QUESTIONS), rng)
        else:
            # 100-250 WordPiece tokens: these sentences average about 1.3 tokens per word.
            target_words = rng.randint(88, 195)
            parts, words = [], 0
            while words < target_words:
                sentence = fill(rng.choice(SENTENCES), rng)
                parts.append(sentence)
                words += len(sentence.split())
            text = " ".join(parts)
            while len(text.split()) > 195:
                text = " ".join(text.split()[:195])
        texts.append(text)
    rng.shuffle(texts)
    with open(out, "w", encoding="utf-8") as f:
        for text in texts:
            f.write(text.replace("\n", " ") + "\n")


if __name__ == "__main__":
    main()
