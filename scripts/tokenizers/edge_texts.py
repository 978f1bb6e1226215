"""Hand-written edge-case texts shared by every tokenizer fixture.

These are written out in code (not read from the machine) so that they are the
same everywhere; make_texts.py puts them first in texts.jsonl and
make_fixtures.py mixes them into the training corpus so the small trained
vocabularies also contain a few non-Latin merges.

Every text must be a valid Swift String, i.e. a sequence of Unicode scalar
values: no lone surrogates (Python would accept them; JSON and Swift would not).
"""

from __future__ import annotations

_CODE_PY = '''import os, sys

class Haystack:
    """Holds the text."""

    def __init__(self, text: str, depth: float = 0.5) -> None:
        self.text = text
        self.depth = depth

    def insert(self, needle):
        if not needle:
            raise ValueError("empty needle")
        at = int(len(self.text) * self.depth)
        return self.text[:at] + needle + self.text[at:]


if __name__ == "__main__":
    print(Haystack("abc").insert("X"))  # -> abXc
'''

_CODE_TABS = "int main(void) {\n\tint x = 0;\n\tfor (int i = 0; i < 10; i++) {\n\t\tx += i;\t// sum\n\t}\n\treturn x;\n}\n"

_CODE_SWIFT = """public struct Needle: Sendable {
    let key: String
    let value: Int
}

func find(_ needles: [Needle], key: String) -> Int? {
    needles.first { $0.key == key }?.value
}
"""

_JSON = '{"name": "needle", "ids": [1, 2, 3], "nested": {"a": null, "b": true, "c": -1.5e-3}, "s": "tab\\there"}'

_MARKDOWN = """# Title

Some *emphasis*, **bold**, `code` and a [link](https://example.org/a_b?c=d).

- item one
- item two
  - nested item

| col | col |
|-----|-----|
| 1   | 2   |
"""

_CJK_MIXED = "今天天气很好。我们去公园散步吧！東京タワーは333メートルです。漢字、ひらがな、カタカナ。"
_KOREAN = "안녕하세요, 세계! 한국어 텍스트입니다. 띄어쓰기도 있어요."
_ARABIC = "مرحبا بالعالم! هذه جملة باللغة العربية، مع أرقام ١٢٣٤ و 5678."
_HEBREW = "שָׁלוֹם עוֹלָם — עברית עם ניקוד."
_HINDI = "नमस्ते दुनिया! यह हिन्दी में एक वाक्य है। संख्याएँ: ०१२३४५"
_THAI = "สวัสดีครับ ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ"
_RUSSIAN = "Съешь же ещё этих мягких французских булок, да выпей чаю."
_GREEK = "Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Ὦ ξεῖν᾽, ἀγγέλλειν"
_VIETNAMESE = "Tiếng Việt có dấu: Chào thế giới, người ơi!"

