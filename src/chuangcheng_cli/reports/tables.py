"""Rich rendering of report rows: units, one task, history, problems, scores (the status table
is laid out in lines.py and printed by show)."""

from __future__ import annotations

import datetime as dt

from rich import box
from rich.console import Console, Group
from rich.table import Table
from rich.cells import cell_len
from rich.text import Text

from ..textguard import clean
from ..domain.views import cn_date
from .lines import LIGHT_LABEL, LIGHT_STYLE, WIDE, Line, _tokens, bar, fold, short_date, text_cells


def light_text(light: str) -> Text:
    return Text(LIGHT_LABEL[light], style=LIGHT_STYLE[light])


def show(console, renderable) -> None:
    """Print; plain lines (lines.Line) go straight to the file when there is no colour to add
    (piped output), which for a city's thousand tasks is several times faster, each without the
    spaces that pad its last column."""
    if isinstance(renderable, list):
        if console.color_system is None:
            console.file.write("".join(line.plain.rstrip(" ") + "\n" for line in renderable))
        else:
            console.print(Group(*(line.rich() for line in renderable)))
    else:
        console.print(renderable)


class Folded:
    """Text that rich lays out with fold(): at whatever width its table cell or the console
    gives it, numbers stay whole and 避头尾 holds (rich alone breaks anywhere)."""

    def __init__(self, text: Text | str):
        self.text = text if isinstance(text, Text) else Text(text)

    def __rich_console__(self, console, options):
        for paragraph in self.text.split("\n", allow_blank=True):
            offsets, pos = [], 0
            for line in fold(paragraph.plain, options.max_width)[:-1]:
                pos += len(line)
                offsets.append(pos)
            yield from paragraph.divide(offsets)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        words = [cell_len(t) for t in _tokens(self.text.plain)] or [1]
        longest = max(cell_len(line) for line in self.text.plain.split("\n"))
        return Measurement(min(max(words), options.max_width), min(longest, options.max_width))


class Phrased(Folded):
    """Folded for a list of items (报告市领导1次 −10；按期整改率0% −10): lines break after a “；”
    or “，” (lines.fold_phrases), so that an item's points stay with it rather than start the next
    line, where they read as the next item's; items=True: after a “、” too (T04（超时5天办理）、T05)."""

    def __init__(self, text, items: bool = False):
        super().__init__(text)
        self.items = items

    def _pattern(self):
        from .lines import _ITEMS, _PHRASE

        return _ITEMS if self.items else _PHRASE

    def __rich_console__(self, console, options):
        from .lines import fold_phrases

        for line in fold_phrases(self.text.plain, options.max_width, self._pattern()):
            yield Text(line, style=self.text.style)

    def __rich_measure__(self, console, options):
        from rich.measure import Measurement

        phrases = [cell_len((core + sep).strip()) for core, sep, _ in self._pattern().findall(self.text.plain)] or [1]
        longest = cell_len(self.text.plain)
        return Measurement(min(max(phrases), options.max_width), min(longest, options.max_width))


def units_table(rows: list[dict], as_of: str, width: int, console=None) -> Table:
    """The units' table: full names and padded columns when width allows them all (measured with
    console when given: a city's longer names and phones need more than 120 columns), else short
    names close together, never headers cut to 牵… and 配…: on a narrower terminal (an 80-column
    Windows console split in two) the liaison's column goes first, then the ids (a unit is named
    by its short name as well), then the headers stand on two lines (牵/头), and only below that
    (some 55 columns) are cells cut."""
    if console is None:
        return _units_table(rows, as_of, width, width >= WIDE)
    from rich.measure import Measurement

    tries = ([(True, frozenset())] if width >= WIDE else []) + [
        (False, frozenset()), (False, frozenset({"联络员"})), (False, frozenset({"联络员", "id"})),
        (False, frozenset({"联络员", "id", "stacked"}))]
    for wide, dropped in tries:
        table = _units_table(rows, as_of, width, wide, dropped)
        natural = Measurement.get(console, console.options.update(width=10_000), table).maximum  # uncut
        if natural <= width:
            break
    left_out = [name for name in ("id", "联络员") if name in dropped]
    if left_out:  # said, not silently gone (a fresh-eyes try missed the two columns the README shows)
        table.caption = f"窗口较窄，未显示{'、'.join(left_out)}列；加宽窗口或用 cc units --json 查看。"
        table.caption_justify = "left"
    return table


