"""Breaking a 公文 title into lines between words, in a 梯形 or 菱形 shape (GB/T 9704-2012 7.3.1).

The standard asks that a wrapped title keep its words whole (词意完整) and that its lines be
symmetric and of sensible length, arranged as a trapezoid or a diamond. Words come from jieba
(a Chinese word segmenter), with the names the document knows (units, authorities) kept whole;
among the ways to break at word boundaries we take the one with the best shape that leaves no
function word stranded. jieba is imported here only, when a document is built, so that
commands like `cc status` never pay for loading its dictionary.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable

# Words a segmenter's general dictionary lacks but 创城 titles use.
DOMAIN_WORDS = ("创城", "创城工作", "创建全国文明城市", "督办", "问效问责", "推进组", "序时进度")

# A line should not start with these (they lean on the word before) ...
NO_LINE_START = frozenset("的之和与及并等了者们地得")
# ... nor end with these (they lean on the word after).
NO_LINE_END = frozenset({"关于", "对", "对于", "在", "为", "向", "从", "把", "将", "和", "与", "及", "并", "或"})
CLOSING = "，。、；：？！）》」』”’〕】"
NAME_BREAK = 15.0  # breaking a name between its own words (see title_lines)
NAME_BREAK_AT_SEAM = 5.0  # … before its parenthesised part, or after an organ within it (…管理委员会 / 社会事务局)
ORGAN_ENDS = ("委员会", "局", "办公室", "政府", "中心", "厅", "院", "部", "委", "办")
OPENING = "（《「『“‘〔【"

_tokenizer = None


def width(text: str) -> float:
    """Width in full-width characters: ASCII letters and digits are half as wide."""
    return sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)


def title_lines(title: str, max_width: float, names: Iterable[str] = ()) -> list[str]:
    """`title` as lines no wider than `max_width` characters, broken between words.

    `names` are proper names (a unit, an authority) that must never be split. The lines of a
    title broken before are taken from the command's store (_kept): a unit's notices and reports
    share their titles, and loading jieba's dictionary is most of the time a `cc notice` takes.
    """
    title = title.strip()
    if width(title) <= max_width:
        return [title]
    names = tuple(names)
    key = _key(title, max_width, names)
    kept = _kept(key, title, max_width)
    if kept is not None:
        return kept
    lines = _title_lines(title, max_width, names)
    _keep(key, lines)
    return lines


def _key(title: str, max_width: float, names: tuple) -> str | None:
    """Store key of a title's lines: the title, the width, the names, this code (state's code
    stamp), jieba's version and DOMAIN_WORDS; None when there is no store."""
    from ..store import state

    if state.store_root() is None:
        return None
    import hashlib
    import importlib.metadata
    import json

    try:
        version = importlib.metadata.version("jieba")
    except importlib.metadata.PackageNotFoundError:  # pragma: no cover - a dependency
        version = ""
    text = json.dumps([title, max_width, sorted(set(names)), version, DOMAIN_WORDS], ensure_ascii=False)
    return hashlib.sha256(state._code_stamp() + b"\0" + text.encode("utf-8", "surrogatepass")).hexdigest()


def _kept(key: str | None, title: str, max_width: float) -> list[str] | None:
    """The lines kept for key, when they are the title's own, each fits, none is empty and there
    are no more of them than _title_lines ever makes (two more than the fewest that fit): a
    damaged or foreign file is not used."""
    if key is None:
        return None
    from ..store import state

    lines = state.read_signed(state.store_root(), f"title-{key}.json")
    if (type(lines) is not list or not lines or any(type(x) is not str or not x or width(x) > max_width for x in lines)
            or "".join(lines) != title or len(lines) > math.ceil(width(title) / max_width) + 2):
        return None
    return lines


def _keep(key: str | None, lines: list[str]) -> None:
    if key is None:
        return
    import json

    from ..store import state

    body = json.dumps(lines, ensure_ascii=False).encode("utf-8", "surrogatepass")
    state.store_bytes(state.store_root(), f"title-{key}.json", state.signed(body), prune="title-", keep=200)


def _title_lines(title: str, max_width: float, names: tuple) -> list[str]:
    # (word, flag, what breaking before it costs besides _break_cost): a name's own words are
    # parts of one word, broken between only to fit a name wider than a line, or when keeping it
    # whole leaves a lopsided title (关于 / 某某经济技术开发区管理委员会社会事务局 / …); at a seam
    # (市住房和城乡建设局 / （市人民防空办公室）, 管理委员会 / 社会事务局) that costs less.
    tagged = []
    for w, f in tag(title, names):
        if f != "name":
            tagged.append((w, f, 0.0))
            continue
        depth = 0  # inside the name's parentheses: no seam there
        for k, part in enumerate(p.word for p in _jieba().cut(w, HMM=False) if p.word):
            cheap = part[0] in OPENING or (depth == 0 and tagged[-1][0].endswith(ORGAN_ENDS))
            tagged.append((part, "name", 0.0 if k == 0 else NAME_BREAK_AT_SEAM if cheap else NAME_BREAK))
            depth += sum(part.count(c) for c in OPENING) - sum(part.count(c) for c in CLOSING if c in "）》」』”’〕】")
    if any(width(w) > max_width for w, _, _ in tagged):  # a single word longer than a line: split it
        tagged = [piece for w, f, glue in tagged
                  for piece in ([(ch, "x", 0.0) for ch in w] if width(w) > max_width else [(w, f, glue)])]
    words = [w for w, _, _ in tagged]
    total = width(title)
    least = math.ceil(total / max_width)
    best: tuple[float, list[str]] | None = None
    for count in range(least, min(least + 2, len(words)) + 1):
        for cuts in itertools.combinations(range(1, len(words)), count - 1):
            bounds = (0, *cuts, len(words))
            lines = ["".join(words[a:b]) for a, b in zip(bounds, bounds[1:])]
            if any(width(line) > max_width for line in lines):
                continue
            score = _shape_cost([width(line) for line in lines]) + (count - least) * 4
            score += sum(_break_cost(tagged[c - 1][:2], tagged[c][:2]) + tagged[c][2] for c in cuts)
            if best is None or score < best[0]:
                best = (score, lines)
        if best is not None and best[0] < 10:  # fewer lines win unless they are clearly worse
            break
    if best is None:  # cannot happen: every word fits a line, so ceil-count lines always do
        return [title]
    return best[1]


