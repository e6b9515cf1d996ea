"""The one definition of characters no text field may hold, and how to show them when they still
arrive; and of the dashes a Chinese input method types where "-" is meant.

Forbidden: C0 controls (tab and newline allowed only where a field is multi-line), DEL, C1
controls, the Unicode line and paragraph separators (U+2028, U+2029: a line break in Markdown and
some JSON readers, none in a terminal), the bidi overrides and isolates that make text read
differently from how it is stored (U+202A–U+202E, U+2066–U+2069), noncharacters (U+FDD0–U+FDEF and the last two code points of every
plane) and lone surrogates. They are invisible, break XML (a .docx, an .xlsx), rewrite a terminal
(ESC sequences) or disguise a file name (U+202E), and no user means to type them.
"""

from __future__ import annotations

import re

_BIDI = "\u202a-\u202e\u2066-\u2069"
_SEPARATORS = "\u2028\u2029"  # LINE/PARAGRAPH SEPARATOR: a line break no field means (Markdown, JSON readers)
_NONCHARS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xfffe)}{chr(plane * 0x10000 + 0xffff)}" for plane in range(17))
_ALWAYS = f"\x00-\x08\x0b-\x1f\x7f-\x9f{_SEPARATORS}{_BIDI}{_NONCHARS}\ud800-\udfff"
BAD = re.compile(f"[{_ALWAYS}]")  # multi-line fields: tab and newline allowed
BAD_SINGLE_LINE = re.compile(f"[\t\n{_ALWAYS}]")
# CR is in the C0 range: a bare CR is refused everywhere (it breaks Markdown lists and CSV lines).

def unmarked(text: str) -> str:
    """text without Unicode format characters (category Cf: zero-width space and joiners, the
    U+200E/U+200F direction marks, a BOM inside text, the soft hyphen, word joiners, tag
    characters), which text copied from a web page, a chat or Word brings along. They draw nothing
    and no Chinese text needs them, yet they make two names that look the same differ ("范某某"
    and "范\u200b某某" were two recorders to a comparison). The one definition for every command:
    names, numbers and dates are looked up without them, and what a command is given to record is
    recorded without them; a journal that holds some (written before) stays valid."""
    if text.isprintable():  # C speed; every Cf character is non-printable
        return text
    import unicodedata

    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


# Dashes a Chinese input method types where "-" is meant: —— is what shift+minus gives in most of
# them; － (full width) and ﹣ (small) become "-" under NFKC, the others NFKC leaves as they are.
# One set for options typed ——dry-run (cli/usage.py) and for numbers typed 2023—4, W2023–8
# (domain/workflow.py), so that both read the same dashes.
WIDE_DASHES = "—－―–‐‑‒﹣"
DASHES_TO_HYPHEN = str.maketrans(dict.fromkeys(WIDE_DASHES, "-"))


# Characters that draw nothing though they are letters or symbols to Unicode: the Braille blank,
# the Hangul fillers, the combining grapheme joiner. With format characters (Cf: zero-width,
# soft hyphen, tags), variation selectors and spaces, a text of only these looks empty.
_FILLERS = frozenset("\u2800\u3164\uffa0\u115f\u1160\u034f")


def _unseen(ch: str) -> bool:
    """A character that draws nothing and is no space: a format character (Cf), a blank filler, a
    variation selector."""
    import unicodedata

    code = ord(ch)
    return ch in _FILLERS or 0xfe00 <= code <= 0xfe0f or 0xe0100 <= code <= 0xe01ef or unicodedata.category(ch) == "Cf"


def first_unseen(text: str) -> int:
    """Index of the first character of text that draws nothing and is no space (see _unseen), or -1:
    in a name, it makes two that look the same differ ("人社局" and "人社局\u3164", a hostile-input try)."""
    if text.isascii():
        return -1
    return next((k for k, ch in enumerate(text) if _unseen(ch)), -1)