STACKED = {"未销号": "未销\n号", "报告市领导": "报告\n市领导"}


def _units_table(rows: list[dict], as_of: str, width: int, wide: bool, dropped: frozenset = frozenset()) -> Table:
    rows = clean(rows)  # escape controls and bidi marks that reached the data
    table = Table(title=f"责任单位一览（截至{cn_date(dt.date.fromisoformat(as_of))}）", box=box.SIMPLE_HEAD,
                  show_edge=False, padding=(0, 1 if wide else 0), title_justify="left")
    if "id" not in dropped:
        table.add_column("id", no_wrap=True)
    table.add_column("单位", no_wrap=True, max_width=24 if wide else 10)
    stacked = "stacked" in dropped  # each header on two lines: 牵/头, 报告/市领导
    for name in ("牵头", "配合", "完成", "滞后", "督办", "未销号", "问题", "逾期"):
        table.add_column(STACKED.get(name, name[0] + "\n" + name[1:]) if stacked else name, no_wrap=True,
                         justify="right")
    table.add_column(STACKED["报告市领导"] if stacked else "报告市领导", no_wrap=True)
    if "联络员" not in dropped:
        table.add_column("联络员", no_wrap=True)
    for r in rows:
        lag = Text(str(r["lagging"]), style="bold yellow" if r["lagging"] else "")
        times = r.get("escalation_count", 1)  # the latest day, and how often when more than once
        esc = (Text(("已报告" if times == 1 else f"已报告{times}次，最近") + short_date(r["escalated_on"],
                    dt.date.fromisoformat(as_of).year), style="bold red") if r["escalated"] else Text("—"))
        contact = r["liaison"] + (f" {r['liaison_phone']}" if width >= 100 and r["liaison_phone"] else "")
        problems = r.get("problems") or {}
        overdue = Text(str(problems.get("overdue", 0)),
                       style=LIGHT_STYLE.get(r.get("problem_light", ""), "") if problems.get("overdue") else "")
        cells = [r["id"], r["name"] if wide else r["short_name"], str(len(r["led"])),
                 str(len(r["co"])), str(r["done"]), lag, str(r["notice_count"]),
                 str(r["open_notices"]), str(problems.get("total", 0)), overdue, esc, contact]
        table.add_row(*cells[1 if "id" in dropped else 0:-1 if "联络员" in dropped else None])
    return table


def short_ids(ids: list[str], least: int = 13) -> dict[str, str]:
    """Each id cut to the shortest prefix (at least `least` characters, 20230718-d12c) that no
    other id shown shares, which cc void accepts."""
    length = least
    longest = max((len(i) for i in ids), default=0)
    while length < longest and len({i[:length] for i in ids}) < len(set(ids)):
        length += 1
    return {i: i[:length] for i in ids}


def _kind_cell(r: dict) -> str:
    return r["kind_name"] + ("（已作废）" if r.get("voided") else "")


def show_lines(console, lines, batch: int = 2000) -> None:
    """show() for lines given one at a time (a city's journal is some 340,000 lines of history),
    printed a batch at a time: the same output, without holding all of it at once. An item that
    is not a lines.Line is a rich renderable, printed by rich where it comes."""
    chunk: list = []
    for line in lines:
        if not isinstance(line, Line):
            if chunk:
                show(console, chunk)
                chunk = []
            console.print(line)
            continue
        chunk.append(line)
        if len(chunk) >= batch:
            show(console, chunk)
            chunk = []
    if chunk:
        show(console, chunk)


def _as_printed(line, width: int):
    """line (lines.Line) as rich prints it at width: itself when it fits and holds nothing rich
    treats specially (a tab, a line break, a zero-width character), else the lines rich wraps it
    into (rare: a long unit or task list, a note with a tab), each as a Line again."""
    if line.plain.isprintable() and text_cells(line.plain) <= width:
        return [line]
    text = line.rich()
    out = []
    for part in text.wrap(Console(width=width), width):
        piece = Line(part.plain, style=part.style if isinstance(part.style, str) else str(part.style))
        piece.spans = [(s.start, s.end, str(s.style)) for s in part.spans]
        out.append(piece)
    return out


