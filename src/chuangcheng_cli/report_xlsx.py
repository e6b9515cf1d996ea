"""The 台账 workbook (任务台账, 单位汇总, 督办记录, 进度日志): the only module importing openpyxl."""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from . import journal, reports, rules

SHEETS = ("任务台账", "单位汇总", "督办记录", "进度日志")
DATE_FORMAT = 'yyyy"年"m"月"d"日"'
PERCENT_FORMAT = "0%"

# (fill, font colour) per light; the usual Excel "good / neutral / bad" palette people recognise.
LIGHT_COLOURS = {
    rules.RED: ("FFC7CE", "9C0006"),
    rules.YELLOW: ("FFEB9C", "9C5700"),
    rules.GREEN: ("C6EFCE", "006100"),
    rules.DONE: ("DDEBF7", "1F4E78"),
}
LEVEL_COLOURS = {"蓝": ("DDEBF7", "1F4E78"), "黄": ("FFEB9C", "9C5700"), "红": ("FFC7CE", "9C0006")}
HEADER_FILL = "D9E1F2"

TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3
CJK_WIDTH = 2.1  # a CJK character is about 2.1 column-width units at the default 11 pt
LINE_HEIGHT = 15.0  # points per wrapped line at 11 pt
PADDING = 1.5  # width units a cell loses to its margins
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class Col:
    """One table column: how its cells are typed, aligned and how wide it may grow."""

    header: str
    kind: str = "text"  # text | int | percent | date
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
        Col("督办次数", "int"),
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
            _join(row["reasons"], "；"),
            _iso(row["last_report"]) or "未报送",
            _iso(row["deadline"]),
            row["notice_count"],
        ])
    return cols, rows


def unit_table(snap: rules.Snapshot) -> tuple[list[Col], list[list]]:
    cols = [
        Col("单位", wrap=True, max_width=24), Col("牵头任务数", "int"), Col("配合任务数", "int"), Col("已完成", "int"),
        Col("滞后", "int"), Col("督办次数", "int"), Col("未销号", "int"), Col("是否报告市领导"),
        Col("主要负责人"), Col("联络员"), Col("电话"),
    ]
    rows = []
    for r in reports.unit_rows(snap):
        escalated = (Cell(f"已报告（{rules.cn_date(_iso(r['escalated_on']))}）", LIGHT_COLOURS[rules.RED])
                     if r["escalated"] else "否")
        rows.append([
            r["name"], len(r["led"]), len(r["co"]), r["done"],
            Cell(r["lagging"], LIGHT_COLOURS[rules.YELLOW]) if r["lagging"] else 0,
            r["notice_count"], r["open_notices"], escalated, r["head"], r["liaison"], r["liaison_phone"] or "—",
        ])
    return cols, rows


def _replies_text(ns: rules.NoticeState) -> str:
    if not ns.replies:
        return "未反馈"
    parts = []
    for reply in ns.replies:
        late = (reply.date - ns.notice.deadline).days
        parts.append(f"{rules.cn_date(reply.date)}反馈" + (f"（逾期{late}天）" if late > 0 else ""))
    return "\n".join(parts)


