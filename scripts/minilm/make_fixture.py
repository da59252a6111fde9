#!/usr/bin/env python3
"""Writes Tests/SupportKitEmbeddingTests/Fixtures/minilm-reference.json: texts, the reference token ids and the
reference sentence-transformers embeddings of all-MiniLM-L6-v2, for supportkit's parity tests.

Run once by a developer, from the repository root, in the reference venv (see docs/embeddings.md):
    python3 -m venv .venv-ref && .venv-ref/bin/pip install sentence-transformers onnxruntime onnx
    scripts/fetch-model.sh
    HF_HUB_OFFLINE=1 .venv-ref/bin/python scripts/minilm/make_fixture.py [MODEL_DIR]
The tests themselves never need Python.
"""
import json
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OUT = os.path.join(ROOT, "Tests/SupportKitEmbeddingTests/Fixtures/minilm-reference.json")

LONG_PASSAGE = (
    "To reset your password, open the sign-in page and choose \"Forgot password?\". Enter the e-mail address on "
    "your account; we send a link that stays valid for 30 minutes. If the message does not arrive within 5 minutes, "
    "check your spam folder, make sure the address is spelled correctly, and ask your administrator whether "
    "messages from no-reply@example.com are blocked. Accounts protected by single sign-on (SSO) cannot reset "
    "their password here: contact your identity provider instead. After three failed attempts the account is "
    "locked for 15 minutes; after ten, it stays locked until support unlocks it. Two-factor authentication codes "
    "are six digits long and change every 30 seconds; if your phone's clock is off by more than a minute, codes "
    "will be rejected, so turn on automatic time. Refunds for annual plans are prorated: you get back the unused "
    "months minus a 10% processing fee, credited within 5-10 business days to the original payment method. "
)


def texts():
    t = [
        "How do I reset my password?",
        "I can't get into my account",
        "Where is my order #A-10293? It was supposed to arrive on 2024-03-15.",
        "Refund of $1,299.99 (plus 8.25% tax) hasn't shown up yet...",
        "Café, naïve, résumé, façade, jalapeño, Ångström, Øresund",
        "Größe, Straße, Übermäßig, ÄÖÜ äöü ß",
        "HELLO!!! What's up?? (test) [x] {y} <z> @#$%^&*_+=|\\/~`",
        "e-mail, co-operate, U.S.A., Ph.D., 3.14159, 1/2, 10:30am, 50%",
        "I love the new update 😀👍 but the app crashes 💥",
        "🎉🎉🎉",
        "❤️ thanks! 🙏🏽",
        "New emoji 🥲 🫠 🫶 since Unicode 13 and 14",
        "我的密码忘了，怎么办？",
        "パスワードをリセットする方法を教えてください。",
        "비밀번호를 잊어버렸어요. 도와주세요!",
        "pass\u200bword reset \u200c\u200d zero\u2060width \ufeffBOM",
        "",
        "   ",
        " \t\n\r\u00a0\u3000 ",
        "Tabs\tand\nnewlines\r\nand\u00a0non-breaking\u2003spaces",
        "control \x00\x07\x1b[31m chars \x7f\x85 here",
        "supercalifragilisticexpialidocious " + "a" * 101 + " " + "b" * 100,
        "https://support.example.com/help/articles/12345-reset-password?lang=en&ref=faq#step-2",
        "Contact jane.doe+billing@example.co.uk or call +1 (555) 010-9999 ext. 42",
        "Error 0x80070005: ACCESS_DENIED in C:\\Program Files\\App\\bin\\app.exe",
        "def reset(user): return api.post('/v1/reset', json={'id': user.id})",
        "ΟΔΥΣΣΕΥΣ and Σίσυφος; İstanbul, ıstanbul, DİYARBAKIR",
        "ﬁne ﬂight ＡＢＣ１２３ ｶﾀｶﾅ x² H₂O ½ ™ ©",
        "“Smart quotes” ‘single’ — em dash – en dash … ellipsis «guillemets» ¿qué? ¡sí!",
        "€100, £50, ¥3000, ₹999, ₿0.01, 5°C, ±3, ≥ 10, ∑x, √2, ∞",
        "Привет, не могу войти в аккаунт",
        "مرحبا، لا أستطيع تسجيل الدخول",
        "שלום, אני לא יכול להתחבר",
        "สวัสดีครับ ลืมรหัสผ่าน",
        "नमस्ते, मैं लॉग इन नहीं कर पा रहा हूँ",
        "Combining: e\u0301 a\u0308 n\u0303 o\u0328\u0301 Z\u0335\u0321a\u0336l\u0334g\u0337o",
        "ᄀ ᅡ ᆨ jamo and 한국어 텍스트",
        "Mixed 中文 and English 混合 text 123",
        "a.b,c;d:e!f?g(h)i[j]k{l}m",
        "Why was I charged twice this month",
        "cancel subscription",
        "The quick brown fox jumps over the lazy dog. " * 3,
        LONG_PASSAGE,
        LONG_PASSAGE * 2,
        " ".join(f"item{i}" for i in range(400)),
        "退款政策：年度计划按比例退款。" * 25,
        "Ⅻ ⅷ ㊙ ① ⑩ ⓐ Ⓩ ǅ ǆ ß ẞ ﬀ ᾳ ᾼ",
        "\u0345\u1dc0\u1df6\u1dfa combining-only",
        "\U0001f1fa\U0001f1f8 flags \U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f family 👨‍👩‍👧",
    ]
    return t


def main():
    model_dir = sys.argv[1] if len(sys.argv) > 1 else os.environ.get(
        "SUPPORTKIT_MODEL_DIR", os.path.expanduser("~/.cache/supportkit/models/all-MiniLM-L6-v2"))
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(model_dir, device="cpu")
    assert model.max_seq_length == 256, model.max_seq_length
    tok = model.tokenizer
    items = []
    all_texts = texts()
    embeddings = model.encode(all_texts, batch_size=16, convert_to_numpy=True, normalize_embeddings=False)
    for text, emb in zip(all_texts, embeddings):
        features = model.tokenize([text])
        ids = features["input_ids"][0].tolist()
        full = tok(text, add_special_tokens=False, truncation=False)["input_ids"]
        items.append({
            "text": text,
            "token_count": len(full),
            "input_ids": ids,
            "embedding": [round(float(x), 6) for x in emb],
        })
    doc = {
        "model": "sentence-transformers/all-MiniLM-L6-v2",
        "max_seq_length": 256,
        "generator": "scripts/minilm/make_fixture.py",
        "items": items,
    }
    with open(OUT, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    long = sum(1 for i in items if i["token_count"] > 254)
    print(f"wrote {OUT}: {len(items)} texts, {long} longer than 256 tokens")


if __name__ == "__main__":
    main()
