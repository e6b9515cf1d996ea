"""Rich rendering of report rows: status, units, one task, history."""

from __future__ import annotations

import datetime as dt

from rich import box
from rich.console import Group
from rich.table import Table
from rich.cells import cell_len
from rich.text import Text

from .textguard import clean
from .views import cn_date, summary_text

LIGHT_STYLE = {"red": "bold red", "yellow": "bold yellow", "green": "green", "done": "blue"}
LIGHT_LABEL = {"red": "●红", "yellow": "●黄", "green": "●绿", "done": "✓完成"}
WIDE = 120  # at or above this width, 牵头/配合 and 报送/时限 get columns of their own


def short_date(iso: str | None, year: int) -> str:
    """5月10日 within the as-of year, 2023年5月10日 otherwise."""
    if not iso:
        return "—"
    day = dt.date.fromisoformat(iso)
    return f"{day.month}月{day.day}日" if day.year == year else cn_date(day)


def bar(percent: int, cells: int = 5) -> str:
    full = round(percent * cells / 100)
    return "█" * full + "░" * (cells - full)


def light_text(light: str) -> Text:
    return Text(LIGHT_LABEL[light], style=LIGHT_STYLE[light])


def show(console, renderable) -> None:
    """Print; a group of plain lines goes straight to the file when there is no colour to add
    (piped output, NO_COLOR), which for a city's thousand tasks is several times faster."""
    items = getattr(renderable, "renderables", None)
    if console.color_system is None and items is not None and all(isinstance(t, Text) for t in items):
        console.file.write("".join(t.plain + "\n" for t in items))
    else:
        console.print(renderable)


def fit(text: str, width: int, justify: str = "left") -> str:
    """text cut to width terminal cells (with …) and padded; CJK characters count as two cells."""
    if cell_len(text) > width:
        out, used = [], 0
        for ch in text:
            w = cell_len(ch)
            if used + w > width - 1:
                break
            out.append(ch)
            used += w
        text = "".join(out) + "…"
    pad = " " * (width - cell_len(text))
    return pad + text if justify == "right" else text + pad


def fold(text: str, width: int) -> list[str]:
    """text broken into lines of at most width cells (CJK text has no spaces to break at)."""
    lines, current, used = [], [], 0
    for ch in text:
        w = cell_len(ch)
        if current and used + w > width:
            lines.append("".join(current))
            current, used = [], 0
        current.append(ch)
        used += w
    lines.append("".join(current))
    return lines


def _status_columns(wide: bool) -> list[tuple[str, int, str]]:
    """(header, widest allowed, justify); 0 means as wide as the content."""
    cols = [("编号", 0, "left"), ("任务", 20 if wide else 12, "left")]
    cols += [("牵头单位", 12, "left"), ("配合单位", 14, "left")] if wide else [("责任单位", 11, "left")]
    cols += [("责任科室/人" if wide else "科室/人", 16 if wide else 10, "left"),
             ("进度", 0, "right"), ("序时", 0, "right")]
    cols += [("最近报送", 0, "left"), ("完成时限", 0, "left")] if wide else [("报送/截止", 0, "left")]
    cols += [("灯", 0, "left"), ("督办", 0, "right")]
    return cols


def _status_cells(row: dict, wide: bool, year: int) -> list[list[str]]:
    """Each cell as its lines of text."""
    assignee = row["assignee"].split("/", 1) if row["assignee"] else ["未分解"]
    cells = [[row["id"]], [row["short_title"]]]
    if wide:
        cells += [[row["lead"]], list(row["co_units"]) or ["—"]]
    else:
        cells += [[row["lead"]] + [f"+{c}" for c in row["co_units"]]]
    cells += [assignee, [f"{bar(row['percent'])}{row['percent']:>4}%"], [f"{row['expected_percent']}%"]]
    last, deadline = short_date(row["last_report"], year), short_date(row["deadline"], year)
    cells += [[last], [deadline]] if wide else [[last, deadline]]
    cells += [[LIGHT_LABEL[row["light"]]], [str(row["notice_count"]) + ("!" if row["escalated"] else "")]]
    return cells


def status_table(rows: list[dict], summary: dict, width: int) -> Group:
    """A header, then per indicator a heading line and its tasks, in aligned columns.

    Laid out by hand rather than with rich's Table: a city's thousand tasks render in a blink.
    """
    rows, summary = clean(rows), clean(summary)  # escape controls and bidi marks that reached the data
    year = dt.date.fromisoformat(summary["campaign_end"]).year
    wide = width >= WIDE
    columns = _status_columns(wide)
    light_col = len(columns) - 2
    all_cells = [_status_cells(row, wide, year) for row in rows]
    widths = []
    for k, (header, cap, _) in enumerate(columns):
        natural = max([cell_len(header)] + [cell_len(line) for cells in all_cells for line in cells[k]])
        widths.append(min(natural, cap) if cap else natural)
    gap = "  " if wide else " "

    justify = [c[2] for c in columns]

    def line(texts: list[str], light: str | None = None, style: str = "") -> Text:
        cells = [fit(text, widths[k], justify[k]) for k, text in enumerate(texts)]
        out = Text(gap.join(cells).rstrip(), style=style)
        if light:  # colour the light's cell only
            start = sum(len(c) for c in cells[:light_col]) + len(gap) * light_col
            out.stylize(LIGHT_STYLE[light], start, start + len(cells[light_col]))
        return out

    title = f"{summary['group']} 任务进度（截至{cn_date(dt.date.fromisoformat(summary['as_of']))}）"
    header = line([c[0] for c in columns], style="bold")
    parts: list = [Text(title), header, Text("─" * header.cell_len)]
    current = None
    for row, cells in zip(rows, all_cells):
        if row["indicator"] != current:
            if current is not None:
                parts.append(Text(""))
            current = row["indicator"]
            parts.append(Text(f"{row['indicator']} {row['indicator_name']}", style="bold"))
        for n in range(max(len(c) for c in cells)):
            parts.append(line([c[n] if n < len(c) else "" for c in cells], row["light"] if n == 0 else None))
    if not rows:
        parts.append(Text("没有符合条件的任务。"))
    attention = [r for r in rows if r["light"] in ("red", "yellow")]
    if attention:
        parts.append(Text("需要关注：", style="bold"))
        id_w = max(cell_len(r["id"]) for r in attention)
        lead_w = max(cell_len(r["lead"]) for r in attention)
        indent = 1 + id_w + 1 + 3 + 1 + lead_w + 1
        for r in attention:
            reasons = fold("；".join(r["reasons"]), max(width - indent, 20))
            first = Text(" " + fit(r["id"], id_w) + " ")
            first.append(LIGHT_LABEL[r["light"]], style=LIGHT_STYLE[r["light"]])
            first.append(" " + fit(r["lead"], lead_w) + " " + reasons[0])
            parts.append(first)
            parts += [Text(" " * indent + more) for more in reasons[1:]]
    for esc in summary["escalated_units"]:
        parts.append(Text(f"已报告市领导：{esc['unit']}（{cn_date(dt.date.fromisoformat(esc['date']))}），督办列标 !",
                          style="bold red"))
    parts.append(Text(summary_text(summary)))
    return Group(*parts)