def as_seen(text: str) -> str:
    """text as one sees it: without the characters that draw nothing (see _unseen)."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if not _unseen(ch))


def looks_blank(text: str) -> bool:
    """Whether text shows nothing: only spaces, invisible format characters and blank fillers."""
    return all(ch.isspace() or _unseen(ch) for ch in text)


def find_bad(text: str, multiline: bool = True) -> int:
    """Index of the first forbidden character in text, or -1."""
    if text.isprintable():  # C speed; every forbidden character is non-printable
        return -1
    m = (BAD if multiline else BAD_SINGLE_LINE).search(text)
    return m.start() if m else -1


def describe(ch: str) -> str:
    """A forbidden character named for a Chinese message: U+001B（控制字符）."""
    code = ord(ch)
    if code < 0x20 or 0x7f <= code <= 0x9f:
        kind = "控制字符"
    elif 0x202a <= code <= 0x202e or 0x2066 <= code <= 0x2069:
        kind = "双向文字控制符"
    elif code in (0x2028, 0x2029):
        kind = "Unicode 换行符"
    elif 0xd800 <= code <= 0xdfff:
        kind = "不成对的代理字符"
    elif code in (0x200b, 0x200c, 0x200d, 0x2060, 0xfeff, 0x180e):
        kind = "零宽字符"
    elif code in (0x200e, 0x200f, 0x061c):
        kind = "文字方向标记"
    elif 0xfdd0 <= code <= 0xfdef or (code & 0xfffe) == 0xfffe:
        kind = "非字符"
    elif ch in _FILLERS:
        kind = "空白的填充字符"
    elif 0xfe00 <= code <= 0xfe0f or 0xe0100 <= code <= 0xe01ef:
        kind = "变体选择符"
    else:
        kind = "不可见的格式字符"
    return f"U+{code:04X}（{kind}）"


# Format characters (Unicode category Cf, as of Unicode 15) that draw nothing and are no part of
# any text we write: zero-width space and non-joiner, the direction marks, the soft hyphen, word
# joiners, a BOM inside text, interlinear annotation marks, and the tag characters, which spell
# ASCII no reader sees (a note "已整改" followed by "IGNORE PREVIOUS…" in tags read "已整改" to a
# person and the rest to a program: a hostile-input try). The zero-width joiner (U+200D) stays:
# it joins an emoji sequence. The bidi controls among Cf are BAD and shown as escapes instead.
_FORMAT_CHARS = ("\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b\u200c\u200e\u200f"
                 "\u2060-\u2064\u206a-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U0001343f"
                 "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f")
_FORMAT = re.compile(f"[{_FORMAT_CHARS}]")
# what for_terminal changes, in one pass: the forbidden characters and the format characters
_SHOWN = re.compile(f"[{_ALWAYS}{_FORMAT_CHARS}]")
_SHOWN_SINGLE_LINE = re.compile(f"[\t\n{_ALWAYS}{_FORMAT_CHARS}]")


def escape(ch: str) -> str:
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"  # a tag character: \U000e0041


def for_terminal(text: str, multiline: bool = False, show_unseen: bool = False) -> str:
    """text as an output shows it (a terminal, a report, a page, a workbook, a document): every
    forbidden character (and, unless multiline, tab/newline/CR) as a visible escape such as
    \\x1b or \\u202e, so it cannot move the cursor or reorder a line; the format characters
    that draw nothing (_FORMAT: zero-width, soft hyphen, tags) left out, so that no hidden text
    rides along (a journal written before the commands dropped them, unmarked, may hold some),
    or, with show_unseen (a message about the text: 姓名 "秦\\u200b某某" 中含有不可见字符), escaped too."""
    if text.isprintable():  # C speed; every character changed here is non-printable
        return text
    pattern = _SHOWN if multiline else _SHOWN_SINGLE_LINE
    if not pattern.search(text):  # a multi-line note: one pass, as before format characters were looked for
        return text
    if show_unseen:
        return pattern.sub(lambda m: escape(m.group()), text)
    return pattern.sub(lambda m: "" if _FORMAT.match(m.group()) else escape(m.group()), text)


def quoted(text: str) -> str:
    """text in Chinese quotes for a message (--light 的值无效：“紫”), each character that shows
    nothing or moves the cursor (a control, a zero-width or format character, a full-width space)
    as a visible escape such as \\u3000: what Python's repr quotes showed, without its quotes."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else escape(ch) for ch in text)
    return f"“{text}”"


def safe_str(text: str) -> str:
    """for_terminal for any value that may not be a str (table cells)."""
    return for_terminal(text) if isinstance(text, str) else text


def clean(value):
    """value (rows of dicts, lists and strings) with every string passed through for_terminal,
    tab and newline kept; what a table shows of data that slipped past validate."""
    kind = type(value)  # the usual types first, without isinstance: a city's status has 25,000 values
    if kind is str:
        return value if value.isprintable() else for_terminal(value, multiline=True)
    if kind is dict:
        return {k: clean(v) for k, v in value.items()}
    if kind is list:
        return [clean(v) for v in value]
    if kind is int or value is None or kind is bool:
        return value
    if isinstance(value, str):
        return for_terminal(value, multiline=True)
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(clean(v) for v in value)
    return value