def notice_table(snap: rules.Snapshot) -> tuple[list[Col], list[list]]:
    project = snap.project
    cols = [
        Col("文号"), Col("日期", "date"), Col("单位", wrap=True, max_width=14), Col("第N次"),
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
        rows.append([
            n.doc_no, n.date, project.unit_label(n.unit), f"第{n.seq}次",
            Cell(n.level, LEVEL_COLOURS.get(n.level)), "\n".join(tasks) or "全部牵头和配合任务",
            "\n".join(n.gaps) or n.reason or "—", n.deadline, _replies_text(ns),
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
            for r in reports.history_rows(snap)]
    return cols, rows


# ------------------------------------------------------------- rendering


def text_width(text: str) -> float:
    """Column-width units a line needs: CJK and full-width characters count about double."""
    return sum(CJK_WIDTH if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0 for ch in text)


def _display(value: object, kind: str) -> str:
    """The text Excel shows for a value, for measuring."""
    if isinstance(value, dt.date):
        return rules.cn_date(value)
    if kind == "percent" and isinstance(value, (int, float)):
        return f"{round(value * 100)}%"
    return str(value)


def _header_width(header: str) -> float:
    """Headers of four or more characters may wrap onto two lines rather than widen a narrow column."""
    if len(header) < 4:
        return text_width(header) + PADDING
    return text_width(header[:math.ceil(len(header) / 2)]) + PADDING


def _lines(text: str, width: float) -> int:
    usable = max(width - PADDING, 1.0)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in text.split("\n"))


def _fill(hex_colour: str) -> PatternFill:
    return PatternFill(fill_type="solid", start_color=hex_colour, end_color=hex_colour)


def _write_sheet(ws: Worksheet, title: str, cols: list[Col], rows: list[list], empty: str,
                 footer_lines: Sequence[str] = ()) -> None:
    last = get_column_letter(len(cols))
    ws.cell(TITLE_ROW, 1, title).font = Font(bold=True, size=14)
    ws.cell(TITLE_ROW, 1).alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    ws.row_dimensions[TITLE_ROW].height = 26

    widths = [_header_width(c.header) for c in cols]
    for j, col in enumerate(cols, 1):
        cell = ws.cell(HEADER_ROW, j, col.header)
        cell.font = Font(bold=True)
        cell.fill = _fill(HEADER_FILL)
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)

    # Setting a style re-hashes it, which for a city's 100,000-row log took minutes: each kind of
    # plain cell is styled once, and later cells of that kind copy its style record.
    styled: dict[tuple, object] = {}
    alignments = {wrap: Alignment(horizontal="left" if wrap else "center", vertical="top", wrap_text=wrap)
                  for wrap in (False, True)}
    for i, values in enumerate(rows):
        r = FIRST_ROW + i
        for j, (col, raw) in enumerate(zip(cols, values), 1):
            value, colours = (raw.value, raw.colours) if isinstance(raw, Cell) else (raw, None)
            cell = ws.cell(r, j, value)
            number_format = (DATE_FORMAT if isinstance(value, dt.date) else
                             PERCENT_FORMAT if col.kind == "percent" and isinstance(value, (int, float)) else None)
            key = (col.wrap, number_format)
            if not colours and key in styled:
                cell._style = copy.copy(styled[key])
            else:
                cell.border = BORDER
                cell.alignment = alignments[col.wrap]
                if number_format:
                    cell.number_format = number_format
                if colours:
                    cell.fill = _fill(colours[0])
                    cell.font = Font(color=colours[1], bold=True)
                else:
                    styled[key] = cell._style
            shown = _display(value, col.kind)
            widths[j - 1] = max(widths[j - 1], max(text_width(line) for line in shown.split("\n")) + PADDING + 0.5)

    widths = [min(w, c.max_width if c.wrap else 60) for w, c in zip(widths, cols)]
    for j, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(j)].width = round(w, 1)
    # Row heights are estimated so wrapped text prints in full even where the viewer does not autofit.
    ws.row_dimensions[HEADER_ROW].height = LINE_HEIGHT * max(
        _lines(c.header, w) for c, w in zip(cols, widths)) + 4
    for i, values in enumerate(rows):
        lines = max(_lines(_display(v.value if isinstance(v, Cell) else v, c.kind), w) if c.wrap else 1
                    for c, v, w in zip(cols, values, widths))
        if lines > 1:
            ws.row_dimensions[FIRST_ROW + i].height = LINE_HEIGHT * lines + 3

    end_row = FIRST_ROW + len(rows) - 1 if rows else HEADER_ROW
    if not rows:
        ws.cell(FIRST_ROW, 1, empty)
    for k, line in enumerate(footer_lines):  # below the table, outside the filter range
        ws.cell(max(end_row, FIRST_ROW) + 2 + k, 1, line)

    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{end_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    _page_setup(ws, title)


def _page_setup(ws: Worksheet, title: str) -> None:
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0  # as many pages tall as needed
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)
    ws.oddFooter.left.text = title
    ws.oddFooter.left.size = 9
    ws.oddFooter.right.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.size = 9


def build_workbook(snap: rules.Snapshot) -> Workbook:
    """The four sheets, each ready to print on A4 landscape."""
    camp = snap.project.plan.campaign
    as_of = f"截至{rules.cn_date(snap.today)}"
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = f"{camp.group}台账（{as_of}）"
    wb.properties.subject = camp.name
    wb.properties.creator = camp.issuer
    wb.properties.description = "由 cc report xlsx 根据任务清单和进度日志生成。"

    summary = reports.status_summary(snap, reports.status_rows(snap))
    footer = [reports.summary_text(summary)] + [
        f"已报告市领导：{e['unit']}（{rules.cn_date(_iso(e['date']))}）" for e in summary["escalated_units"]]
    tables = {
        "任务台账": (task_table(snap), "没有任务。", footer),
        "单位汇总": (unit_table(snap), "没有责任单位。", []),
        "督办记录": (notice_table(snap), "暂无督办通知。", []),
        "进度日志": (log_table(snap), "暂无记录。", []),
    }
    for name in SHEETS:
        (cols, rows), empty, lines = tables[name]
        ws = wb.create_sheet(name)
        _write_sheet(ws, f"{camp.group} {name}（{as_of}）", cols, rows, empty, lines)
    return wb


def workbook_bytes(snap: rules.Snapshot) -> bytes:
    buffer = io.BytesIO()
    build_workbook(snap).save(buffer)
    return buffer.getvalue()


def write_workbook(snap: rules.Snapshot, path: Path) -> None:
    """Build the workbook in memory, then replace path atomically (no half-written file)."""
    journal.atomic_write_bytes(path, workbook_bytes(snap))