def units_table(rows: list[dict], as_of: str, width: int) -> Table:
    rows = clean(rows)  # escape controls and bidi marks that reached the data
    table = Table(title=f"责任单位一览（截至{cn_date(dt.date.fromisoformat(as_of))}）", box=box.SIMPLE_HEAD,
                  show_edge=False, padding=(0, 1 if width >= WIDE else 0), title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("单位", no_wrap=True, max_width=24 if width >= WIDE else 10)
    for name in ("牵头", "配合", "完成", "滞后", "督办", "未销号"):
        table.add_column(name, no_wrap=True, justify="right")
    table.add_column("报告市领导", no_wrap=True)
    table.add_column("联络员", no_wrap=True)
    for r in rows:
        lag = Text(str(r["lagging"]), style="bold yellow" if r["lagging"] else "")
        esc = (Text("已报告" + short_date(r["escalated_on"], dt.date.fromisoformat(as_of).year), style="bold red")
               if r["escalated"] else Text("—"))
        contact = r["liaison"] + (f" {r['liaison_phone']}" if width >= 100 and r["liaison_phone"] else "")
        table.add_row(r["id"], r["name"] if width >= WIDE else r["short_name"], str(len(r["led"])),
                      str(len(r["co"])), str(r["done"]), lag, str(r["notice_count"]),
                      str(r["open_notices"]), esc, contact)
    return table


def history_table(rows: list[dict], title: str, year: int) -> Table:
    rows = clean(rows)  # escape controls and bidi marks that reached the data
    table = Table(title=title, box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1), title_justify="left",
                  expand=True)
    table.add_column("日期", no_wrap=True)
    table.add_column("类型", no_wrap=True)
    table.add_column("单位", no_wrap=True)
    table.add_column("任务", no_wrap=True)
    table.add_column("内容", ratio=1, overflow="fold")
    table.add_column("记录人", no_wrap=True)
    for r in rows:
        table.add_row(short_date(r["date"], year), r["kind_name"], r["unit"], ",".join(r["tasks"]),
                      r["text"], r["by"])
    return table


def task_view(d: dict, as_of: str) -> Group:
    d = clean(d)  # escape controls and bidi marks that reached the data
    year = dt.date.fromisoformat(d["campaign_end"]).year
    head = Text()
    head.append(f"【{d['id']}】{d['title']}\n", style="bold")
    head.append(f"所属指标：{d['indicator']} {d['indicator_name']}（测评方式：{d['method']}）\n")
    head.append(f"责任单位：{'、'.join(d['units'])}（{d['units'][0]}牵头）\n")
    head.append(f"标准要求：{d['requirement']}\n")
    head.append(f"完成时限：{cn_date(dt.date.fromisoformat(d['deadline']))}")
    if d["milestones"]:
        head.append("；节点：" + "，".join(
            f"{short_date(m['date'], year)} {m['percent']}%" for m in d["milestones"]))
    head.append("\n")
    if d["materials"]:
        head.append("台账材料：" + "；".join(d["materials"]) + "\n")
    head.append(f"当前进度：{bar(d['percent'], 10)} {d['percent']}%（序时进度 {d['expected_percent']}%）  ")
    head.append(LIGHT_LABEL[d["light"]], style=LIGHT_STYLE[d["light"]])
    head.append(" " + "；".join(d["reasons"]) + "\n")
    head.append(f"最近报送：{short_date(d['last_report'], 0)}；牵头单位累计督办 {d['notice_count']} 次")
    if d["escalated"]:
        head.append("（已报告市领导）", style="bold red")
    parts: list = [head]
    if d["assignments"]:
        at = Table(title="责任分解", box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 1), title_justify="left")
        for col in ("单位", "责任科室", "责任人", "电话"):
            at.add_column(col)
        for a in d["assignments"]:
            at.add_row(a["unit"], a["section"], a["person"], a["phone"])
        parts.append(at)
    else:
        parts.append(Text("尚未分解到责任科室、责任人。", style="yellow"))
    parts.append(history_table(d["history"], "全程留痕", year) if d["history"] else Text("暂无记录。"))
    return Group(*parts)
