"""The status table as plain lines, laid out by hand and without rich.

`cc status` on a city's thousand tasks prints some 2,500 lines; rich's Table takes a second for
them, and even building rich Text objects and importing rich.console cost more than computing the
answer from the store. So the layout is done here on strings: each Line is its text plus the
styles of its parts, and tables.show prints the text straight to a pipe or file (no colour to
add) or hands rich styled Text when the output is a terminal.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import re

from ..domain.views import cause_prefix, cn_date, escalation_dates, problems_text, summary_text
from ..textguard import clean

LIGHT_STYLE = {"red": "bold red", "yellow": "bold yellow", "green": "green", "done": "blue",
               "review": "cyan", "accept": "cyan"}
LIGHT_LABEL = {"red": "●红", "yellow": "●黄", "green": "●绿", "done": "✓完成", "review": "◐待审核",
               "accept": "◐待验收"}
WIDE = 120  # at or above this width, 牵头/配合 and 报送/时限 get columns of their own


def short_date(iso: str | None, year: int) -> str:
    """5月10日 within year (the as-of day's), 2023年5月10日 otherwise."""
    if not iso:
        return "—"
    day = dt.date.fromisoformat(iso)
    return f"{day.month}月{day.day}日" if day.year == year else cn_date(day)


def bar(percent: int, cells: int = 5) -> str:
    full = round(percent * cells / 100)
    return "█" * full + "░" * (cells - full)




_WIDTHS: dict[str, int] = {}


def cell_len(text: str) -> int:
    """Terminal cells of text, as rich counts them (CJK characters take two), remembered: a
    status table measures the same few hundred strings and characters tens of thousands of times."""
    w = _WIDTHS.get(text)
    if w is None:
        if text.isascii() and text.isprintable():
            w = len(text)
        else:
            from rich.cells import cell_len as rich_cell_len  # its Unicode tables, imported only here

            w = rich_cell_len(text)
        if len(_WIDTHS) < 100_000:
            _WIDTHS[text] = w
    return w


def text_cells(text: str) -> int:
    """cell_len of a text met once (a line of a city's history): summed character by character
    from cell_len's cache, without remembering the text itself. The same count as rich's, which
    sums characters too, unless a zero-width joiner or variation selector 16 joins some."""
    if text.isascii() and text.isprintable():
        return len(text)
    if "\u200d" in text or "\ufe0f" in text:
        from rich.cells import cell_len as rich_cell_len

        return rich_cell_len(text)
    try:
        return sum(map(_WIDTHS.__getitem__, text))
    except KeyError:  # a character not met yet
        return sum(map(cell_len, text))


class Line:
    """One printed line: its text, a style for all of it, and styled spans (start, end, style)."""

    __slots__ = ("plain", "style", "spans")

    def __init__(self, plain: str = "", style: str = ""):
        self.plain = plain
        self.style = style
        self.spans: list[tuple[int, int, str]] = []

    def append(self, text: str, style: str = "") -> None:
        if style:
            self.spans.append((len(self.plain), len(self.plain) + len(text), style))
        self.plain += text

    def stylize(self, style: str, start: int, end: int) -> None:
        self.spans.append((start, end, style))

    @property
    def cell_len(self) -> int:
        return cell_len(self.plain)

    def rich(self):
        """The rich Text of this line, for a terminal."""
        from rich.text import Text

        text = Text(self.plain, style=self.style)
        for start, end, style in self.spans:
            text.stylize(style, start, end)
        return text


def fit(text: str, width: int, justify: str = "left") -> str:
    """text cut to width terminal cells (with …) and padded; CJK characters count as two cells."""
    cells = cell_len(text)
    if cells > width:
        out, used = [], 0
        for ch in text:
            w = cell_len(ch)
            if used + w > width - 1:
                break
            out.append(ch)
            used += w
        text = "".join(out) + "…"
        cells = used + cell_len("…")
    pad = " " * (width - cells)
    return pad + text if justify == "right" else text + pad


# 避头尾 (GB/T 15834 and common typesetting): these never start a line, those never end one.
NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…%‰·,.;:?!)]}")
NO_LINE_END = set("（《「『【〔〈“‘([{")
_WORD = re.compile(r"[0-9A-Za-z][0-9A-Za-z.%‰:/_+\-]*[0-9A-Za-z%‰]|[0-9A-Za-z]")