EDGE_TEXTS: list[tuple[str, str]] = [
    # --- whitespace -------------------------------------------------------
    ("empty", ""),
    ("space", " "),
    ("two_spaces", "  "),
    ("many_spaces", " " * 37),
    ("tab", "\t"),
    ("tabs", "\t\t\t"),
    ("newline", "\n"),
    ("newlines3", "\n\n\n"),
    ("crlf", "\r\n"),
    ("crlf_text", "line one\r\nline two\r\n\r\nline four\r\n"),
    ("cr_only", "a\rb\r\rc"),
    ("lf_cr", "a\n\rb"),
    ("leading_spaces_hello", "  hello"),
    ("leading_space_hello", " hello"),
    ("hello", "hello"),
    ("trailing_spaces", "hello   "),
    ("trailing_newline", "hello\n"),
    ("spaces_then_newline", "hello   \n   world"),
    ("mixed_ws", " \t \n \r\n\t  x \u000b\u000c y"),
    # U+001C..U+001F: str.isspace() is true, but they are not Unicode White_Space (not \s).
    ("info_separators", "a\u001cb \u001d c\u001e\u001fd  \u001c  e"),
    ("space_before_words", "a  b   c    d"),
    ("nbsp_and_unicode_spaces", "a\u00a0b\u2009c\u3000d\u2028e\u2029f\u0085g\u200bh\ufeffi"),
    # --- digits --------------------------------------------------------------
    ("digits_7", "1234567"),
    ("digits_long", "3141592653589793238462643383279502884197169399375105820974944592"),
    ("numbers_mixed", "In 2024, 1,000,000 people paid $3.50 (or 12.5%) on 03/04/2025 at 10:45pm; x=-42e10."),
    ("digits_other_scripts", "٠١٢٣٤٥٦٧٨٩ ०१२३ ๑๒๓ ①②③ ²³ Ⅻ ½"),
    ("fullwidth", "ＡＢＣ　ｘｙｚ　１２３４５　！？"),
    # --- contractions --------------------------------------------------------
    ("contractions_lower", "it's don't they're we've I'm you'll he'd"),
    ("contractions_upper", "IT'S DON'T THEY'RE WE'VE I'M YOU'LL HE'D"),
    ("contractions_mixed", "It'S dOn'T They'Re We'Ve i'M YoU'Ll hE'd"),
    ("contractions_bare", "'s 't 're 've 'm 'll 'd 'S 'T 'RE 'VE 'M 'LL 'D"),
    ("apostrophes_other", "it’s ‘quoted’ 'single' ''double'' rock'n'roll o'clock '90s"),
    # --- punctuation ---------------------------------------------------------
    ("punctuation_run", "!!!??? ... --- ;;; ::: ((( ))) [[[ ]]] {{{ }}} <<< >>> /// \\\\\\ ||| ~~~ ``` ^^^"),
    ("punct_newlines", "end.\n\n\n(start)\n---\n***\n"),
    ("quotes", "\"double\" 'single' «guillemets» „German“ 「Japanese」 『double』"),
    ("ascii_all", "".join(chr(c) for c in range(32, 127))),
    ("control_chars", "a\u0000b\u0001c\u0007d\u001be\u007ff"),
    # --- emoji ---------------------------------------------------------------
    ("emoji_simple", "I ❤️ pizza 🍕🍕 and 😀😃😄!"),
    ("emoji_skin_tone", "👍🏽 👋🏿 🤝🏻"),
    ("emoji_zwj_family", "👨‍👩‍👧‍👦 family, 👩‍💻 coder, 🏳️‍🌈 flag"),
    ("emoji_flags", "🇺🇸🇯🇵🇩🇪🇫🇷 🏴󠁧󠁢󠁳󠁣󠁴󠁿"),
    ("emoji_keycap", "1️⃣ 2️⃣ #️⃣ *️⃣"),
    # --- scripts -------------------------------------------------------------
    ("cjk", _CJK_MIXED),
    ("korean", _KOREAN),
    ("arabic", _ARABIC),
    ("hebrew", _HEBREW),
    ("hindi", _HINDI),
    ("thai", _THAI),
    ("russian", _RUSSIAN),
    ("greek", _GREEK),
    ("vietnamese", _VIETNAMESE),
    ("rtl_marks", "abc \u200f\u05d0\u05d1\u200e def \u202eevil\u202c"),
    # --- normalization-sensitive ---------------------------------------------
    ("ligature_fi", "ﬁnal ﬁle ﬂow ﬀ ﬃ"),
    ("a_ring_precomposed", "\u00c5ngstr\u00f6m"),
    ("a_ring_decomposed", "A\u030angstro\u0308m"),
    ("angstrom_sign", "\u212b"),
    ("e_acute_both", "caf\u00e9 cafe\u0301"),
    ("combining_stack", "Z\u0351\u0352\u0353a\u0300\u0301\u0302l\u0303g\u0304o\u0305"),
    ("hangul_jamo", "\u1100\u1161\u11a8 \uac01"),
    ("compat_chars", "㎏ ㍿ ℌ ℍ ™ ℡ ⅓ x² H₂O \u00b5 \u2126 \u212a"),
    ("turkish_i", "İstanbul ıi IĞDIR"),
    ("sharp_s", "Straße STRASSE ß ẞ"),
    # --- astral / surrogate-adjacent (all valid scalars) ---------------------
    ("surrogate_adjacent", "\ud7ff\ue000\ufffd\uffff\U00010000\U0010ffff"),
    ("astral_math", "𝐀𝐁𝐂 𝕏 𝔘𝔫𝔦𝔠𝔬𝔡𝔢"),
    ("escaped_surrogate_literal", "\\ud83d\\ude00 is how JSON escapes 😀"),
    ("replacement_char", "bad byte: \ufffd\ufffd end"),
    # --- long ----------------------------------------------------------------
    ("long_word", "Pneumonoultramicroscopicsilicovolcanoconiosis " * 3),
    ("very_long_word", "abcdefghij" * 300),
    ("very_long_same_char", "a" * 2000),
    ("long_spaces", "x" + " " * 1000 + "y"),
    ("long_newlines", "\n" * 500),
    ("long_punct", "!" * 700),
    ("long_digits", "9" * 1000),
    ("long_base64", "TWFueSBoYW5kcyBtYWtlIGxpZ2h0IHdvcmsu" * 40),
    ("long_cjk", "的一是不了人我在有他这为之大来以个中上们" * 50),
    # --- special and added token strings -------------------------------------
    ("special_endoftext", "<|endoftext|>"),
    ("special_endoftext_inline", "Hello<|endoftext|>world"),
    ("special_endoftext_spaced", "Hello <|endoftext|> world"),
    ("special_endoftext_twice", "<|endoftext|><|endoftext|>\n<|endoftext|>"),
    ("special_partial", "<|endoftext| <|endoftext <|im_start <|"),
    ("special_chatml", "<|im_start|>system\nYou are helpful.<|im_end|>\n<|im_start|>user\nHi!<|im_end|>\n<|im_start|>assistant\n"),
    ("special_llama3", "<|begin_of_text|>Hello world<|end_of_text|>"),
    ("special_llama3_spaced", " <|begin_of_text|> Hello <|end_of_text|> "),
    ("special_sentencepiece", "<s>Hello</s> <s> world </s><unk>"),
    ("special_sp_bytes_literal", "<0x41> <0xFF> ▁ ▁▁x"),
    ("added_mask", "The capital of France is <mask>."),
    ("added_mask_spaces", "a <mask> b  <mask>  c<mask>d\t<mask>\n"),
    ("added_sep_rstrip", "first<sep>   second <sep>\nthird"),
    ("added_name_leading_space", "Dear [NAME], hello [NAME]! ([NAME])"),
    ("added_date", "Due [DATE]; moved to [DATE] again"),
    ("added_single_word", "needle needles haystackneedle needle. (needle) needle_x Needle"),
    ("added_fine_tune", "fine-tune ﬁne-tune fine-tuned refine-tune"),
    ("added_tokens_adjacent", "<mask><mask>[NAME][NAME]<sep><sep>"),
    ("ignore_merges_words", "A needle in a haystack: the tokenizer retrieval benchmark in Swift!!! 999 inference, "
                            "kilometer embedding. Haystack haystack haystacks"),
    ("metaspace_char_in_text", "▁hello ▁ world▁"),
    # --- code, markup, urls --------------------------------------------------
    ("code_python", _CODE_PY),
    ("code_c_tabs", _CODE_TABS),
    ("code_swift", _CODE_SWIFT),
    ("json", _JSON),
    ("markdown", _MARKDOWN),
    ("html", "<div class=\"a\"><p>Hello &amp; welcome&nbsp;to <b>x</b></p><br/></div>"),
    ("urls", "See https://example.com/path/to/page?q=needle&lang=en#section-2 or http://127.0.0.1:8080/ and mailto:dev@needle-eval.local"),
    ("file_paths", "/usr/share/doc/base-files/copyright C:\\Program Files\\x.exe ~/.config/needle-eval/settings.json"),
    ("mixed_everything", "Résumé: naïve café — 東京 🗼 at 9:30 AM (≈ €12.50) — ok?\n\tDone."),
]