def history_lines(rows: list[dict], title: str, year: int, width: int):
    """The history as a list (below WIDE columns): each entry a heading line (date, id, kind, unit,
    tasks, who) and its text folded under it (numbers whole, 避头尾), as plain lines (lines.Line)
    one at a time. Printed to a pipe without rich (a city's 158,000 entries in seconds rather than
    half a minute) and never all held at once; a line rich would wrap (too wide, or holding a tab
    or a line break) is wrapped by rich, so that a terminal shows what rich alone would show.
    Of each row only what is shown is escaped (clean)."""
    ids = short_ids([clean(r["id"]) for r in rows])
    yield from _as_printed(Line(title, style="bold"), width)
    for r in rows:
        head = Line(f"{short_date(clean(r['date']), year)}  {ids[clean(r['id'])]}  ")
        head.append(clean(_kind_cell(r)), style="strike dim" if r.get("voided") else "bold")
        shown = (clean(r["unit"]), ",".join(clean(r["tasks"])), clean(r["by"]))
        by = shown[2]
        if by and cell_len(head.plain + "  " + "  ".join(x for x in shown if x)) > width:
            shown, by = shown[:2], f"    记录人：{by}"  # not wrapped to where the dates stand, as if another entry
        else:
            by = ""
        head.append("  " + "  ".join(x for x in shown if x))
        yield from _as_printed(head, width)
        if by:
            yield from _as_printed(Line(by), width)
        for line in fold(clean(r["text"]), max(width - 4, 20)):
            yield from _as_printed(Line("    " + line), width)


HISTORY_HEADERS = ("日期", "记录", "类型", "单位", "任务", "内容", "记录人")


def _history_cells(r: dict, ids: dict, year: int) -> tuple:
    """A row's cells in the table (r escaped already)."""
    return (short_date(r["date"], year), ids[r["id"]], _kind_cell(r), r["unit"], ",".join(r["tasks"]),
            r["text"], r["by"])


def _history_widths(all_cells, width: int) -> list[int]:
    """The table's column widths, set here rather than left to rich, which would squeeze 内容 to
    nothing beside a long task list. all_cells: every row's cells, read once."""
    natural = [cell_len(h) for h in HISTORY_HEADERS]
    for cells in all_cells:
        natural = [max(n, cell_len(c)) for n, c in zip(natural, cells)]
    text_col = 5
    caps = [natural[0], natural[1], natural[2], 10, 14, 0, 8]
    widths = [min(n, c) if c else n for n, c in zip(natural, caps)]
    overhead = 3 * len(HISTORY_HEADERS) - 1
    # Narrow 任务, 单位, 记录人, 类型 and 日期 (in that order; they wrap onto more lines) before
    # 内容 gets fewer than 24 cells.
    for k, least in ((4, 4), (3, 6), (6, 6), (2, 4), (3, 4), (6, 4), (0, 8)):
        spare = width - overhead - sum(w for i, w in enumerate(widths) if i != text_col)
        if spare >= 24:
            break
        widths[k] = max(least, widths[k] - (24 - spare))
    widths[text_col] = max(min(natural[text_col],
                               width - overhead - sum(w for i, w in enumerate(widths) if i != text_col)), 8)
    return widths


def _tasks_cell(tasks: str, width: int) -> str:
    """One task a line rather than a comma on a line of its own, when they do not fit."""
    return tasks.replace(",", "\n") if cell_len(tasks) > width else tasks


def _history_rich_table(title: str | None, widths: list[int], rows_cells) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1), title_justify="left",
                  show_header=title is not None)
    for k, header in enumerate(HISTORY_HEADERS):
        table.add_column(header, width=widths[k], overflow="fold")
    for date, rid, kind, unit, tasks, text, by in rows_cells:
        tasks = _tasks_cell(tasks, widths[4])
        table.add_row(*(Folded(cell) for cell in (date, rid, kind, unit, tasks, text, by)))
    return table


def history_table(rows: list[dict], title: str, year: int, width: int = 80):
    """year: the as-of day's; a date in any other year is shown with its year.

    Below WIDE columns the list of history_lines. At WIDE and above a table (see _history_widths);
    history_wide_lines prints the same table line by line."""
    if width < WIDE:
        return Group(*(line.rich() for line in history_lines(rows, title, year, width)))
    rows = clean(rows)  # escape controls and bidi marks that reached the data
    ids = short_ids([r["id"] for r in rows])
    cells = [_history_cells(r, ids, year) for r in rows]
    return _history_rich_table(title, _history_widths(cells, width), cells)