# A date as the outputs write it (2023年6月27日, 6月27日, 2023年6月) and a count with its measure
# word (44天, 3份): read across a line break, "2023" + "年6月27日" or "44" + "天" is two things.
_CN_DATE = r"\d(?:\d{3}年\d{1,2}月(?:\d{1,2}日)?|\d?月\d{1,2}日|\d*[天个份次项条件](?![0-9A-Za-z]))"
# at each place: a command line option (--fail, -n), else a date or a count, else a word if one
# starts there, else a character
_TOKEN = re.compile(r"--?[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?|" + _CN_DATE + "|" + _WORD.pattern + "|.", re.S)


def _tokens(text: str) -> list[str]:
    """Pieces no line break may split: a command line option (--pass), a date or a count
    (2023年6月27日, 12月31日, 44天), a number or Latin word (12338, 95%, 2023-09-10, 0000-60000112,
    T01), else a single character."""
    return _TOKEN.findall(text)


def _cut(token: str, room: int) -> tuple[str, str]:
    """token split so that the head takes at most room cells."""
    used = 0
    for k, ch in enumerate(token):
        used += cell_len(ch)
        if used > room:
            return token[:k], token[k:]
    return token, ""


def fold(text: str, width: int) -> list[str]:
    """text broken into lines of at most width cells (CJK text has no spaces to break at),
    without splitting a number and following 避头尾: a closing mark never starts a line (the
    character before it moves down with it), an opening one never ends a line. Only a number
    too long for the line it must start (a URL, or "（" + a phone number in a narrow column) is cut.

    The rule, token by token, is `_place`; the tokens that simply fit on the current line are
    taken in one step (a bisection over their running widths), which gives the same lines: a
    city's status with its problem list folds some 200,000 tokens."""
    width = max(width, 2)
    if 2 * len(text) <= width and "\n" not in text:  # fits, whatever its characters (none takes more than two cells)
        return [text]
    if "\n" in text:  # a multi-line note: each of its lines folded, so every line keeps the indent
        return [line for part in text.split("\n") for line in fold(part, width)]
    tokens = _tokens(text)
    widths = list(map(_WIDTHS.get, tokens))  # mostly known characters: looked up without a call each
    if None in widths:
        widths = [cell_len(t) if w is None else w for t, w in zip(tokens, widths)]
    cum = [0, *itertools.accumulate(widths)]  # cum[k]: cells of tokens[:k]
    lines: list[list[str]] = [[]]
    used, k, n = 0, 0, len(tokens)
    while k < n:
        end = bisect.bisect_right(cum, cum[k] + width - used, k) - 1  # tokens[k:end] fit as they are
        if end > k:
            lines[-1].extend(tokens[k:end])
            used += cum[end] - cum[k]
            k = end
            if k == n:
                break
        used = _place(lines, used, tokens[k], widths[k], width)
        k += 1
    return ["".join(line) for line in lines]


def fold_text(text: str, width: int) -> list[str]:
    """fold for a paragraph printed as lines of text (not a table cell, whose pieces must add up to
    the text): a line does not start with the space it was broken at."""
    folded = fold(text, width)
    return folded[:1] + [line[1:] if line.startswith(" ") and line.strip() else line for line in folded[1:]]


_PHRASE = re.compile(r"([^；，·]*)([；，·]?)(\s*)")  # words, the separator after them, spaces
# the same for a list of items (T08、T09, the 依据 of a score): a “、” inside a line of counts
# (本周新增 0、销号 0) is no place to break
_ITEMS = re.compile(r"([^；，、·]*)([；，、·]?)(\s*)")


def fold_phrases(text: str, width: int, pattern: re.Pattern = _PHRASE) -> list[str]:
    """fold for a line of counts and rates (整改中 3（逾期 3）· 待复查 2 · 已销号 23；结案率 88.5% · …):
    a line breaks after a “·”, “；” or “，” (the spaces there dropped), and after a “、” too with
    pattern _ITEMS (a list), so that no phrase (返工率 4.3%) is split and no line starts with a
    separator; only a phrase longer than a line is folded within, its separator kept on its last line."""
    width = max(width, 2)
    lines: list[str] = []
    current = ""
    for core, sep, space in pattern.findall(text):
        phrase = core + sep + space
        if not phrase:
            continue
        if cell_len((current + phrase).rstrip()) <= width:
            current += phrase
            continue
        if current.strip():
            lines.append(current.rstrip())
        current = phrase.lstrip()
        if cell_len(current.rstrip()) > width:  # longer than a line by itself: folded within
            body = core.rstrip()
            pieces = [p.strip() for p in fold(body.lstrip(), max(width - cell_len(core[len(body):] + sep), 1))]
            pieces = [p for p in pieces if p] or [""]
            lines += pieces[:-1]
            current = pieces[-1] + core[len(body):] + sep + space
    if current.strip() or not lines:
        lines.append(current.rstrip())
    return lines


