"""Rich rendering of report rows: status, units, one task, history."""

from __future__ import annotations

import datetime as dt

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text

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


def _status_columns(wide: bool) -> list[tuple[str, dict]]:
    cols = [("编号", {"no_wrap": True}), ("任务", {"max_width": 20 if wide else 12})]
    if wide:
        cols += [("牵头单位", {"max_width": 12}), ("配合单位", {"max_width": 14})]
    else:
        cols += [("责任单位", {"max_width": 11})]
    cols += [("责任科室/人" if wide else "科室/人", {"max_width": 16 if wide else 10}),
             ("进度", {"no_wrap": True, "justify": "right"}), ("序时", {"no_wrap": True, "justify": "right"})]
    if wide:
        cols += [("最近报送", {"no_wrap": True}), ("完成时限", {"no_wrap": True})]
    else:
        cols += [("报送/截止", {"no_wrap": True})]
    cols += [("灯", {"no_wrap": True}), ("督办", {"no_wrap": True, "justify": "right"})]
    return cols


def _status_cells(row: dict, wide: bool, year: int) -> list:
    assignee = row["assignee"].replace("/", "\n", 1) if row["assignee"] else "未分解"
    cells: list = [row["id"], Text(row["short_title"], no_wrap=True, overflow="ellipsis")]
    if wide:
        cells += [row["lead"], "\n".join(row["co_units"]) or "—"]
    else:
        cells += ["\n".join([row["lead"]] + [f"+{c}" for c in row["co_units"]])]
    cells += [assignee, f"{bar(row['percent'])}{row['percent']:>4}%", f"{row['expected_percent']}%"]
    if wide:
        cells += [short_date(row["last_report"], year), short_date(row["deadline"], year)]
    else:
        cells += [short_date(row["last_report"], year) + "\n" + short_date(row["deadline"], year)]
    cells += [light_text(row["light"]), str(row["notice_count"]) + ("!" if row["escalated"] else "")]
    return cells


def status_table(rows: list[dict], summary: dict, width: int) -> Group:
    """A header, then per indicator a heading line and its tasks, all sharing one set of column widths."""
    from rich.console import Console

    year = dt.date.fromisoformat(summary["campaign_end"]).year
    wide = width >= WIDE
    columns = _status_columns(wide)

    def new_table(widths: list[int] | None, header: bool) -> Table:
        table = Table(box=box.SIMPLE_HEAD, show_edge=False, padding=(0, 1 if wide else 0),
                      show_header=header, expand=False)
        for k, (name, kw) in enumerate(columns):
            if widths:
                kw = {**kw, "width": widths[k], "min_width": widths[k], "max_width": widths[k]}
            table.add_column(name, **kw)
        return table

    measure = new_table(None, True)
    for row in rows:
        measure.add_row(*_status_cells(row, wide, year))
    probe = Console(width=width, no_color=True)
    widths = measure._calculate_column_widths(probe, probe.options.update_width(width))

    title = f"{summary['group']} 任务进度（截至{cn_date(dt.date.fromisoformat(summary['as_of']))}）"
    parts: list = [Text(title), new_table(widths, True)]
    current = None
    group: Table | None = None
    for row in rows:
        if row["indicator"] != current:
            current = row["indicator"]
            if group is not None:
                parts += [group, Text("")]
            parts.append(Text(f"{row['indicator']} {row['indicator_name']}", style="bold"))
            group = new_table(widths, False)
        group.add_row(*_status_cells(row, wide, year))
    if group is not None:
        parts.append(group)
    if not rows:
        parts.append(Text("没有符合条件的任务。"))
    attention = [r for r in rows if r["light"] in ("red", "yellow")]
    if attention:
        parts.append(Text("需要关注：", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for r in attention:
            grid.add_row(" " + r["id"], light_text(r["light"]), r["lead"], "；".join(r["reasons"]))
        parts.append(grid)
    for esc in summary["escalated_units"]:
        parts.append(Text(f"已报告市领导：{esc['unit']}（{cn_date(dt.date.fromisoformat(esc['date']))}），督办列标 !",
                          style="bold red"))
    parts.append(Text(summary_text(summary)))
    return Group(*parts)


def units_table(rows: list[dict], as_of: str, width: int) -> Table:
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
