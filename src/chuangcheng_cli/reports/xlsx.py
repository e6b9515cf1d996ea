"""The 台账 workbook (任务台账, 单位汇总, 督办记录, 问题清单, 问题整改率, 综合评价, 进度日志): the only module importing openpyxl."""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.xml.constants import SHEET_MAIN_NS
from openpyxl.xml.functions import tostring
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from ..store import journal
from . import rows as reports
from ..domain import problemlist, rules, views
from ..textguard import for_terminal

SHEETS = ("任务台账", "单位汇总", "督办记录", "问题清单", "问题整改率", "综合评价", "进度日志")
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
PERCENT_FORMAT = "0%"
RATE_FORMAT = "0.0%"  # 按期结案率 99.8%: whole percents would round it to 100%

# (fill, font colour) per light; the usual Excel "good / neutral / bad" palette people recognise.
LIGHT_COLOURS = {
    rules.RED: ("FFC7CE", "9C0006"),
    rules.YELLOW: ("FFEB9C", "9C5700"),
    rules.GREEN: ("C6EFCE", "006100"),
    rules.DONE: ("DDEBF7", "1F4E78"),
    rules.REVIEW: ("E2EFDA", "375623"),
    rules.ACCEPT: ("E2EFDA", "375623"),
}
LEVEL_COLOURS = {"蓝": ("DDEBF7", "1F4E78"), "黄": ("FFEB9C", "9C5700"), "红": ("FFC7CE", "9C0006")}
HEADER_FILL = "D9E1F2"

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
CJK_WIDTH = 2.1  # a CJK character is about 2.1 column-width units at the default 11 pt
LINE_HEIGHT = 15.0  # points per wrapped line at 11 pt
PADDING = 1.5  # width units a cell loses to its margins
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# Style parts shared by every workbook: openpyxl keeps them in per-workbook lists by value, so one
# object of each is enough (they are never mutated).
TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
CENTERED = Alignment(horizontal="center", vertical="center")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
BODY_ALIGNMENTS = {wrap: Alignment(horizontal="left" if wrap else "center", vertical="top", wrap_text=wrap)
                   for wrap in (False, True)}


@dataclass(frozen=True)
class Col:
    """One table column: how its cells are typed, aligned and how wide it may grow."""

    header: str
    kind: str = "text"  # text | int | number | percent | rate | date
    wrap: bool = False
    max_width: float = 24  # wrapped columns only; the others fit their longest value


@dataclass
class Cell:
    """A value with an optional (fill, font colour) highlight."""

    value: object
    colours: tuple[str, str] | None = None


# ------------------------------------------------------------------ rows


def _join(items, sep: str = "、") -> str:
    return sep.join(str(i) for i in items if i)