def _place(lines: list[list[str]], used: int, token: str, w: int, width: int) -> int:
    """Put token (w cells) after lines[-1] (used cells so far) by the rule of fold; the cells now
    used on the last line."""
    line = lines[-1]
    if line and used + w > width:
        carry: list[str] = []
        while len(line) > 1 and (carry or [token])[0] in NO_LINE_START:  # "蓝）" + "，" go down together
            carry.insert(0, line.pop())
        while len(line) > 1 and line[-1] in NO_LINE_END:
            carry.insert(0, line.pop())
        lines.append(carry)
        line, used = carry, sum(cell_len(t) for t in carry)
    while used + w > width:  # too long even for a line of its own
        head, token = _cut(token, width - used)
        line.append(head)
        lines.append([])
        line, used, w = lines[-1], 0, cell_len(token)
    line.append(token)
    return used + w


# What a narrow terminal gives up, least valuable first, before a task's short title is cut:
# the progress bar (the percent stays), the 科室/人 column, the width of 责任单位, 序时.
NARROWING = ("bar", "assignee", "unit", "expected")


def _status_columns(wide: bool, dropped: set[str]) -> list[tuple[str, str, int, str]]:
    """(key, header, widest allowed, justify); 0 means as wide as the content."""
    cols = [("id", "编号", 0, "left"), ("title", "任务", 0, "left")]
    if wide:
        cols += [("lead", "牵头单位", 12, "left"), ("co", "配合单位", 14, "left")]
    else:
        cols += [("unit", "责任单位", 8 if "unit" in dropped else 11, "left")]
    if "assignee" not in dropped:
        cols += [("assignee", "责任科室/人" if wide else "科室/人", 16 if wide else 10, "left")]
    cols += [("percent", "进度", 0, "right")]
    if "expected" not in dropped:
        cols += [("expected", "序时", 0, "right")]
    cols += [("last", "最近报送", 0, "left"), ("deadline", "完成时限", 0, "left")] if wide else \
        [("dates", "报送/截止", 0, "left")]
    cols += [("light", "灯", 0, "left"), ("notices", "督办", 0, "right")]
    return cols


def _status_cells(row: dict, wide: bool, year: int) -> dict[str, list[str]]:
    """Each cell as its lines of text, by column key ("bar" is the progress with its bar, "percent"
    the number alone, for when the bar is dropped). A co-unit's own view (row["own"], see
    views.filter_rows): its name last among the co-units, its own 科室/人 and 督办 from its line."""
    own = row.get("own")
    if own is not None:
        others = [c for c in row["co_units"] if c != own["short"]]
        row = {**row, "co_units": [*others, own["short"]], "assignee": own["assignee"],
               "notice_count": own["notice_count"], "escalated": own["escalated"]}
    assignee = row["assignee"].split("/", 1) if row["assignee"] else ["未分解"]
    last, deadline = short_date(row["last_report"], year), short_date(row["deadline"], year)
    cells = {
        "id": [row["id"]], "title": [row["short_title"]],
        "assignee": assignee, "percent": [f"{row['percent']}%"], "bar": [f"{bar(row['percent'])}{row['percent']:>4}%"],
        "expected": [f"{row['expected_percent']}%"],
        "light": [LIGHT_LABEL[row["light"]]],
        "notices": [str(row["notice_count"]) + ("!" if row["escalated"] else "")],
    }
    if wide:
        cells.update(lead=[row["lead"]], co=list(row["co_units"]) or ["—"], last=[last], deadline=[deadline])
    else:
        cells.update(unit=[row["lead"]] + [f"+{c}" for c in row["co_units"]], dates=[last, deadline])
    if own is not None:  # on the line of its name, the last unit line: its 科室 and 人 below it
        skip = [""] * (len(row["co_units"]) - (1 if wide else 0))
        cells["assignee"], cells["notices"] = skip + cells["assignee"], skip + cells["notices"]
    return cells