def _row_lines(cells, widths: list[int], pad: int = 1, styles=None) -> list | None:
    """A row of a table of ours (box SIMPLE_HEAD, no edge, the columns' widths set, each cell
    Folded) as rich lays it out: each cell folded to its column's width by Folded and padded,
    pad spaces of padding each side and a space between columns; styles: each cell's style or ""
    (rich styles a cell's text and the padding of its lines, not the blank lines below it). When
    every cell is printable text that folds within its width; None otherwise (rich lays that row
    out)."""
    columns = []
    for cell, w in zip(cells, widths):
        pieces = []
        for paragraph in cell.split("\n"):
            if not paragraph.isprintable():
                return None
            at = 0
            for line in fold(paragraph, w):  # as Folded cuts the paragraph
                pieces.append(paragraph[at:at + len(line)])
                at += len(line)
        columns.append(pieces)
    edge, between = " " * pad, " " * (2 * pad + 1)
    out = []
    for n in range(max(map(len, columns))):
        parts, spans, at = [], [], pad
        for k, (pieces, w) in enumerate(zip(columns, widths)):
            piece = pieces[n] if n < len(pieces) else ""
            room = w - text_cells(piece)
            if room < 0:
                return None
            part = piece + " " * room
            if styles and styles[k] and n < len(pieces):
                spans.append((at, at + len(part), styles[k]))
            parts.append(part)
            at += len(part) + len(between)
        line = Line(edge + between.join(parts) + edge)
        line.spans = spans
        out.append(line)
    return out


def history_wide_lines(rows: list[dict], title: str, year: int, width: int):
    """history_table at WIDE columns and above, one entry at a time (a city's 158,000 entries in
    seconds and without holding them all, where rich's table took minutes and gigabytes): the
    title, the header and the first row as a rich table, then each row as lines.Line laid out as
    rich lays it out (_row_lines), or as a table of its own row when it holds a tab, a line break
    in a cell's text or a zero-width character (rich lays those out). For show_lines."""
    ids = short_ids([clean(r["id"]) for r in rows])
    widths = _history_widths((_history_cells(clean(r), ids, year) for r in rows), width)
    if not rows or sum(widths) + 3 * len(HISTORY_HEADERS) - 1 > width:  # rich would narrow columns itself
        yield history_table(rows, title, year, width)
        return
    yield from _table_lines((_history_cells(clean(r), ids, year) for r in rows),
                            lambda cells, first: _history_rich_table(title if first else None, widths, [cells]),
                            lambda cells: _row_lines((*cells[:4], _tasks_cell(cells[4], widths[4]), *cells[5:]),
                                                     widths))


def _table_lines(rows, table_of, lines_of):
    """A table row by row, for show_lines: the first row as a rich table with the title and the
    header (table_of(row, True)), each other as lines_of(row), or, when that gives None (a row
    rich must lay out), as a table of its own row (table_of(row, False))."""
    for n, row in enumerate(rows):
        lines = None if n == 0 else lines_of(row)
        if lines is None:
            yield table_of(row, n == 0)
        else:
            yield from lines


def task_view(d: dict, as_of: str, width: int = 80) -> Group:
    d = clean(d)  # escape controls and bidi marks that reached the data
    year = dt.date.fromisoformat(as_of).year  # dates in another year than the as-of day carry it
    head = Text()
    head.append(f"【{d['id']}】{d['title']}\n", style="bold")
    head.append(f"所属指标：{d['indicator']} {d['indicator_name']}（测评方式：{d['method']}）\n")
    head.append(f"责任单位：{'、'.join(d['units'])}（{d['units'][0]}牵头）\n")
    head.append(f"标准要求：{d['requirement']}\n")
    head.append(f"完成时限：{cn_date(dt.date.fromisoformat(d['deadline']))}")
    if d.get("due", d["deadline"]) != d["deadline"]:
        due = cn_date(dt.date.fromisoformat(d["due"]))
        head.append(f"（退回重办，重办期限{due}）" if d.get("rework", True) else f"（为休息日，顺延至{due}）")
    if d["milestones"]:
        head.append("；节点：" + "，".join(
            f"{short_date(m['date'], year)} {m['percent']}%" for m in d["milestones"]))
    head.append("\n")
    if d["materials"]:
        head.append("台账材料：" + "；".join(d["materials"]) + "\n")
    head.append(f"当前进度：{bar(d['percent'], 10)} {d['percent']}%（序时进度 {d['expected_percent']}%）  ")
    head.append(LIGHT_LABEL[d["light"]], style=LIGHT_STYLE[d["light"]])
    head.append(" " + "；".join(d["reasons"]) + "\n")
    head.append(f"最近报送：{short_date(d['last_report'], year)}；牵头单位累计督办 {d['notice_count']} 次")
    if d["escalated"]:
        head.append("（已报告市领导）", style="bold red")
    parts: list = [Folded(head)]
    if d["assignments"]:
        at = Table(title="责任分解", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), title_justify="left")
        for col in ("单位", "责任科室", "责任人", "电话"):
            at.add_column(col)
        for a in d["assignments"]:
            at.add_row(a["unit"], a["section"], a["person"], a["phone"])
        parts.append(at)
    else:
        parts.append(Text("尚未分解到责任科室、责任人。", style="yellow"))
    parts.append(history_table(d["history"], "全程留痕", year, width) if d["history"] else Text("暂无记录。"))
    return Group(*parts)