def segment(text: str, names: Iterable[str] = ()) -> list[str]:
    """Words of `text`; each of `names` found in it is one word (longer names first)."""
    return [w for w, _ in tag(text, names)]


def tag(text: str, names: Iterable[str] = ()) -> list[tuple[str, str]]:
    """Words of `text` with jieba's part-of-speech flags; `names` are one word each, flagged "name"."""
    return _tag(text, sorted({n for n in names if n}, key=len, reverse=True))


def _tag(text: str, names: list[str]) -> list[tuple[str, str]]:
    for i, name in enumerate(names):
        if name in text:
            out: list[tuple[str, str]] = []
            for j, part in enumerate(text.split(name)):
                if j:
                    out.append((name, "name"))
                if part:
                    out += _tag(part, names[i + 1:])
            return out
    return [(p.word, p.flag) for p in _jieba().cut(text, HMM=False) if p.word]


def _jieba():
    """jieba's part-of-speech tokenizer, loaded on first use with its log and warnings silenced.

    It is jieba's own (jieba.posseg.dt over jieba.dt): importing jieba.posseg already reads the
    dictionary's part-of-speech table for it, and a tokenizer of our own would read it again
    (0.2 s of a `cc notice`). jieba keeps the dictionary it builds (a 9 MB file read back with
    marshal, 0.6 s) in the command's store (store/state.py: the user's own 0700 folder) rather than
    in the shared temp directory, where anyone could leave a file for it to load."""
    global _tokenizer
    if _tokenizer is None:
        import logging
        import warnings

        with warnings.catch_warnings():  # jieba 0.42 imports pkg_resources, which warns on import
            warnings.simplefilter("ignore")
            import jieba
            import jieba.posseg
        # jieba logs "Building prefix dict ..." to stderr, and a traceback when it cannot write its
        # cache (harmless: it then rebuilds the dictionary next time).
        logging.getLogger("jieba").setLevel(logging.CRITICAL + 1)
        from ..store.state import private_folder, store_root

        root = store_root()
        if root is not None and not jieba.dt.initialized:
            try:
                jieba.dt.tmp_dir = private_folder(root)
            except OSError:  # a store that cannot be made: jieba's default place
                pass
        for word in DOMAIN_WORDS:
            jieba.dt.add_word(word)
        _tokenizer = jieba.posseg.dt
    return _tokenizer


def _shape_cost(widths: list[float]) -> float:
    """0 for a good 梯形 or 菱形; more for a rectangle, an hourglass or very uneven lines."""
    if len(widths) == 1:
        return 0.0
    cost = 0.0
    if max(widths) - min(widths) < 1:
        cost += 3  # a rectangle: allowed when nothing better exists, but not a 梯形
    # Lines grow then shrink (or only one of the two): a line shorter than both neighbours makes
    # an hourglass (沙漏形), which the standard's 梯形/菱形 rule excludes.
    for a, b, c in zip(widths, widths[1:], widths[2:]):
        if b < a and b < c:
            cost += 50
    # Neighbouring lines differ by a few characters; far more looks lopsided.
    for a, b in zip(widths, widths[1:]):
        cost += max(0.0, abs(a - b) - 4)
    return cost


def _break_cost(before: tuple[str, str], after: tuple[str, str]) -> float:
    """The cost of ending a line with the word `before` and starting the next with `after`."""
    (word, flag), (next_word, next_flag) = before, after
    cost = 0.0
    if next_word[0] in CLOSING or word[-1] in OPENING:
        cost += 100
    if next_word in NO_LINE_START:
        cost += 20
    if word in NO_LINE_END:
        cost += 20
    if word in ("的", "等"):
        cost += 6  # "…情况的" / "报告" keeps the words but splits the phrase
    if _nounish(flag) and _nounish(next_flag):
        cost += 4  # inside a noun phrase such as 城乡/建设局: the phrase reads as one term
    return cost


def _nounish(flag: str) -> bool:
    # n* nouns (nt organisations, ns places ...), vn/an nominal verbs and adjectives, b 区别词
    # (中级), j abbreviations; "name" (a name the document knows) is a phrase of its own.
    return flag != "name" and (flag.startswith("n") or flag in ("vn", "an", "b", "j"))