def _status_layout(rows: list[dict], width: int, year: int):
    """Columns, their widths and each row's cells (by column key): every short title in full when
    the width allows it, giving up the NARROWING items in turn; the title is cut only when nothing
    is left. The cells and their widths are worked out once, whatever the steps."""
    wide = width >= WIDE
    gap = "  " if wide else " "
    all_cells = [_status_cells(row, wide, year) for row in rows]
    natural: dict[str, int] = {}  # widest line of each column's cells

    def widest(key: str) -> int:
        if key not in natural:
            natural[key] = max([0] + [cell_len(line) for cells in all_cells for line in cells[key]])
        return natural[key]

    dropped: set[str] = set()
    for step in (None, *NARROWING):
        if step is not None:
            dropped.add(step)
        columns = _status_columns(wide, dropped)
        source = ["bar" if key == "percent" and "bar" not in dropped else key for key, *_ in columns]
        widths = []
        for (key, header, cap, _), src in zip(columns, source):
            cells = max(cell_len(header), widest(src))
            widths.append(min(cells, cap) if cap else cells)
        total = sum(widths) + len(gap) * (len(widths) - 1)
        if total <= width:
            break
    else:
        title = next(k for k, c in enumerate(columns) if c[0] == "title")
        widths[title] = max(widths[title] - (total - width), 8)  # only now is a title cut (with …)
    return columns, widths, [[cells[src] for src in source] for cells in all_cells], gap


def status_lines(rows: list[dict], summary: dict, width: int) -> list[Line]:
    """A header, then per indicator a heading line and its tasks, in aligned columns.

    Laid out by hand rather than with rich's Table: a city's thousand tasks render in a blink.
    """
    rows, summary = clean(rows), clean(summary)  # escape controls and bidi marks that reached the data
    year = dt.date.fromisoformat(summary["as_of"]).year
    columns, widths, all_cells, gap = _status_layout(rows, width, year)
    light_col = [c[0] for c in columns].index("light")
    justify = [c[3] for c in columns]

    fitted = [{} for _ in columns]  # per column, each text as fitted: dates, units, lights repeat

    def cell(k: int, text: str) -> str:
        found = fitted[k].get(text)
        if found is None:
            found = fitted[k][text] = fit(text, widths[k], justify[k])
        return found

    def line(texts: list[str], light: str | None = None, style: str = "") -> Line:
        cells = list(map(cell, range(len(texts)), texts))
        out = Line(gap.join(cells).rstrip(), style=style)
        if light:  # colour the light's cell only
            start = sum(len(c) for c in cells[:light_col]) + len(gap) * light_col
            out.stylize(LIGHT_STYLE[light], start, start + len(cells[light_col]))
        return out

    title = f"{summary['group']} 任务进度（截至{cn_date(dt.date.fromisoformat(summary['as_of']))}）"
    header = line([c[1] for c in columns], style="bold")
    parts: list = [*map(Line, fold(title, width)), header, Line("─" * min(header.cell_len, width))]
    current = None
    for row, cells in zip(rows, all_cells):
        if row["indicator"] != current:
            if current is not None:
                parts.append(Line(""))
            current = row["indicator"]
            parts += [Line(text, style="bold") for text in fold(f"{row['indicator']} {row['indicator_name']}", width)]
        for n in range(max(len(c) for c in cells)):
            parts.append(line([c[n] if n < len(c) else "" for c in cells], row["light"] if n == 0 else None))
    if not rows:
        parts.append(Line("没有符合条件的任务。"))
    mine = next((r["for_unit"] for r in rows if r.get("for_unit")), None)
    if mine:  # not read as the lead unit's 督办 count on a task it only helps with
        shown = "科室/人和督办次数" if any(c[0] == "assignee" for c in columns) else "督办次数"
        parts += map(Line, fold(f"注：{mine}作为配合单位的任务，{shown}是本单位的，与本单位名称同行。", width))
    attention = [r for r in rows if r["light"] in ("red", "yellow")]
    loose = summary.get("unit_gaps") or []
    # one set of columns for the tasks and the units' own rows: id (blank for a unit), light, name
    id_w = max((cell_len(r["id"]) for r in attention), default=0)
    lead_w = max([cell_len(r["lead"]) for r in attention] + [cell_len(g["unit"]) for g in loose], default=0)
    indent = 1 + id_w + 1 + 3 + 1 + lead_w + 1
    if attention:
        parts.append(Line("需要关注：", style="bold"))
        for r in attention:
            # lit only by what co-units answer for: said before the reasons, never read as the lead's
            cause = cause_prefix(r)
            reasons = fold_text(cause + "；".join(r["reasons"]), max(width - indent, 20))
            first = Line(" " + fit(r["id"], id_w) + " ")
            first.append(LIGHT_LABEL[r["light"]], style=LIGHT_STYLE[r["light"]])
            first.append(" " + fit(r["lead"], lead_w) + " " + reasons[0])
            parts.append(first)
            parts += [Line(" " * indent + more) for more in reasons[1:]]
    if loose:  # late notices and problems on no open task: the unit's own row (cc units), named here too
        if not attention:
            parts.append(Line("需要关注：", style="bold"))
        parts += [Line(" " + text) for text in  # not read as the task row above
                  fold_text("单位自身（不在未销号的任务上，不计入任务灯色）：", max(width - 1, 20))]
        for g in loose:
            reasons = fold_text("；".join(g["gaps"]), max(width - indent, 20))
            first = Line(" " + " " * id_w + " ")
            first.append(LIGHT_LABEL[g["light"]], style=LIGHT_STYLE[g["light"]])
            first.append(" " + fit(g["unit"], lead_w) + " " + reasons[0])
            parts.append(first)
            parts += [Line(" " * indent + more) for more in reasons[1:]]
    todo = summary.get("unit_todo")
    if todo:
        parts.append(Line(f"本单位待办（{todo['unit']}）：", style="bold"))
        for item in todo["items"]:
            lines = fold_text(todo_text(item, dt.date.fromisoformat(summary["as_of"])), max(width - 3, 20))
            style = "bold red" if item["overdue"] else ""
            parts.append(Line(" " + lines[0], style=style))
            parts += [Line("   " + more, style=style) for more in lines[1:]]
        if todo["more"]:
            parts.append(Line(f" 另有{todo['more']}项，整改期限更晚：cc problem list --unit {todo['unit']}"))
    queue = summary.get("lead_queue") or []
    if queue:
        parts.append(Line(f"牵头单位待办（{summary.get('lead_unit', '牵头单位')}）：", style="bold"))
        for q in queue:
            lines = fold_text(queue_text(q, year), max(width - 3, 20))
            style = "bold red" if q["overdue"] else ""
            parts.append(Line(" " + lines[0], style=style))
            parts += [Line("   " + more, style=style) for more in lines[1:]]
    for esc in summary["escalated_units"]:
        parts += [Line(text, style="bold red") for text in fold(
            f"已报告市领导：{esc['unit']}（{escalation_dates(esc)}），督办列标 !", width)]
    parts += map(Line, fold_phrases(summary_text(summary), width))
    problems = problems_text(summary.get("problems"))
    if problems:
        parts += map(Line, fold_phrases(problems, width))
    return parts