PROBLEM_STATUS_STYLE = {"open": "", "fixed": "cyan", "closed": "green"}


PROBLEM_HEADERS = ("编号", "来源", "单位", "点位", "问题", "期限", "状态")  # 问题 only at WIDE and above


def _problem_cells(r: dict, year: int, wide: bool) -> tuple[list[str], str]:
    """(a problem's cells, the style of its 状态 cell: red when overdue)."""
    style = "bold red" if r["overdue_days"] else PROBLEM_STATUS_STYLE.get(r["status"], "")
    unit = "\n".join([r["unit"], *(f"+{co}" for co in r.get("co_units", []))])  # as cc status marks 配合单位
    cells = [r["id"], r["source"], unit, r["place"]]
    if wide:
        cells.append(r["desc"])
    return cells + [short_date(r["deadline"], year), problem_status_short(r, year)], style


def _problem_widths(all_cells, width: int, wide: bool) -> list[int] | None:
    """The list's column widths: each as wide as its widest cell, 单位 and 点位 at most 8 and 16
    cells (12 and 24 at WIDE); when that is wider than the terminal, the widest of 问题, 点位,
    状态 and 单位 gives up a cell, then the widest again (as rich narrows a table), down to 8, 8,
    6 (or its widest date) and 4 cells; 编号, 来源 and 期限 stay whole. None when even that does
    not fit (the list is then a few lines per problem: _problem_cards)."""
    headers = PROBLEM_HEADERS if wide else PROBLEM_HEADERS[:4] + PROBLEM_HEADERS[5:]
    natural = [cell_len(h) for h in headers]
    for cells, _ in all_cells:
        natural = [max(n, *map(text_cells, c.split("\n"))) for n, c in zip(natural, cells)]
    caps = {2: 12 if wide else 8, 3: 24 if wide else 16}
    widths = [min(n, caps[k]) if k in caps else n for k, n in enumerate(natural)]
    # 状态 no narrower than its widest date (已销号 12月19日: "12月" over "19日" reads as two things)
    dated = max((cell_len(t) for cells, _ in all_cells for t in _tokens(cells[-1])), default=0)
    floors = {2: 4, 3: 8, len(widths) - 1: min(max(6, dated), widths[-1])}
    if wide:
        floors[4] = 8
    excess = sum(widths) + (3 * len(widths) - 1 if wide else len(widths) - 1) - width
    for k in (2, 3):  # room to spare (a 100-column terminal): 单位, then 点位, whole as far as it goes
        grow = min(-excess, natural[k] - widths[k]) if excess < 0 else 0
        widths[k] += grow
        excess += grow
    while excess > 0:
        narrowed = [k for k, floor in floors.items() if widths[k] > floor]
        if not narrowed:
            return None
        k = max(sorted(narrowed), key=widths.__getitem__)  # the widest (the leftmost of equals)
        widths[k] -= 1
        excess -= 1
    return widths


def _problems_rich_table(title: str | None, widths: list[int], rows_cells, wide: bool) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1 if wide else 0),
                  title_justify="left", show_header=title is not None)
    headers = PROBLEM_HEADERS if wide else PROBLEM_HEADERS[:4] + PROBLEM_HEADERS[5:]
    for header, w in zip(headers, widths):
        table.add_column(header, width=w, overflow="fold")
    for cells, style in rows_cells:
        table.add_row(*(Folded(c) for c in cells[:-1]), Folded(Text(cells[-1], style=style)))
    return table