# Added after the trained fixtures were built, so not in their training corpus (which stays as
# it was): numerals of many scripts for \p{N} splits and the Digits pre-tokenizer; scalars new in
# Unicode 17, which the regex engines of the references (Oniguruma, the regex crate) do not know
# yet while Rust's char::is_numeric does; and bytes some byte-level vocabularies lack (SmolLM2's
# has no 0x04, 0x06, 0x13, 0x14, 0x16, 0x1D, 0xF1, 0xF2, ...: dropped before merging).
LATER_TEXTS: list[tuple[str, str]] = [
    ("numerals_scripts", "x٣٤y 12٣4 ૧૨ ১২৩ ༡༢ ၁၂ ０１２ 𝟎𝟏𝟐 Ⅰⅱↂ〇 𐅀 ¹²³ ½⅓ ①⑳ ⑴ ⒈ 𐄇 𑁒 𐵀𐵁 𖭐 a1b22c333 1 2  3\n45\t6"),
    ("numerals_unicode17", "a\U00011de0\U00011de1b 7\U00011de2 8 \U00016ff4\U00016ff5\U00016ff6x \U00011de9\U00011de99"),
    ("bytes_outside_vocab", "!\x04! (\x04( ))\x04)) x\x06y \x13\x14\x16\x1d| \U00040000 !\U00050000! \U00090000x"),
    ("letters_unicode17", "ab\u088fcd \u0c5c\u0cdc \ua7ceX x\u1acf\u1ad0y 3\u088f4 \u088f"),
]
TEST_TEXTS = EDGE_TEXTS + LATER_TEXTS


def check() -> None:
    names = [n for n, _ in TEST_TEXTS]
    assert len(names) == len(set(names)), "duplicate edge text names"
    for name, text in TEST_TEXTS:
        for ch in text:
            assert not (0xD800 <= ord(ch) <= 0xDFFF), f"{name}: lone surrogate"


check()