def _iso(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def task_table(snap: rules.Snapshot) -> tuple[list[Col], list[list]]:
    """任务台账: status_rows plus every unit's 责任科室/责任人, as typed cells."""
    project = snap.project
    cols = [
        Col("编号"), Col("创建指标", wrap=True, max_width=11), Col("具体任务", wrap=True, max_width=32),
        Col("牵头单位", wrap=True, max_width=12), Col("配合单位", wrap=True, max_width=14),
        Col("责任科室/责任人", wrap=True, max_width=28), Col("进度", "percent"), Col("序时进度", "percent"),
        Col("状态"), Col("原因", wrap=True, max_width=28), Col("最近报送", "date"), Col("完成时限", "date"),
        Col("牵头单位被督办次数", "int"),
    ]
    rows = []
    for row in reports.status_rows(snap):
        st = snap.task(row["id"])
        task = st.task
        assigned = [f"{project.unit_label(u)}：{st.assignments[u].section}/{st.assignments[u].person}"
                    for u in task.units if u in st.assignments]
        rows.append([
            row["id"],
            f"{row['indicator']} {row['indicator_name']}",
            row["title"],
            project.unit_label(task.lead),
            _join(project.unit_label(u) for u in task.co_units) or "—",
            "\n".join(assigned) or "未分解",
            row["percent"] / 100,
            row["expected_percent"] / 100,
            Cell(rules.LIGHT_NAMES[row["light"]], LIGHT_COLOURS[row["light"]]),
            views.cause_prefix(row) + _join(row["reasons"], "；"),
            _iso(row["last_report"]) or "未报送",
            _iso(row["deadline"]),
            row["notice_count"],
        ])
    return cols, rows


def unit_table(snap: rules.Snapshot) -> tuple[list[Col], list[list]]:
    cols = [
        Col("单位", wrap=True, max_width=24), Col("牵头任务数", "int"), Col("配合任务数", "int"), Col("已完成", "int"),
        Col("滞后", "int"), Col("督办次数", "int"), Col("未销号", "int"), Col("问题数", "int"), Col("逾期问题", "int"),
        Col("是否报告市领导"), Col("主要负责人"), Col("联络员"), Col("电话"),
    ]
    rows = []
    for r in reports.unit_rows(snap):
        escalated = (Cell("已报告（" + views.escalation_dates({"date": r["escalated_on"],
                                                                "dates": r.get("escalation_dates")}) + "）",
                          LIGHT_COLOURS[rules.RED]) if r["escalated"] else "否")
        problems = r["problems"]  # as cc units counts them: the unit's own problems, overdue today
        shade = LIGHT_COLOURS[rules.RED if r["problem_light"] == rules.RED else rules.YELLOW]
        overdue = Cell(problems["overdue"], shade) if problems["overdue"] else 0
        rows.append([
            r["name"], len(r["led"]), len(r["co"]), r["done"],
            Cell(r["lagging"], LIGHT_COLOURS[rules.YELLOW]) if r["lagging"] else 0,
            r["notice_count"], r["open_notices"], problems["total"], overdue, escalated, r["head"], r["liaison"],
            r["liaison_phone"] or "—",
        ])
    return cols, rows


def _notice_subject(n) -> str:
    """督办任务 of a notice naming no task: the problems it cites, else all the unit's tasks."""
    return "问题" + "、".join(n.problems) if n.problems else "全部牵头和配合任务"


def _replies_text(ns: rules.NoticeState) -> str:
    if not ns.replies:
        return "未反馈"
    parts = []
    for deadline, reply, reject in ns.rounds:
        if reply is None:
            continue
        late = (reply.date - deadline).days
        parts.append(f"{rules.cn_date(reply.date)}反馈" + (f"（逾期{late}天）" if late > 0 else ""))
        if reject is not None:
            parts.append(f"{rules.cn_date(reject.date)}退回整改，期限{rules.cn_date(reject.deadline)}")
    return "\n".join(parts)


def notice_table(snap: rules.Snapshot) -> tuple[list[Col], list[list]]:
    project = snap.project
    cols = [
        Col("文号"), Col("日期", "date"), Col("单位", wrap=True, max_width=14), Col("第N次", wrap=True, max_width=14),
        Col("等级"), Col("督办任务", wrap=True, max_width=16), Col("差距", wrap=True, max_width=30),
        Col("整改期限", "date"), Col("反馈情况", wrap=True, max_width=16), Col("销号日期", "date"),
        Col("状态", wrap=True, max_width=12), Col("是否已报告市领导"),
    ]
    rows = []
    for ns in snap.notices.values():
        n = ns.notice
        tasks = [f"{t} {project.task(t).label}" if project.task(t) else t for t in n.tasks]
        status_colours = (LIGHT_COLOURS[rules.DONE] if ns.closed else
                          LIGHT_COLOURS[rules.RED] if ns.overdue_days(snap.today) else None)
        rank, level = rules.notice_rank(snap, ns)  # as cc score counts it: an earlier void moves it
        moved = rules.rank_note(snap, ns, rank)
        rows.append([
            n.doc_no, n.date, project.unit_label(n.unit), f"第{rank}次" + (f"\n（{moved}）" if moved else ""),
            Cell(level, LEVEL_COLOURS.get(level)), "\n".join(tasks) or _notice_subject(n),
            "\n".join(n.gaps) or n.reason or "—", ns.deadline, _replies_text(ns),
            ns.closed.date if ns.closed else "未销号",
            Cell(ns.status(snap.today), status_colours), "是" if ns.escalated else "否",
        ])
    return cols, rows


def log_table(snap: rules.Snapshot) -> tuple[list[Col], list[list]]:
    cols = [
        Col("日期", "date"), Col("类型"), Col("单位", wrap=True, max_width=14), Col("任务", wrap=True, max_width=10),
        Col("内容", wrap=True, max_width=60), Col("记录人"), Col("记录id"),
    ]
    rows = [[_iso(r["date"]), r["kind_name"], r["unit"] or "—", _join(r["tasks"]) or "—", r["text"], r["by"], r["id"]]
            for r in reports.iter_history_rows(snap)]
    return cols, rows


PROBLEM_STATUS_COLOURS = {
    problemlist.OPEN: None,
    problemlist.FIXED: LIGHT_COLOURS[rules.REVIEW],
    problemlist.CLOSED: LIGHT_COLOURS[rules.DONE],
}
OVERDUE_ROW = (LIGHT_COLOURS[rules.RED][0], None)  # the whole row of an overdue problem: fill only


def problem_table(snap: rules.Snapshot) -> tuple[list[Col], list[list], list[str]]:
    """问题清单: one row per problem (not voided) recorded by the day; overdue rows filled red."""
    project = snap.project
    cols = [
        Col("编号"), Col("来源"), Col("发现日期", "date"), Col("点位", wrap=True, max_width=16),
        Col("问题描述", wrap=True, max_width=32), Col("责任单位", wrap=True, max_width=14),
        Col("配合单位", wrap=True, max_width=14), Col("所属任务", wrap=True, max_width=12), Col("整改方式"),
        Col("整改期限", "date"), Col("状态", wrap=True, max_width=16), Col("逾期天数", "int"),
        Col("返工次数", "int"), Col("延期次数", "int"), Col("销号日期", "date"), Col("是否按期"),
    ]
    rows = []
    for r in reports.problem_rows(snap):
        task = project.task(r["task"]) if r["task"] else None
        late = r["overdue_days"]
        status = Cell(r["status_text"], LIGHT_COLOURS[rules.RED] if late else PROBLEM_STATUS_COLOURS[r["status"]])
        values = [
            r["id"], r["source"], _iso(r["found"]), r["place"], r["desc"], r["unit_name"],
            _join(project.unit_label(u) for u in snap.problems[r["id"]].problem.co_units) or "—",
            f"{r['task']} {task.label}" if task else (r["task"] or "—"), r["mode"], _iso(r["deadline"]),
            status, late, r["reworked"], r["extended"], _iso(r["closed_on"]) or "—",
            "—" if r["on_time"] is None else ("是" if r["on_time"] else "否"),
        ]
        if late:
            values = [v if isinstance(v, Cell) else Cell(v, OVERDUE_ROW) for v in values]
        rows.append(values)
    totals = problemlist.rates(snap.problems.values(), snap.today)
    footer = [_rates_line("全部问题", totals)] if totals.total else []
    return cols, rows, footer


def _rate(value: float | None) -> object:
    return "—" if value is None else value


def _rates_line(who: str, r: problemlist.Rates) -> str:
    p = problemlist.percent
    return (f"{who}：共{r.total}个，已销号{r.closed}个，待复查{r.fixed}个，整改中{r.open}个（逾期{r.overdue}个）；"
            f"结案率{p(r.close_rate)}，按期结案率{p(r.on_time_rate)}，返工率{p(r.rework_rate)}，"
            f"延期率{p(r.extension_rate)}")


def problem_rate_table(snap: rules.Snapshot) -> tuple[list[Col], list[list], list[str]]:
    """问题整改率: per responsible unit, its problems' counts and the four rates (see problemlist)."""
    cols = [
        Col("单位", wrap=True, max_width=26), Col("问题数", "int"), Col("已销号", "int"), Col("待复查", "int"),
        Col("整改中", "int"), Col("逾期", "int"), Col("应结案数", "int"), Col("结案率", "rate"),
        Col("按期结案率", "rate"), Col("返工率", "rate"), Col("延期率", "rate"),
    ]
    rows = []
    for us in snap.units.values():
        r = us.problem_rates(snap.today)
        if not r.total:
            continue
        rows.append([
            us.unit.name, r.total, r.closed, r.fixed, r.open,
            Cell(r.overdue, LIGHT_COLOURS[rules.RED]) if r.overdue else 0, r.due,
            _rate(r.close_rate), _rate(r.on_time_rate), _rate(r.rework_rate), _rate(r.extension_rate),
        ])
    totals = problemlist.rates(snap.problems.values(), snap.today)
    footer = [_rates_line("合计", totals),
              "结案率 = 已销号 ÷ 应结案数；按期结案率 = 按期销号 ÷ 应结案数（应结案数 = 已销号 + 过了整改期限仍在整改的，返工中的也计入）；"
              "返工率 = 返工问题 ÷ 已复查问题；延期率 = 延期问题 ÷ 问题数。分母为 0 时记“—”。"] if totals.total else []
    return cols, rows, footer


SCORE_GROUPS = (  # the columns of the 综合评价 sheet: (header, the components summed in it)
    ("红灯任务", ("red_task",)), ("黄灯任务", ("yellow_task",)),
    ("督办通知", ("notice_blue", "notice_yellow", "notice_red")), ("报告市领导", ("escalation",)),
    ("督办整改超期", ("late_notice",)), ("逾期问题", ("overdue_problem",)), ("按期整改率", ("on_time_rate",)), ("返工率", ("rework_rate",)),
    ("延期率", ("extension_rate",)), ("逾期审核", ("late_review",)),
)


def score_table(snap: rules.Snapshot) -> tuple[list[Col], list[list], list[str]]:
    """综合评价: rank, unit, score, and the points lost in each part, with the reason line by line."""
    from . import scores

    cols = [Col("排名", "int"), Col("单位", wrap=True, max_width=26), Col("得分", "number"), Col("扣分合计", "number")]
    cols += [Col(f"{header}扣分", "number") for header, _ in SCORE_GROUPS]
    cols.append(Col("扣分明细", wrap=True, max_width=48))
    rows = []
    for r in scores.score_rows(snap):
        points = {c["key"]: c["points"] for c in r["components"]}
        lost = r["deducted"]
        rows.append([
            r["rank"], r["name"],
            Cell(r["score"], LIGHT_COLOURS[rules.RED] if lost >= 20 else LIGHT_COLOURS[rules.YELLOW]) if lost
            else r["score"], lost,
            *(round(sum(points[k] for k in keys), 2) for _, keys in SCORE_GROUPS),
            "\n".join(c["explain"] for c in r["components"] if c["points"] > 0) or "无扣分",
        ])
    w = snap.project.plan.score
    footer = [f"满分{w.base}，扣完为止。各项分值：红灯任务每项{w.red_task}分，黄灯任务每项{w.yellow_task}分；"
              f"督办通知每份 蓝{w.notice_blue}分、黄{w.notice_yellow}分、红{w.notice_red}分；报告市领导每次{w.escalation}分；"
              f"督办通知超过整改期限未反馈或逾期反馈每份{w.late_notice}分；"
              f"逾期未整改问题每个{w.overdue_problem}分；{w.on_time_rate} ×（1 − 按期整改率，待复查的问题按其整改完成报告是否按期计）；{w.rework_rate} × 返工率；"
              f"{w.extension_rate} × 延期率；牵头单位逾期审核每项{w.late_review}分。",
              "只计本单位自己的原因：牵头单位待审核、待验收、待复查的事项不计入被督办单位；已作废的记录不计。"]
    return cols, rows, footer


# ------------------------------------------------------------- rendering


class _CharWidths(dict):
    """Width units per character, looked up in the Unicode tables once per distinct character."""

    def __missing__(self, ch: str) -> float:
        width = self[ch] = CJK_WIDTH if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0
        return width


_CHAR_WIDTHS = _CharWidths()


def text_width(text: str) -> float:
    """Column-width units a line needs: CJK and full-width characters count about double."""
    if text.isascii():
        return float(len(text))
    # Summed left to right like a per-character loop, so results are bit-identical to one.
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


def _display(value: object, kind: str) -> str:
    """The text Excel shows for a value, for measuring."""
    if isinstance(value, dt.date):
        return rules.cn_date(value)
    if kind == "percent" and isinstance(value, (int, float)):
        return f"{round(value * 100)}%"
    if kind == "rate" and isinstance(value, (int, float)):
        return f"{value * 100:.1f}%"
    if kind == "number" and isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _header_width(header: str) -> float:
    """Headers of four or more characters may wrap onto two lines rather than widen a narrow column."""
    if len(header) < 4:
        return text_width(header) + PADDING
    return text_width(header[:math.ceil(len(header) / 2)]) + PADDING


def _lines(text: str, width: float) -> int:
    usable = max(width - PADDING, 1.0)
    if "\n" not in text:
        return max(1, math.ceil(text_width(text) / usable))
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


@functools.cache
def _fill(hex_colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=hex_colour, end_color=hex_colour)


@functools.cache
def _highlight_font(hex_colour: str) -> Font:
    return Font(color=hex_colour, bold=True)


def _number_format(value: object, kind: str) -> str | None:
    if isinstance(value, dt.date):
        return DATE_FORMAT
    if kind == "percent" and isinstance(value, (int, float)):
        return PERCENT_FORMAT
    if kind == "rate" and isinstance(value, (int, float)):
        return RATE_FORMAT
    return None


def _text(value: object) -> object:
    """value without the control characters XML cannot hold (openpyxl refuses them with
    IllegalCharacterError), shown instead as visible escapes such as \\x1b."""
    if isinstance(value, str) and not value.isprintable():
        return for_terminal(value, multiline=True)
    return value


_FORMULA_STARTS = tuple("=+-@＝＋－＠\t\r")
_MAYBE_FORMULA = "".join(_FORMULA_STARTS) + " \u3000"  # a cell's first character, checked at C speed first


def _formula_like(text: str) -> bool:
    """Whether text, typed into a cell, would be read as a formula (=, +, -, @, their full-width
    forms, after spaces too): stored as text all the same (_cell_xml), it is marked as text typed
    with a leading ' (quotePrefix), so that editing the cell or saving the sheet as CSV does not
    make it one (a hostile-input try)."""
    return text.lstrip(" \u3000").startswith(_FORMULA_STARTS)


def _escape(text: str) -> str:
    """text as XML character data (the three characters that need it; textguard removed the rest)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 for every date after 1900-03-01 (the 1900 leap-year bug)


MAX_CELL = 32_767  # Excel's limit on a cell's text, in UTF-16 code units: a longer one makes it "repair" the file


def _fit_cell(text: str) -> str:
    """text cut to what an Excel cell holds, saying so and how long the whole is (the journal keeps it)."""
    if len(text) <= MAX_CELL // 2 or len(text.encode("utf-16-le")) <= 2 * MAX_CELL:
        return text
    tail = f"……（超出 Excel 单元格上限，以下从略；全文共 {len(text)} 字，见日志）"
    room, units = MAX_CELL - len(tail), 0
    for k, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > room:
            return text[:k] + tail
    return text  # pragma: no cover - the length check above


def _cell_xml(ref: str, style: int, value: object) -> str:
    """One <c> element, as openpyxl writes it for a write-only cell.

    Text is always an inline string, never a formula: openpyxl would store "=HYPERLINK(…)" or
    "=cmd|' /C calc'!A0" as a live formula. Text starting with +, -, @, tab or CR is a text cell too,
    which Excel and WPS show as text and never evaluate."""
    s = f' s="{style}"' if style else ""
    if isinstance(value, str):
        value = _fit_cell(_text(value))
        if not value:
            return f'<c r="{ref}"{s}/>'
        space = ' xml:space="preserve"' if value != value.strip() else ""
        return f'<c r="{ref}"{s} t="inlineStr"><is><t{space}>{_escape(value)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}"{s} t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"{s} t="n"><v>{"%.16g" % value}</v></c>'
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return f'<c r="{ref}"{s} t="n"><v>{(value - _EPOCH).days}</v></c>'
    raise TypeError(f"no xlsx cell for {type(value).__name__}")


def _row_xml(r: int, cells: list[str], height: float | None = None) -> str:
    ht = f' ht="{"%.16g" % height}" customHeight="1"' if height else ""
    return f'<row r="{r}"{ht}>{"".join(cells)}</row>' if cells else f'<row r="{r}"{ht}/>'


class _Writer(WorksheetWriter):
    """openpyxl's sheet writer with a plain text stream: the elements around the rows (sheet
    properties, view, columns, filter, merged cells, page setup) serialised from openpyxl's own
    objects, and the stream itself handed out for the rows (see _Sheet.write)."""

    def get_stream(self):
        with open(self.out, "w", encoding="utf-8", newline="") as out:
            out.write(f'<worksheet xmlns="{SHEET_MAIN_NS}">')
            try:
                while True:
                    el = yield
                    if el is True:  # the rows' turn: hand out the stream, resume on the next send
                        yield out
                    elif el is not None:
                        out.write(tostring(el, encoding="unicode"))
            except GeneratorExit:
                out.write("</worksheet>")


class _Sheet(WriteOnlyWorksheet):
    """A write-only sheet written in one go from rows of XML text built here.

    openpyxl turns each value into a cell object and each cell into XML through an incremental
    XML writer; for a city's 700,000 cells that alone took about 15 s of a 23 s report. Here a row
    is one f-string: the same markup (inline strings, numbers, date serials, style ids), with
    nothing in between. Everything else in the sheet is still written by openpyxl.

    This leans on openpyxl 3.1 internals: Workbook._add_sheet adds the sheet (create_sheet cannot
    make a subclass), WorksheetWriter's write_top/write_tail and the stream protocol of its
    get_stream, calculate_dimension (the <dimension> a streamed sheet cannot work out), and the
    saved flag that tells the workbook writer the sheet is done. tests/test_report_xlsx.py reads
    every sheet back with openpyxl.
    """

    def __init__(self, parent: Workbook, title: str, used_range: str):
        super().__init__(parent, title)
        self._used_range = used_range

    def calculate_dimension(self) -> str:
        return self._used_range

    def append(self, row):
        raise TypeError("rows are written all at once by write()")

    def write(self, rows: Iterable[str]) -> None:
        """Write the whole sheet: openpyxl's parts before the rows, the rows, openpyxl's parts after."""
        writer = self._writer = _Writer(self)
        writer.write_top()
        out = writer.xf.send(True)
        out.write("<sheetData>")
        out.writelines(rows)
        out.write("</sheetData>")
        writer.xf.send(None)
        writer.write_tail()
        writer.close()
        self._WriteOnlyWorksheet__saved = True  # the workbook writer then takes the file as it is


class _Looks:
    """The style id of each distinct cell look in one workbook, built on first use.

    Assigning a font, fill, border or alignment hashes it into the workbook's style lists; doing
    that per cell cost over a minute at city scale. Each look is assigned once, to a template
    cell, and its id (an index into the workbook's list of cell formats) is shared by every cell
    that looks the same, on every sheet. Ids are given in the order cells first need them.
    """

    def __init__(self, ws: WriteOnlyWorksheet) -> None:
        self._ws = ws  # any sheet of the workbook: a template cell needs one to reach the workbook
        self._ids: dict[tuple, int] = {}

    def id(self, key: tuple) -> int:
        """The style id of key: ("title",), ("header",) or ("body", wrap, number format, colours)."""
        found = self._ids.get(key)
        return found if found is not None else self._build(key)

    def _build(self, key: tuple) -> int:
        cell = WriteOnlyCell(self._ws)
        if key[0] == "quoted":  # ("quoted", a body key): that look, marked as text typed with a leading '
            from openpyxl.styles.cell_style import StyleArray

            cell._style = StyleArray(self._ws.parent._cell_styles[self.id(key[1])])
            cell.quotePrefix = True
        elif key[0] == "title":
            cell.font = TITLE_FONT
            cell.alignment = CENTERED
        elif key[0] == "header":
            cell.font = HEADER_FONT
            cell.fill = _fill(HEADER_FILL)
            cell.border = BORDER
            cell.alignment = HEADER_ALIGNMENT
        else:
            _, wrap, number_format, colours = key
            cell.border = BORDER
            cell.alignment = BODY_ALIGNMENTS[wrap]
            if number_format:
                cell.number_format = number_format
            if colours:
                cell.fill = _fill(colours[0])
                if colours[1]:  # (fill, None): a row's fill, its text left as it is
                    cell.font = _highlight_font(colours[1])
        found = self._ids[key] = cell.style_id
        return found


def _measure(cols: list[Col], rows: list[list]) -> tuple[list[float], list[list]]:
    """Each column's width (it fits its header, maybe on two lines, and its longest value, up to its
    maximum), and for each row the widths of its wrapped cells' text: a number for one line, a
    list for several (the row's height follows from them once the widths are known)."""
    widths = [_header_width(col.header) - PADDING - 0.5 for col in cols]  # compared with text widths
    kinds = [col.kind for col in cols]
    wrapped = [j for j, col in enumerate(cols) if col.wrap]
    known: dict[str, object] = {}  # text → its width(s): most cells repeat a unit, a kind, a date
    shown: dict[tuple, str] = {}  # (kind, value) → the text of a number or date
    line_widths: list[list] = []
    for values in rows:
        measured = []
        for j, value in enumerate(values):
            if value.__class__ is Cell:
                value = value.value
            if value.__class__ is str:
                text = value
            elif value is None:
                text = ""
            else:
                text = shown.get((kinds[j], value))
                if text is None:
                    text = shown[kinds[j], value] = _display(value, kinds[j])
            w = known.get(text)
            if w is None:
                w = known[text] = [text_width(line) for line in text.split("\n")] if "\n" in text else text_width(text)
            longest = max(w) if w.__class__ is list else w
            if longest > widths[j]:
                widths[j] = longest
            measured.append(w)
        line_widths.append([measured[j] for j in wrapped] if wrapped else measured[:0])
    final = [min(w + PADDING + 0.5, col.max_width if col.wrap else 60) for w, col in zip(widths, cols)]
    return final, line_widths


def _row_lines(measured: list, usable: list[float]) -> int:
    """Lines the tallest wrapped cell of a row needs at the final widths (usable: width less margins)."""
    lines = 1
    for w, room in zip(measured, usable):
        if w.__class__ is list:
            n = sum(max(1, math.ceil(x / room)) for x in w)
        else:
            n = math.ceil(w / room) if w > room else 1
        if n > lines:
            lines = n
    return lines


def _write_sheet(wb: Workbook, name: str, looks: _Looks | None, title: str, cols: list[Col], rows: list[list],
                 empty: str, footer_lines: Sequence[str] = ()) -> _Looks:
    """Write one sheet: title, header, body and notes below it, top to bottom; returns the looks
    (made here for the first sheet, shared by the later ones).

    Everything that depends on the whole table (the column widths) is measured first; row heights
    are estimated so wrapped text prints in full even where the viewer does not autofit.
    """
    last = get_column_letter(len(cols))
    widths, line_widths = _measure(cols, rows)
    end_row = FIRST_ROW + len(rows) - 1 if rows else HEADER_ROW
    notes = {FIRST_ROW: empty} if not rows else {}
    for k, line in enumerate(footer_lines):  # below the table, outside the filter range
        notes[max(end_row, FIRST_ROW) + 2 + k] = line
    last_row = max([end_row, *notes])
    ws = _Sheet(wb, name, f"A1:{last}{last_row}")
    wb._add_sheet(ws)
    looks = looks or _Looks(ws)

    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = round(w, 1)
    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{end_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.merged_cells.add(CellRange(f"A{TITLE_ROW}:{last}{TITLE_ROW}"))
    _page_setup(ws, title)

    def body():
        letters = [get_column_letter(j) for j in range(1, len(cols) + 1)]
        yield _row_xml(TITLE_ROW, [_cell_xml(f"A{TITLE_ROW}", looks.id(("title",)), title)], 26)
        header_lines = max(_lines(c.header, w) for c, w in zip(cols, widths))
        yield _row_xml(HEADER_ROW, [_cell_xml(f"{x}{HEADER_ROW}", looks.id(("header",)), c.header)
                                    for x, c in zip(letters, cols)], LINE_HEIGHT * header_lines + 4)
        usable = [max(w - PADDING, 1.0) for c, w in zip(cols, widths) if c.wrap]
        plain = [looks.id(("body", c.wrap, None, None)) for c in cols]  # the look of most cells
        styles: dict[tuple, int] = {}  # (column, number format, colours, quoted) → id, for the others
        for r, (values, measured) in enumerate(zip(rows, line_widths), FIRST_ROW):
            cells = []
            for j, value in enumerate(values):
                colours = None
                if value.__class__ is Cell:
                    value, colours = value.value, value.colours
                if value is None:
                    continue
                quoted = value.__class__ is str and value[:1] in _MAYBE_FORMULA and _formula_like(value)
                if value.__class__ is str and colours is None and not quoted:  # _cell_xml inlined for the common case
                    if not value.isprintable():
                        value = _text(value)
                    if value and value == value.strip() and len(value) <= MAX_CELL // 2:  # longer: _fit_cell
                        if "&" in value or "<" in value or ">" in value:
                            value = _escape(value)
                        cells.append(f'<c r="{letters[j]}{r}" s="{plain[j]}" t="inlineStr"><is><t>{value}</t></is></c>')
                        continue
                    style = plain[j]
                else:
                    fmt = _number_format(value, cols[j].kind)
                    style = styles.get((j, fmt, colours, quoted))
                    if style is None:
                        look = ("body", cols[j].wrap, fmt, colours)
                        style = styles[j, fmt, colours, quoted] = looks.id(("quoted", look) if quoted else look)
                cells.append(_cell_xml(f"{letters[j]}{r}", style, value))
            lines = _row_lines(measured, usable) if measured else 1
            yield _row_xml(r, cells, LINE_HEIGHT * lines + 3 if lines > 1 else None)
        for r in range(end_row + 1, last_row + 1):
            yield _row_xml(r, [_cell_xml(f"A{r}", 0, notes[r])] if r in notes else [])

    ws.write(body())
    return looks


FOOTER_ROOM = 200  # of the 255 characters Excel takes for a whole footer: the page numbers use the rest


def _footer_text(text: str, room: int = FOOTER_ROOM) -> str:
    """text as a footer shows it: & is a code there (&P the page, &F the file name, &"Arial,Bold"
    a font), && an ampersand; cut to room (a group's name in the title is the data's: a hostile-input
    try printed 法治&F&P环境 as the file name and a page number)."""
    whole = text.replace("&", "&&")
    if len(whole) <= room:
        return whole
    out, used = [], 0
    for ch in text:
        piece = "&&" if ch == "&" else ch
        if used + len(piece) > room - 1:  # and the "…"
            break
        out.append(piece)
        used += len(piece)
    return "".join(out) + "…"


def _page_setup(ws: WriteOnlyWorksheet, title: str) -> None:
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.left.text = _footer_text(title)
    ws.oddFooter.left.size = 9
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.size = 9


def build_workbook(snap: rules.Snapshot) -> Workbook:
    """The seven sheets, each ready to print on A4 landscape.

    The workbook is write-only: its rows are already streamed to temporary files, so it can be
    saved exactly once and its cells cannot be read back or changed.
    """
    camp = snap.project.plan.campaign
    as_of = f"截至{rules.cn_date(snap.today)}"
    if snap.left_out:  # in every sheet's title: a sheet is printed and read alone
        as_of += f"；注意：生成时{snap.left_out}，数字可能不完整"
    wb = Workbook(write_only=True)
    wb.properties.title = f"{camp.group}台账（{as_of}）"
    wb.properties.subject = camp.name
    wb.properties.creator = camp.issuer
    wb.properties.description = "由 cc report xlsx 根据任务清单和进度日志生成。"

    summary = reports.status_summary(snap, reports.status_rows(snap))
    footer = [reports.summary_text(summary)] + [
        f"已报告市领导：{e['unit']}（{views.escalation_dates(e)}）" for e in summary["escalated_units"]]
    tables = {
        "任务台账": (task_table, "没有任务。", footer),
        "单位汇总": (unit_table, "没有责任单位。", []),
        "督办记录": (notice_table, "暂无督办通知。", []),
        "问题清单": (problem_table, "暂无问题。", []),
        "问题整改率": (problem_rate_table, "暂无问题。", []),
        "综合评价": (score_table, "没有责任单位。", []),
        "进度日志": (log_table, "暂无记录。", []),
    }
    looks = None
    for name in SHEETS:
        table, empty, lines = tables[name]
        cols, rows, *footer = table(snap)  # one table in memory at a time
        lines = footer[0] if footer else lines
        looks = _write_sheet(wb, name, looks, f"{camp.group} {name}（{as_of}）", cols, rows, empty, lines)
        del rows
    return wb


def workbook_bytes(snap: rules.Snapshot) -> bytes:
    buffer = io.BytesIO()
    build_workbook(snap).save(buffer)
    return buffer.getvalue()


def write_workbook(snap: rules.Snapshot, path: Path) -> None:
    """Build the workbook, then replace path atomically (no half-written file)."""
    journal.atomic_write_bytes(path, workbook_bytes(snap))