def _problem_layout(rows: list[dict], year: int, width: int):
    """(rows cleaned, wide, each row's cells and style, the columns' widths or None: see
    _problem_widths)."""
    rows = clean(rows)
    wide = width >= WIDE
    cells = [_problem_cells(r, year, wide) for r in rows]
    return rows, wide, cells, _problem_widths(cells, width, wide) if rows else None


def problems_table(rows: list[dict], title: str, year: int, width: int = 80) -> Table:
    """The 问题清单: one line per problem, the overdue ones marked; the columns' widths are set by
    _problem_widths (problem_lines prints the same table line by line)."""
    rows, wide, cells, widths = _problem_layout(rows, year, width)
    if widths is None:
        return Group(*(part.rich() for part in _problem_cards(title, cells, width)))
    return _problems_rich_table(title, widths, cells, wide)


def problem_lines(rows: list[dict], title: str, year: int, width: int):
    """problems_table one problem at a time, for show_lines (a year's problem list of a city is
    20,000 problems: rich's table took a quarter of a minute for them): the title, the header
    and the first row as a rich table, then each row as lines.Line laid out as rich lays it out
    (_row_lines), or as a table of its own row when it holds a tab, a line break or a zero-width
    character."""
    rows, wide, cells, widths = _problem_layout(rows, year, width)
    if widths is None:
        yield from _problem_cards(title, cells, width)
        return
    plain = [""] * (len(widths) - 1)  # only 状态 is styled
    yield from _table_lines(cells,
                            lambda row, first: _problems_rich_table(title if first else None, widths, [row], wide),
                            lambda row: _row_lines(row[0], widths, 1 if wide else 0, [*plain, row[1]]))


def _problem_cards(title: str, cells, width: int):
    """The list for a terminal too narrow for its table (some 45 columns and less, where rich
    squeezed 单位, 点位 and 状态 to a cell or two and cut the dates): each problem as a few lines,
    its id, 来源 and units, then 点位, then 期限 and 状态, each folded to the width."""
    from .lines import fold_text

    room = max(width, 20)
    for text in fold_text(title, room):
        yield from _as_printed(Line(text, style="bold"), width)
    for (pid, source, unit, place, *_, deadline, status), style in cells:
        for text in fold_text(f"{pid} {source} {unit.replace(chr(10), ' ')}", room):
            yield from _as_printed(Line(text), width)
        for text in fold_text(f"点位：{place}", room - 2):
            yield from _as_printed(Line("  " + text), width)
        for k, text in enumerate(fold_text(f"期限：{deadline} 状态：{status}", room - 2)):
            line = Line("  ")
            at = text.find("状态：")
            if at < 0:
                line.append(text, style=style if k else "")
            else:
                line.append(text[:at + 3])
                line.append(text[at + 3:], style=style)
            yield from _as_printed(line, width)


def problem_status_short(r: dict, year: int) -> str:
    """The state of a problem in a few characters, for the list (cc problem show says it in full)."""
    if r["status"] == "closed":
        return f"已销号 {short_date(r['closed_on'], year)}" + ("" if r["on_time"] else "（逾期整改）")
    if r["status"] == "fixed":
        late = r["status_text"].rpartition("（逾期")[2].rstrip("）")
        return "待复查" + (f"（逾期{late}）" if "（逾期" in r["status_text"] else "")
    head = "返工中" if r["status_text"].startswith("返工") else "整改中"
    return head + (f"（逾期{r['overdue_days']}天）" if r["overdue_days"] else "")