def todo_text(item: dict, today: dt.date) -> str:
    """One item of a unit's own to-do (reports.rows.unit_todo): what, its 整改期限 and the days
    left or past; then, on a line of its own, the command that answers it."""
    deadline = dt.date.fromisoformat(item["deadline"])
    if item["overdue"]:
        when = f"已逾期{item['overdue']}天"
    elif deadline == today:
        when = "今天到期"
    else:
        when = f"还有{(deadline - today).days}天"
    what = item["subject"] if item["kind"] == "problem" else "督办通知" + item["subject"]
    text = f"{what}，{item['state']}，整改期限{short_date(item['deadline'], today.year)}（{when}）"
    if item["kind"] == "notice":
        hint = f"cc reply {item['ref']} --note …"
    else:
        hint = f"cc problem fix {item['ref']} --note …"
    return f"{text}：\n{hint}"


def queue_text(q: dict, year: int) -> str:
    """One item of the lead unit's queue: what waits, since when, and whose delay it is; then, on a
    line of its own so that it is not broken in the middle, the command that does it."""
    since = short_date(q["since"], year)
    if q["kind"] == "review":
        text = f"待审核 {q['subject']}（{q['unit']}）{since}反馈"
        if q.get("late"):
            text += f"（逾期{q['late']}天反馈）"
        text += f"，已等待{q['days']}天"
        hint = f"cc close {q['ref']} 或 cc reject {q['ref']} --note …"
    elif q["kind"] == "recheck":
        text = f"待复查 问题{q['subject']}（{q['unit']}）{since}报整改完成"
        if q.get("late"):
            text += f"（逾期{q['late']}天完成）"
        text += f"，已等待{q['days']}天"
        hint = f"cc problem recheck {q['ref']} --pass --note …（未通过用 --fail）"
    else:
        text = f"待验收 {q['subject']}（{q['unit']}）{since}报办结，已等待{q['days']}天"
        hint = f"cc verify {q['ref']} 或 cc reopen {q['ref']} --reason …"
    if q["overdue"]:
        text += f"，超过审核时限{q['overdue']}天（牵头单位逾期）"
    return f"{text}：\n{hint}"