def problem_view(d: dict, as_of: str, width: int = 80) -> Group:
    d = clean(d)
    year = dt.date.fromisoformat(as_of).year
    head = Text()
    head.append(f"【{d['id']}】{d['place']}\n", style="bold")
    if d.get("voided"):
        v = d["voided"]
        head.append(f"已作废：{v['reason']}（{cn_date(dt.date.fromisoformat(v['date']))}，{v['by']}），"
                    "不计入任何统计和督办\n", style="bold red")
    head.append(f"问题描述：{d['desc']}\n")
    found_by = f"，{d['found_by']}" if d["found_by"] else ""
    head.append(f"来源：{d['source']}（{cn_date(dt.date.fromisoformat(d['found']))}发现{found_by}）；"
                f"交办：{cn_date(dt.date.fromisoformat(d['date']))}\n")
    units = d["unit_name"] + ("（配合：" + "、".join(d["co_units"]) + "）" if d["co_units"] else "")
    head.append(f"责任单位：{units}\n")
    if d["task"]:
        head.append(f"所属任务：{d['task']}（{d['task_title']}）\n")
    deadline = cn_date(dt.date.fromisoformat(d["deadline"]))
    if d["deadline"] != d["first_deadline"]:
        deadline += f"（原期限{cn_date(dt.date.fromisoformat(d['first_deadline']))}）"
    head.append(f"整改方式：{d['mode']}；整改期限：{deadline}\n")
    if d["plan"]:
        head.append(f"整改计划：{d['plan']}\n")
    if d["origin"]:
        head.append(f"导入自：{d['origin']}\n")
    head.append("状态：")
    if d.get("voided"):  # what it would be, were it not voided, counts nowhere: not shown as its state
        head.append("已作废（不再整改、复查）", style="bold red")
    else:
        head.append(d["status_text"],
                    style="bold red" if d["overdue_days"] else PROBLEM_STATUS_STYLE.get(d["status"], ""))
    if d["reworked"]:
        head.append(f"；返工{d['reworked']}次")
    if d["extended"]:
        head.append(f"；延期{d['extended']}次")
    parts: list = [Folded(head)]
    parts.append(history_table(d["history"], "全程留痕", year, width))
    return Group(*parts)


def score_table(rows: list[dict], as_of: str, base: int, width: int = 80) -> Group:
    """综合评价 (cc score): rank, unit, score, points lost and what cost most. The title is a line
    of its own above the table, not the table's title, which rich wraps at the table's width:
    early in a campaign no unit has lost a point, the table is narrow, and the title's "）" stood
    on a line of its own (fresh-eyes try)."""
    from .scores import deduction_text

    rows = clean(rows)
    wide = width >= WIDE
    title = f"综合评价（截至{cn_date(dt.date.fromisoformat(as_of))}，满分{base}）"
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1 if wide else 0))
    table.add_column("排名", no_wrap=True, justify="right")
    table.add_column("单位", no_wrap=True, max_width=24 if wide else 10)
    table.add_column("得分", no_wrap=True, justify="right")
    table.add_column("扣分", no_wrap=True, justify="right")
    table.add_column("主要扣分项", ratio=1, overflow="fold")
    for r in rows:
        lost = r["deducted"]
        style = "bold red" if lost >= 20 else "bold yellow" if lost else ""
        table.add_row(str(r["rank"]), r["name"] if wide else r["short_name"], Text(_points(r["score"]), style=style),
                      _points(lost) if lost else "—", Phrased(deduction_text(r, 3)) if lost else "")
    return Group(Folded(Text(title, style="table.title")), table)


def score_view(row: dict, as_of: str, base: int, width: int = 80) -> Group:
    """One unit's score line by line (cc score --unit): each component, its count, weight and points."""
    from .scores import percent_of

    row = clean(row)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1 if width >= WIDE else 0))
    table.add_column("扣分项", no_wrap=True)
    table.add_column("计数", no_wrap=True, justify="right")
    table.add_column("分值", no_wrap=True, justify="right")
    table.add_column("扣分", no_wrap=True, justify="right")
    table.add_column("依据", ratio=1)
    for c in row["components"]:
        if c["of"] is None:
            count = str(c["count"])
        elif not c["of"]:
            count = "—"
        else:  # the rate and the fraction it is: 按期结案率 counts those on time, the others those counted
            part = c["of"] - c["count"] if c["key"] == "on_time_rate" else c["count"]
            count = f"{percent_of(c)}（{part}/{c['of']}）"
        table.add_row(c["name"], count, str(c["weight"]), _points(c["points"]) if c["points"] else "—",
                      Phrased("、".join(c["items"]), items=True))  # lines of whole items, not cut with …
    head = Text(f"{row['name']} 综合评价（截至{cn_date(dt.date.fromisoformat(as_of))}）\n"
                f"第{row['rank']}名，{_points(row['score'])}分（满分{base}，扣{_points(row['deducted'])}分）", style="bold")
    return Group(head, table)


def _points(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))
