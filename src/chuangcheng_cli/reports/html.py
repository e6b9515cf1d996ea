"""The leaders' page: one self-contained offline HTML file with inline SVG charts, printable on A4."""

from __future__ import annotations

import bisect
import datetime as dt
from html import escape

from ..domain import models, problemlist, rules, views
from . import rows as reports
from ..textguard import for_terminal

# Light colours; every use also writes the light's name, so colour is never the only carrier.
LIGHT_FILL = {rules.RED: "#c62828", rules.YELLOW: "#f2c230", rules.GREEN: "#e4f1e6", rules.DONE: "#e3ebf6",
              rules.REVIEW: "#e0f2f1", rules.ACCEPT: "#e0f2f1"}
LIGHT_INK = {rules.RED: "#ffffff", rules.YELLOW: "#3b2e00", rules.GREEN: "#1b5e20", rules.DONE: "#1a4f8b",
             rules.REVIEW: "#00514a", rules.ACCEPT: "#00514a"}
LIGHT_EDGE = {rules.RED: "#c62828", rules.YELLOW: "#d9a800", rules.GREEN: "#7cb487", rules.DONE: "#8fb0d8",
              rules.REVIEW: "#4db6ac", rules.ACCEPT: "#4db6ac"}
ACTUAL = "#1f4e79"  # 实际进度: solid navy
EXPECTED = "#5f6b7a"  # 序时进度: slate, drawn hollow or dashed so it differs by shape as well
OPEN = "#b23b1e"
CLOSED = "#b8c2cc"
FONT_STACK = '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimSun", sans-serif'


# ------------------------------------------------------------------ series


def progress_series(project: models.Project, end: dt.date, step_days: int = 7
                    ) -> list[tuple[dt.date, float, float]]:
    """(day, average progress, average 序时进度) weekly from the campaign start to end, end included:
    each point what the snapshot of that day says (rules.snapshot).

    The entries are folded once, in order, and read at each point: a city's three years are some
    150 points, and a snapshot for each would fold its 100,000 entries 150 times (20 s). A void
    counts at every point, whatever its date (as in a snapshot): one fold takes them all."""
    if step_days < 1:
        raise ValueError("step_days must be at least 1")
    plan = project.plan
    start = plan.campaign.start
    days = []
    day = start
    while day < end:
        days.append(day)
        day += dt.timedelta(days=step_days)
    days.append(end)
    entries = rules.ordered_entries(project.journal, end, project.order)  # by date first
    dates = [e.date for e in entries]
    count = len(plan.tasks)
    series = []
    fold, done = rules.Fold(plan, project.units, rules.voids_in_force(project, entries)), 0  # of entries[:done]
    for day in days:
        upto = bisect.bisect_right(dates, day)
        for e in entries[done:upto]:
            fold.apply(e)
        done = upto
        series.append((day,
                       sum(fold.states[t.id].percent for t in plan.tasks) / count,
                       sum(rules.expected_percent(t, start, day) for t in plan.tasks) / count))
    return series


# ----------------------------------------------------------------- helpers


def _e(value) -> str:
    """Data as HTML text: markup escaped, and the characters textguard forbids (controls, bidi
    overrides that would make a line read differently from how it is stored) shown as escapes."""
    return escape(for_terminal(str(value), multiline=True), quote=True)


def _pct(value: float) -> str:
    return f"{int(value + 0.5)}%"


def _short_date(day: dt.date, year: int) -> str:
    """5月10日 in year (the as-of day's), 2025年5月10日 in any other."""
    return f"{day.month}月{day.day}日" if day.year == year else rules.cn_date(day)


def _text_width(text: str, size: float) -> float:
    """Rough rendered width: CJK and full-width glyphs are one em, the rest a little over half."""
    return sum(size if ord(ch) > 0x2E7F else size * 0.58 for ch in text)


def _chip(light: str, text: str) -> str:
    return f'<span class="chip {light}">{_e(text)}</span>'


def _svg(width: int, height: int, label: str, body: list[str], css_class: str = "chart-svg") -> str:
    return (f'<svg class="{css_class}" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(label)}">'
            f'<title>{_e(label)}</title>' + "".join(body) + "</svg>")


def _text(x: float, y: float, text: str, size: float = 13, anchor: str = "start", fill: str = "#1f2328",
          weight: str = "normal", extra: str = "") -> str:
    bold = f' font-weight="{weight}"' if weight != "normal" else ""
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" fill="{fill}"{bold}{extra}>'
            f'{_e(text)}</text>')


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


# ---------------------------------------------------------------- sections


def _masthead(snap: rules.Snapshot) -> str:
    camp = snap.project.plan.campaign
    lead = snap.project.unit_label(camp.lead_unit)
    return (
        '<header class="masthead">'
        f'<div class="issuer">{_e(camp.issuer)}</div>'
        f'<h1>{_e(camp.group)}工作进展情况</h1>'
        '<div class="meta">'
        f'<span>{_e(camp.name)}</span>'
        f'<span>截至{_e(rules.cn_date(snap.today))}</span>'
        f'<span>牵头单位：{_e(lead)}</span>'
        '</div></header>'
        + (f'<p class="left-out warn">注意：生成本页时{_e(snap.left_out)}，以下数字可能不完整；'
           '请推进组办公室运行 cc validate 查看并修正。</p>' if snap.left_out else "")
    )


class _Markup(str):
    """A card's note built as markup here, of numbers alone (every other note is text, escaped)."""


def _figures(snap: rules.Snapshot, summary: dict) -> str:
    lights = summary["lights"]
    camp = snap.project.plan.campaign
    escalated = summary["escalated_units"]
    if snap.today <= camp.end:
        days = (f'<strong class="num" id="fig-days-left">{summary["days_left"]}</strong><span class="unit">天</span>',
                "距活动结束", f"{rules.cn_date(camp.end)}结束")
    else:
        days = (f'<strong class="num" id="fig-days-left">{summary["days_left"]}</strong><span class="unit">天</span>',
                "创建活动已结束", f"已于{rules.cn_date(camp.end)}结束")
    if escalated:
        esc_note = "、".join(f'{u["unit"]}（{views.escalation_dates(u, snap.today.year)}）' for u in escalated)
    else:
        esc_note = "暂无"
    # The card counts tasks (so that the light figures add up); its note gives the lead unit's whole
    # queue as listed below (a reply waiting on a task yellow for another reason, problems to 复查),
    # and how much of it is past the review time limit: the lead unit's delay is never hidden.
    waiting_note = f"待验收{lights[rules.ACCEPT]}项，待审核反馈{lights[rules.REVIEW]}项"
    queue = snap.queue
    shown = {st.task.id for st in snap.tasks if st.light == rules.REVIEW}
    replies = sum(ns.awaiting_review() and not shown.intersection(ns.notice.tasks)  # on no task of that light
                  for ns in snap.notices.values())
    rechecks = sum(q.kind == rules.RECHECK for q in queue)
    if replies > 0:
        waiting_note += f"；另有{replies}份反馈待审核"
    if rechecks:
        waiting_note += f"；另有{rechecks}个问题待复查"
    # the units' own rows (late notices, problems on no open task): a card of 红灯 0 above a red one
    # in 需要关注 read as a contradiction (a fresh-eyes try)
    own_red = sum(g["light"] == rules.RED for g in summary.get("unit_gaps") or [])
    late = sum(q.overdue > 0 for q in queue)
    if late:
        waiting_note += f"；{late}件超过审核时限"
    # the first card the rate, the light cards the counts (已完成 among them): a card of the done
    # count beside the 已完成 one said the same twice (a fresh-eyes try)
    rate = _pct(100 * summary['done'] / summary['total']) if summary['total'] else '—'
    cards = [
        ("total", f'<strong class="num" id="fig-rate">{rate}</strong>', "完成率",
         _Markup(f'已验收销号<span id="fig-done">{summary["done"]}</span>/'
                 f'<span id="fig-total">{summary["total"]}</span>项')),
        (rules.RED, f'<strong class="num" id="fig-red">{lights[rules.RED]}</strong><span class="unit">项</span>',
         "红灯", "逾期、督办整改超期或问题逾期较多" + (f"；另有{own_red}个单位自身亮红灯（不在任务上，见需要关注）" if own_red else "")),
        (rules.YELLOW, f'<strong class="num" id="fig-yellow">{lights[rules.YELLOW]}</strong><span class="unit">项</span>',
         "黄灯", "进度滞后、久未报送、退回重办或问题逾期"),
        (rules.GREEN, f'<strong class="num" id="fig-green">{lights[rules.GREEN]}</strong><span class="unit">项</span>',
         "绿灯", "进度正常"),
        # what waits for the lead unit, so the figures add up to every task (as status and the md report count them)
        (rules.ACCEPT, f'<strong class="num" id="fig-waiting">{lights[rules.ACCEPT] + lights[rules.REVIEW]}</strong>'
                       '<span class="unit">项</span>',
         "待牵头单位", waiting_note),
        (rules.DONE, f'<strong class="num" id="fig-done-light">{lights[rules.DONE]}</strong><span class="unit">项</span>',
         "已完成", "已验收销号"),
        ("days", *days),
        ("escalated",
         f'<strong class="num" id="fig-escalated">{len(escalated)}</strong><span class="unit">个单位</span>',
         "已报告市领导", esc_note),
    ]
    out = ['<section class="figures" aria-label="主要数据">']
    for key, number, label, note in cards:
        out.append(f'<div class="card card-{key}"><div class="card-label">'
                   + (f'<span class="dot {key}" aria-hidden="true"></span>' if key in rules.LIGHTS else "")
                   + f'{_e(label)}</div><div class="card-value">{number}</div>'
                   f'<div class="card-note">{note if type(note) is _Markup else _e(note)}</div></div>')
    out.append("</section>")
    return "".join(out)


_QUEUE_VERB = {rules.REVIEW: "反馈", rules.ACCEPT: "报办结", rules.RECHECK: "报整改完成"}


def _lead_queue(snap: rules.Snapshot) -> str:
    """The lead unit's pending reviews and 验收, with its own overdue items marked as its own."""
    queue = reports.queue_rows(snap)
    lead = snap.project.unit_label(snap.project.plan.campaign.lead_unit)
    out = [f'<section class="attention block"><h2>牵头单位待办（{_e(lead)}）</h2>']
    if not queue:
        out.append('<p class="quiet">没有待审核的整改反馈、待验收的任务和待复查的问题。</p></section>')
        return "".join(out)
    out.append("<ul>")
    for q in queue:
        late = f"（逾期{q['late']}天{'完成' if q['kind'] == rules.RECHECK else '反馈'}）" if q["late"] else ""
        over = f"，超过审核时限{q['overdue']}天（牵头单位逾期）" if q["overdue"] else ""
        out.append(f'<li>{_chip(rules.REVIEW if q["kind"] == rules.RECHECK else q["kind"], q["kind_name"])}<span class="tid">{_e(q["subject"])}</span>'
                   f'<span class="who">（{_e(q["unit"])}）</span>'
                   f'<span class="why">{_e(rules.cn_date(dt.date.fromisoformat(q["since"])))}'
                   f'{_QUEUE_VERB[q["kind"]]}{_e(late)}，已等待{q["days"]}天{_e(over)}</span></li>')
    out.append("</ul></section>")
    return "".join(out)


def _attention(snap: rules.Snapshot, rows: list[dict]) -> str:
    flagged = [r for r in rows if r["light"] in (rules.RED, rules.YELLOW)]
    flagged.sort(key=lambda r: (r["light"] != rules.RED, r["id"]))
    loose = reports.unit_gaps(snap)  # late notices and problems on no open task, by unit (as cc status)
    out = ['<section class="attention block"><h2>需要关注</h2>']
    if not flagged and not loose:
        out.append(f'<p class="quiet">截至{_e(rules.cn_date(snap.today))}，没有红灯、黄灯任务。</p></section>')
        return "".join(out)
    out.append("<ul>")
    for r in flagged:
        out.append(f'<li>{_chip(r["light"], rules.LIGHT_NAMES[r["light"]])}'
                   f'<span class="tid">{_e(r["id"])}</span>'
                   f'<strong>{_e(r["short_title"])}</strong>'
                   f'<span class="who">（{_e(r["lead"])}牵头）</span>'
                   f'<span class="why">{_e(views.cause_prefix(r) + "；".join(r["reasons"]))}</span></li>')
    for g in loose:
        out.append(f'<li>{_chip(g["light"], rules.LIGHT_NAMES[g["light"]])}'
                   f'<strong class="unit">{_e(g["unit"])}</strong>'
                   f'<span class="why">{_e("；".join(g["gaps"]))}</span></li>')
    out.append("</ul></section>")
    return "".join(out)


def _wrap_label(text: str, size: float, room: float) -> list[str]:
    """text in lines no wider than room px (by _text_width); numbers and Latin words stay whole."""
    from .lines import NO_LINE_START, _tokens

    lines: list[str] = [""]
    for token in _tokens(text):
        if lines[-1] and _text_width(lines[-1] + token, size) > room:
            if token in NO_LINE_START and len(lines[-1]) > 1:  # 避头尾: the mark takes a character down
                lines[-1], token = lines[-1][:-1], lines[-1][-1] + token
            lines.append("")
        lines[-1] += token
    return lines


def _indicator_chart(snap: rules.Snapshot, rows: list[dict]) -> str:
    """Bars per indicator; a long indicator name wraps onto as many lines as it needs, to the left
    of its bars, instead of running off the chart's edge."""
    indicators = snap.project.plan.indicators
    left, right_pad, top, group_h, name_size, line_h = 290, 70, 32, 54, 13.5, 17
    width = 900
    plot_w = width - left - right_pad
    names = [_wrap_label(f"{ind.id} {ind.name}", name_size, left - 24) for ind in indicators]
    heights = [max(group_h, line_h * len(lines) + 26) for lines in names]
    tops = [top + sum(heights[:i]) for i in range(len(indicators))]
    bottom = top + sum(heights)
    height = bottom + 30
    body = [
        # legend: solid bar = 实际, hollow dashed bar = 序时
        f'<rect x="{left}" y="8" width="22" height="11" fill="{ACTUAL}"/>',
        _text(left + 28, 18, "平均实际进度", 12),
        f'<rect x="{left + 130}" y="8.5" width="22" height="10" fill="#ffffff" stroke="{EXPECTED}" '
        f'stroke-width="1.5" stroke-dasharray="3 2"/>',
        _text(left + 158, 18, "平均序时进度", 12),
    ]
    for tick in (0, 25, 50, 75, 100):
        x = left + plot_w * tick / 100
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{bottom}" stroke="#e3e6ea" stroke-width="1"/>')
        body.append(_text(x, bottom + 16, f"{tick}%", 11, "middle", "#6b7480"))
    for i, ind in enumerate(indicators):
        mine = [r for r in rows if r["indicator"] == ind.id]
        actual = _mean([r["percent"] for r in mine])
        expected = _mean([r["expected_percent"] for r in mine])
        y = tops[i]
        for n, line in enumerate(names[i]):
            body.append(_text(left - 12, y + 20 + line_h * n, line, name_size, "end", weight="bold"))
        counts = {light: sum(r["light"] == light for r in mine) for light in rules.LIGHTS}
        parts = [f"{len(mine)}项任务"] + [f"{rules.LIGHT_NAMES[k]}{counts[k]}" for k in rules.LIGHTS if counts[k]]
        body.append(_text(left - 12, y + 38 + line_h * (len(names[i]) - 1), " · ".join(parts), 11.5, "end",
                          "#5b6470"))
        wa = plot_w * actual / 100
        we = plot_w * expected / 100
        body.append(f'<rect x="{left}" y="{y + 8}" width="{wa:.1f}" height="17" fill="{ACTUAL}"/>')
        body.append(_text(left + wa + 6, y + 21, _pct(actual), 12.5, fill=ACTUAL, weight="bold"))
        body.append(f'<rect x="{left}" y="{y + 29.5}" width="{max(we, 0.5):.1f}" height="14" fill="#ffffff" '
                    f'stroke="{EXPECTED}" stroke-width="1.5" stroke-dasharray="3 2"/>')
        body.append(_text(left + we + 6, y + 41, f"序时{_pct(expected)}", 11.5, fill=EXPECTED))
    return _svg(width, height, "各创建指标平均进度与序时进度", body)


def _trend_chart(snap: rules.Snapshot, series: list[tuple[dt.date, float, float]]) -> str:
    width, height = 900, 270
    left, right, top, bottom = 48, 112, 16, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    d0, d1 = series[0][0], series[-1][0]
    span = max((d1 - d0).days, 1)

    def x(day: dt.date) -> float:
        if d0 == d1:
            return left + plot_w / 2
        return left + plot_w * (day - d0).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - value / 100)

    body = []
    for tick in (0, 25, 50, 75, 100):
        body.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" '
                    f'stroke="{"#9aa3ad" if tick == 0 else "#e3e6ea"}" stroke-width="1"/>')
        body.append(_text(left - 8, y(tick) + 4, f"{tick}%", 11, "end", "#6b7480"))
    multi_year = d0.year != d1.year
    month = dt.date(d0.year, d0.month, 1)
    ticks = [d0]
    while True:
        month = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
        if month > d1:
            break
        ticks.append(month)
    if x(d1) - x(ticks[-1]) >= 56:
        ticks.append(d1)  # label the last point's day when no month tick sits near it
    for i, day in enumerate(ticks):
        if i == 0 or day.day != 1:
            label = _short_date(day, snap.today.year)
        else:
            label = f"{day.year}年{day.month}月" if multi_year and day.month == 1 else f"{day.month}月"
            if x(day) - x(ticks[0]) < 44:  # too close to the start label
                continue
        body.append(f'<line x1="{x(day):.1f}" y1="{top + plot_h}" x2="{x(day):.1f}" y2="{top + plot_h + 5}" '
                    f'stroke="#9aa3ad" stroke-width="1"/>')
        body.append(_text(x(day), top + plot_h + 20, label, 11.5, "middle", "#4a525c"))
    end = snap.project.plan.campaign.end
    if d0 < end < d1:
        body.append(f'<line x1="{x(end):.1f}" y1="{top}" x2="{x(end):.1f}" y2="{top + plot_h}" stroke="#9aa3ad" '
                    'stroke-width="1" stroke-dasharray="2 3"/>')
        body.append(_text(x(end) - 4, top + plot_h - 6, f"活动结束（{_short_date(end, snap.today.year)}）", 11, "end",
                          "#6b7480"))
    expected_pts = " ".join(f"{x(d):.1f},{y(e):.1f}" for d, _a, e in series)
    actual_pts = " ".join(f"{x(d):.1f},{y(a):.1f}" for d, a, _e in series)
    if len(series) > 1:
        body.append(f'<polyline points="{expected_pts}" fill="none" stroke="{EXPECTED}" stroke-width="2" '
                    'stroke-dasharray="6 4"/>')
        body.append(f'<polyline points="{actual_pts}" fill="none" stroke="{ACTUAL}" stroke-width="2.5"/>')
    for d, a, _e in series:
        body.append(f'<circle cx="{x(d):.1f}" cy="{y(a):.1f}" r="2.6" fill="{ACTUAL}"/>')
    last_day, last_a, last_e = series[-1]
    # Two-line end labels centred on their points, kept 30 apart and inside the chart.
    actual_above = last_a > last_e
    hi, lo = (y(last_a), y(last_e)) if actual_above else (y(last_e), y(last_a))
    lo = max(lo, hi + 30)
    if lo > top + plot_h - 8:
        lo = top + plot_h - 8
        hi = min(hi, lo - 30)
    if hi < 14:
        hi = 14
        lo = max(lo, hi + 30)
    ya, ye = (hi, lo) if actual_above else (lo, hi)
    lx = x(last_day) + 10
    body.append(_text(lx, ya - 3, "实际平均", 11.5, fill=ACTUAL))
    body.append(_text(lx, ya + 11, _pct(last_a), 13, fill=ACTUAL, weight="bold"))
    body.append(_text(lx, ye - 3, "序时平均", 11.5, fill=EXPECTED))
    body.append(_text(lx, ye + 11, _pct(last_e), 13, fill=EXPECTED, weight="bold"))
    legend_y = height - 6
    body += [
        f'<line x1="{left}" y1="{legend_y - 4}" x2="{left + 26}" y2="{legend_y - 4}" stroke="{ACTUAL}" stroke-width="2.5"/>',
        _text(left + 32, legend_y, "全部任务平均实际进度（实线）", 12),
        f'<line x1="{left + 240}" y1="{legend_y - 4}" x2="{left + 266}" y2="{legend_y - 4}" stroke="{EXPECTED}" '
        'stroke-width="2" stroke-dasharray="6 4"/>',
        _text(left + 272, legend_y, "全部任务平均序时进度（虚线）", 12),
    ]
    return _svg(width, height, "全部任务平均进度与序时进度走势", body)


def _unit_lights(snap: rules.Snapshot) -> str:
    """Each unit's tasks as chips of their lights; a task red or yellow for what another unit
    answers for (the lead's lag on a co-unit's row, a co-unit's problem on the lead's) is a grey
    chip saying so, as cc units counts it: a unit is never shown lagging for another's delay."""
    states = {st.task.id: st for st in snap.tasks}

    def chip(t: str, unit_id: str) -> str:
        st = states[t]
        name = rules.LIGHT_NAMES[st.light]
        if st.light in (rules.RED, rules.YELLOW) and not rules.own_gaps(st, unit_id, snap.today):
            return f'<span class="chip other">{_e(f"{t} {name}（非本单位原因）")}</span>'
        own = rules.unit_light(st, unit_id, snap.today, snap.project.plan.policy.problem_red)
        if own is not None and own != st.light:  # red for others' share: the unit's own light, and why
            return _chip(own, f"{t} {rules.LIGHT_NAMES[own]}（任务为{name}，含其他单位原因）")
        return _chip(st.light, f"{t} {name}")

    def chips(task_ids: list[str], unit_id: str) -> str:
        if not task_ids:
            return '<span class="quiet">—</span>'
        return " ".join(chip(t, unit_id) for t in task_ids)

    out = ['<div class="scroll"><table class="units"><thead><tr><th class="c-unit">单位</th><th>牵头任务</th><th>配合任务</th>'
           '<th class="c-num">已完成</th><th class="c-num">滞后</th></tr></thead><tbody>']
    for row in reports.unit_rows(snap):
        lagging = f'<strong class="warn">{row["lagging"]}</strong>' if row["lagging"] else "0"
        out.append(f'<tr><th scope="row" class="c-unit">{_e(row["name"])}</th>'
                   f'<td>{chips(row["led"], row["id"])}</td><td>{chips(row["co"], row["id"])}</td>'
                   f'<td class="c-num">{row["done"]}</td><td class="c-num">{lagging}</td></tr>')
    out.append("</tbody></table></div>")  # a phone scrolls the table, not the page (a fresh-eyes try)
    return "".join(out)


def _notice_chart(snap: rules.Snapshot) -> str:
    rows = [r for r in reports.unit_rows(snap) if r["notice_count"]]
    rows.sort(key=lambda r: (-r["notice_count"], -r["open_notices"]))
    width, top, row_h = 900, 30, 34
    left = 24 + max(_text_width(r["name"], 13) for r in rows)
    height = top + row_h * len(rows) + 8
    most = max(r["notice_count"] for r in rows)
    unit_w = min(90.0, 330 / most)
    body = [
        f'<rect x="{left}" y="6" width="20" height="11" fill="{OPEN}"/>',
        _text(left + 26, 16, "未销号", 12),
        f'<rect x="{left + 90}" y="6" width="20" height="11" fill="{CLOSED}"/>',
        _text(left + 116, 16, "已销号", 12),
    ]
    for i, r in enumerate(rows):
        y = top + i * row_h
        closed = r["notice_count"] - r["open_notices"]
        body.append(_text(left - 12, y + 16, r["name"], 13, "end", weight="bold"))
        x = left
        for count, fill in ((r["open_notices"], OPEN), (closed, CLOSED)):
            for _ in range(count):  # one block per notice, so the count can be read off the bar
                body.append(f'<rect x="{x + 1:.1f}" y="{y + 3}" width="{unit_w - 2:.1f}" height="18" fill="{fill}"/>')
                x += unit_w
        label = f'督办{r["notice_count"]}次，未销号{r["open_notices"]}次'
        if r["escalated"]:
            on = _short_date(dt.date.fromisoformat(r["escalated_on"]), snap.today.year)
            times = r.get("escalation_count", 1)  # a unit reported twice showed the latest alone
            label += f'，已于{on}报告市领导' if times == 1 else f'，已{times}次报告市领导（最近{on}）'
        body.append(_text(x + 10, y + 16.5, label, 12.5, fill=OPEN if r["escalated"] else "#1f2328",
                          weight="bold" if r["escalated"] else "normal"))
    return _svg(width, height, "各单位被督办情况", body)


def _notice_table(snap: rules.Snapshot) -> str:
    project = snap.project
    out = ['<div class="scroll"><table class="notices"><thead><tr><th>文号</th><th>被督办单位</th><th>督办次数</th>'
           '<th>下发日期</th><th>涉及任务</th><th>整改期限</th><th>办理状态</th><th>报告市领导</th>'
           '</tr></thead><tbody>']
    for ns in snap.notices.values():
        n = ns.notice
        status = ns.status(snap.today)
        late = ' class="warn"' if ns.overdue_days(snap.today) else ""  # the unit's lateness, as the status says
        rank, level = rules.notice_rank(snap, ns)  # as cc score counts it: an earlier void moves it
        moved = rules.rank_note(snap, ns, rank)
        out.append(
            f'<tr><td class="nowrap">{_e(n.doc_no)}</td><td>{_e(project.unit_short(n.unit))}</td>'
            f'<td><span class="nowrap">第{rank}次（{_e(level)}）</span>'
            + (f'<div class="small">{_e(moved)}</div>' if moved else "") + '</td>'
            f'<td class="nowrap">{_e(rules.cn_date(n.date))}</td>'
            f'<td>{_e("、".join(n.tasks) or "—")}</td>'
            f'<td>{_e(reports.notice_deadline(ns))}</td>'
            f'<td{late}>{_e(status)}</td>'
            f'<td>{"已报告" if ns.escalated else "—"}</td></tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


def _progress_cell(percent: int, expected: int) -> str:
    body = [
        '<rect x="0" y="3" width="100" height="10" fill="#e6e9ed"/>',
        f'<rect x="0" y="3" width="{percent}" height="10" fill="{ACTUAL}"/>',
        f'<line x1="{expected}" y1="0" x2="{expected}" y2="16" stroke="#111111" stroke-width="2" '
        'vector-effect="non-scaling-stroke"/>',
    ]
    label = f"进度{percent}%，序时进度{expected}%"
    return (f'<svg class="minibar" viewBox="0 0 100 16" preserveAspectRatio="none" role="img" '
            f'aria-label="{_e(label)}">' + "".join(body) + "</svg>")


def _deadline(day: dt.date) -> str:
    """cn_date, allowed to wrap only after 年 so narrow printed columns stay tidy."""
    return f'<span class="nowrap">{day.year}年</span><span class="nowrap">{day.month}月{day.day}日</span>'


def _task_table(snap: rules.Snapshot, rows: list[dict]) -> str:
    out = ['<table class="tasks"><colgroup><col class="w-id"><col class="w-title"><col class="w-units">'
           '<col class="w-prog"><col class="w-exp"><col class="w-light"><col class="w-date"><col class="w-notice">'
           '</colgroup><thead><tr>'
           '<th class="c-id">编号</th><th class="c-title">任务</th><th class="c-units">责任单位</th>'
           '<th class="c-prog">进度</th><th class="c-num">序时进度</th><th class="c-light">状态</th>'
           '<th class="c-date">完成时限</th><th class="c-num">督办</th></tr></thead>']
    for ind in snap.project.plan.indicators:
        mine = [r for r in rows if r["indicator"] == ind.id]
        if not mine:
            continue
        out.append(f'<tbody class="group"><tr class="ind"><th colspan="8">{_e(ind.id)} {_e(ind.name)}'
                   f'<span class="ind-note">{len(mine)}项任务，平均进度'
                   f'{_pct(_mean([r["percent"] for r in mine]))}，平均序时进度'
                   f'{_pct(_mean([r["expected_percent"] for r in mine]))}</span></th></tr>')
        for r in mine:
            co = "、".join(r["co_units"])
            last = (f'最近报送{_short_date(dt.date.fromisoformat(r["last_report"]), snap.today.year)}'
                    if r["last_report"] else "尚未报送")
            notices = f'{r["notice_count"]}次' if r["notice_count"] else "0"
            if r["escalated"]:
                notices += '<div class="warn small wrap">报市领导</div>'
            out.append(
                f'<tr class="light-{r["light"]}">'
                f'<td class="c-id">{_e(r["id"])}</td>'
                f'<td class="c-title"><strong>{_e(r["short_title"])}</strong>'
                f'<div class="small muted">{_e(r["title"])}</div></td>'
                f'<td class="c-units"><div><span class="small muted">牵头：</span><strong>{_e(r["lead"])}</strong></div>'
                + (f'<div class="small"><span class="muted">配合：</span>{_e(co)}</div>' if co else "")
                + (f'<div class="small muted">{_e(r["assignee"])}</div>' if r["assignee"] else "")
                + '</td>'
                f'<td class="c-prog">{_progress_cell(r["percent"], r["expected_percent"])}'
                f'<div><strong>{r["percent"]}%</strong></div><div class="small muted">{_e(last)}</div></td>'
                f'<td class="c-num">{r["expected_percent"]}%</td>'
                f'<td class="c-light">{_chip(r["light"], rules.LIGHT_NAMES[r["light"]])}'
                f'<div class="small">{_e("；".join(r["reasons"]))}</div></td>'
                f'<td class="c-date">{_deadline(dt.date.fromisoformat(r["deadline"]))}</td>'
                f'<td class="c-num">{notices}</td></tr>')
        out.append("</tbody>")
    out.append("</table>")
    return "".join(out)


# ---------------------------------------------------------------- problems


NEW = "#1f4e79"  # 新增 (交办): navy, solid
CLOSED_BAR = "#3d8b4f"  # 销号: a green outline, hollow, so it differs by more than colour
MAX_WEEKS = 16  # a longer span is shown by month


def problem_periods(snap: rules.Snapshot) -> tuple[str, list[tuple[dt.date, dt.date, int, int]]]:
    """("周" or "月", [(first day, last day, new, closed)]) from the first problem to the day.

    Weeks are the 7 days ending on the as-of day and those before it (as the weekly brief's);
    when they would be more than MAX_WEEKS, calendar months instead (the last one ends on the day)."""
    states = list(snap.problems.values())
    if not states:
        return "周", []
    today = snap.today
    first = min(ps.problem.date for ps in states)
    periods: list[tuple[dt.date, dt.date]] = []
    if (today - first).days < 7 * MAX_WEEKS:
        unit, end = "周", today
        while end >= first:
            periods.insert(0, (end - dt.timedelta(days=6), end))
            end -= dt.timedelta(days=7)
    else:
        unit, month = "月", dt.date(first.year, first.month, 1)
        while month <= today:
            following = dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            periods.append((month, min(following - dt.timedelta(days=1), today)))
            month = following
    return unit, [(a, b, problemlist.found_between(states, a, b), problemlist.closed_between(states, a, b))
                  for a, b in periods]


def _period_label(first: dt.date, last: dt.date, unit: str, year: int) -> str:
    if unit == "月":
        return f"{first.month}月" if first.year == year else f"{first.year}年{first.month}月"
    return f"{last.month}/{last.day}"


def _problem_trend_chart(snap: rules.Snapshot, unit: str, periods: list) -> str:
    """Per period, a bar of problems found (交办) beside a bar of problems closed (销号), each labelled."""
    left, right, top, bottom = 40, 16, 30, 46
    # As wide as the periods need, drawn no wider than that (see max-width below): a few weeks stay
    # legible on a phone instead of being a 900-unit drawing shrunk to a third.
    width, height = min(900, max(440, 60 * len(periods) + left + right)), 250
    plot_w, plot_h = width - left - right, height - top - bottom
    most = max([max(n, c) for _a, _b, n, c in periods] + [1])
    step = max(1, -(-most // 4))  # about four grid lines, at whole numbers
    ceiling = step * -(-most // step)
    slot = plot_w / len(periods)
    bar = min(28.0, slot * 0.36)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / ceiling)

    body = [  # solid bars for problems found, hollow ones for problems closed: they differ in shape too
        f'<rect x="{left}" y="6" width="20" height="11" fill="{NEW}"/>',
        _text(left + 26, 16, "新交办问题", 12),
        f'<rect x="{left + 111}" y="7" width="18" height="9" fill="#ffffff" stroke="{CLOSED_BAR}" stroke-width="2"/>',
        _text(left + 136, 16, "销号问题", 12),
    ]
    for tick in range(0, ceiling + 1, step):
        body.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{left + plot_w}" y2="{y(tick):.1f}" '
                    f'stroke="{"#9aa3ad" if tick == 0 else "#e3e6ea"}" stroke-width="1"/>')
        body.append(_text(left - 6, y(tick) + 4, str(tick), 11, "end", "#6b7480"))
    every = max(1, -(-len(periods) * 44 // plot_w))  # label at most one period per 44 px
    for i, (first, last, new, closed) in enumerate(periods):
        cx = left + slot * (i + 0.5)
        for x, count, fill in ((cx - bar - 1, new, NEW), (cx + 1, closed, "#ffffff")):
            if count:
                edge = NEW if fill == NEW else CLOSED_BAR
                body.append(f'<rect x="{x + 1:.1f}" y="{y(count) + 1:.1f}" width="{bar - 2:.1f}" '
                            f'height="{y(0) - y(count) - 1:.1f}" fill="{fill}" stroke="{edge}" stroke-width="2"/>')
                body.append(_text(x + bar / 2, y(count) - 3, str(count), 11, "middle", "#1f2328"))
        if (len(periods) - 1 - i) % every == 0:
            body.append(_text(cx, top + plot_h + 16, _period_label(first, last, unit, snap.today.year), 11.5,
                              "middle", "#4a525c"))
    caption = "每周（截至当日的7天）" if unit == "周" else "每月"
    body.append(_text(left, height - 6, f"{caption}新交办、销号的问题数" + ("，横轴为每周最后一天" if unit == "周" else ""),
                      12, fill="#5b6470"))
    return _svg(width, height, f"问题清单：{caption}新交办与销号", body).replace(
        "<svg ", f'<svg style="max-width: {width}px; --w: {width}px" ', 1)


def _rate_cells(r: problemlist.Rates) -> str:
    p = problemlist.percent
    on_time = r.on_time_rate
    warn = ' class="c-num warn"' if on_time is not None and on_time < 1 else ' class="c-num"'
    return (f'<td class="c-num">{_e(p(r.close_rate))}</td><td{warn}>{_e(p(on_time))}</td>'
            f'<td class="c-num">{_e(p(r.rework_rate))}</td><td class="c-num">{_e(p(r.extension_rate))}</td>')


def _rates_table(label: str, groups: list[tuple[str, problemlist.Rates]]) -> str:
    out = [f'<div class="scroll"><table class="rates"><thead><tr><th class="c-unit">{_e(label)}</th>'
           '<th class="c-num">问题</th><th class="c-num opt">已销号</th><th class="c-num opt">待复查</th>'
           '<th class="c-num opt">整改中</th><th class="c-num">逾期</th><th class="c-num">结案率</th>'
           '<th class="c-num">按期结案率</th><th class="c-num">返工率</th><th class="c-num">延期率</th>'
           '</tr></thead><tbody>']
    for name, r in groups:
        overdue = f'<strong class="warn">{r.overdue}</strong>' if r.overdue else "0"
        out.append(f'<tr><th scope="row" class="c-unit">{_e(name)}</th><td class="c-num">{r.total}</td>'
                   f'<td class="c-num opt">{r.closed}</td><td class="c-num opt">{r.fixed}</td>'
                   f'<td class="c-num opt">{r.open}</td>'
                   f'<td class="c-num">{overdue}</td>{_rate_cells(r)}</tr>')
    out.append("</tbody></table></div>")
    return "".join(out)


def _problems_block(snap: rules.Snapshot) -> str:
    today = snap.today
    states = list(snap.problems.values())
    if not states:
        return ('<section class="block"><h2>问题清单</h2>'
                f'<p class="quiet">截至{_e(rules.cn_date(today))}，尚未登记问题。</p></section>')
    total = problemlist.rates(states, today)
    p = problemlist.percent
    out = ['<section class="block problems" id="problems"><h2>问题清单<span class="sub">'
           f'共{total.total}个问题：已销号{total.closed}，待复查{total.fixed}，整改中{total.open}'
           f'（逾期{total.overdue}）</span></h2>',
           '<p class="rates-line">'
           f'结案率 <strong>{_e(p(total.close_rate))}</strong>　按期结案率 <strong>{_e(p(total.on_time_rate))}</strong>'
           f'　返工率 <strong>{_e(p(total.rework_rate))}</strong>　延期率 <strong>{_e(p(total.extension_rate))}</strong></p>']
    by_unit = [(snap.project.unit_short(us.unit.id), us.problem_rates(today)) for us in snap.units.values()
               if us.problems]
    by_unit.sort(key=lambda g: (-g[1].overdue, 2 if g[1].on_time_rate is None else g[1].on_time_rate))
    out.append('<h3>各责任单位</h3>' + _rates_table("责任单位", by_unit))
    sources = [(s, problemlist.rates([ps for ps in states if ps.problem.source == s], today))
               for s in models.PROBLEM_SOURCES]
    out.append('<h3>按问题来源</h3>' + _rates_table("来源", [(s, r) for s, r in sources if r.total]))
    unit, periods = problem_periods(snap)
    out.append(f'<h3>新交办与销号（按{unit}）</h3>'
               f'<figure class="chart">{_problem_trend_chart(snap, unit, periods)}</figure>')
    overdue = sorted((ps for ps in states if ps.overdue_days(today)), key=lambda ps: (-ps.overdue_days(today), ps.id))
    out.append(f'<h3>逾期未整改（{len(overdue)}个）</h3>')
    if overdue:
        out.append('<ul class="overdue">')
        for ps in overdue:
            pr = ps.problem
            again = "返工后" if ps.in_rework else ""
            out.append(f'<li><span class="tid">{_e(ps.id)}</span><strong>{_e(snap.project.unit_short(ps.unit))}</strong>'
                       f'<span class="who">（{_e(pr.source)}）</span>{_e(pr.place)}'
                       f'<span class="why">{_e(pr.desc)}</span><span class="why warn">{again}逾期{ps.overdue_days(today)}天'
                       f'（整改期限{_e(rules.cn_date(ps.deadline))}）</span></li>')
        out.append("</ul>")
    else:
        out.append('<p class="quiet">没有逾期未整改的问题。</p>')
    out.append("</section>")
    return "".join(out)


def _notes(snap: rules.Snapshot) -> str:
    policy = snap.project.plan.policy
    return (
        '<section class="notes block"><h2>说明</h2><ol>'
        '<li>序时进度：按时间推算“截至当日应当完成的百分比”，从工作开始日期（0%）经各节点推进到完成时限（100%）。'
        '进度条中的竖线为序时进度。</li>'
        f'<li>红灯：任务已逾期，或督办通知整改超期未反馈，或任务上逾期未整改、返工中的问题达到{policy.problem_red}个；'
        f'黄灯：实际进度低于序时进度{policy.lag_threshold}个百分点以上，或超过{policy.report_interval_days}天未报送进度，'
        f'或退回重办后尚未重新报办结，或任务上有逾期未整改、返工中的问题（不足{policy.problem_red}个）；'
        '绿灯：进度正常；待牵头单位：已报办结待验收，或督办通知已按期反馈待审核（等待牵头单位的时间不算责任单位滞后）；'
        '已完成：已由牵头单位验收销号。</li>'
        f'<li>任务明细中的“督办”为该任务牵头单位累计被督办次数，“报市领导”表示该单位已被报告市领导；'
        f'累计被督办{policy.escalation_threshold}次的单位报告{_e(policy.escalate_to)}、市领导。</li>'
        '<li>问题清单：结案率 = 已销号 ÷ 应结案数，按期结案率 = 按期销号 ÷ 应结案数（应结案数 = 已销号 + 过了整改期限仍在整改的，返工中的也计入；'
        '已报整改完成、待复查的问题不计入，复查用时不算单位逾期）；返工率 = 复查未通过过的问题 ÷ 已复查的问题；'
        '延期率 = 经批准延期的问题 ÷ 问题总数；分母为 0 时记“—”。</li>'
        f'<li>本页根据任务清单和工作日志生成，数据截至{_e(rules.cn_date(snap.today))}。</li>'
        '</ol></section>'
    )


CSS = """
@page { size: A4; margin: 12mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; background: #e9ecef; color: #1f2328; font-family: FONTS;
  font-size: 14px; line-height: 1.55; }
.page { max-width: 1000px; margin: 24px auto; background: #fff; padding: 30px 40px 24px;
  box-shadow: 0 1px 4px rgba(0,0,0,.12); }
.masthead { text-align: center; border-bottom: 3px solid #b71c1c; padding-bottom: 12px; margin-bottom: 4px; }
.masthead .issuer { color: #b71c1c; font-size: 15px; letter-spacing: .08em; font-weight: bold; }
.masthead h1 { margin: 6px 0 8px; font-size: 28px; letter-spacing: .06em; }
.masthead .meta { color: #3a424c; font-size: 14px; }
.masthead .meta span + span::before { content: "｜"; color: #9aa3ad; padding: 0 .5em; }
h2 { font-size: 18px; margin: 22px 0 10px; line-height: 1.3; }
h2::before { content: ""; display: inline-block; width: 5px; height: 1.05em; background: #b71c1c;
  margin-right: 9px; vertical-align: -3px; }
h2 .sub { font-size: 13px; font-weight: normal; color: #5b6470; margin-left: .6em; }
.figures { display: grid; grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 8px; margin: 14px 0 6px; }
.card { border: 1px solid #d5dae0; border-top: 4px solid #7b8794; padding: 8px 10px 7px; background: #fafbfc; }
.card-red { border-top-color: #c62828; } .card-yellow { border-top-color: #e0ac00; }
.card-green { border-top-color: #2e7d32; } .card-done { border-top-color: #1a4f8b; }
.card-accept { border-top-color: #4db6ac; }
.card-total { border-top-color: #1f4e79; } .card-escalated { border-top-color: #b23b1e; }
.card-label { font-size: 13px; color: #3a424c; font-weight: bold; white-space: nowrap; }
.card-value { margin: 2px 0; white-space: nowrap; }
.card-value .num { font-size: 28px; line-height: 1.1; }
.card-value .unit { font-size: 13px; color: #5b6470; margin-left: 3px; }
.card-note { font-size: 11.5px; color: #5b6470; line-height: 1.35; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin-right: 5px;
  border: 1px solid rgba(0,0,0,.25); vertical-align: 0; }
.dot.red { background: #c62828; } .dot.yellow { background: #f2c230; }
.dot.green { background: #43a047; } .dot.done { background: #1a4f8b; }
.dot.accept { background: #4db6ac; }
.chip { display: inline-block; padding: 0 6px; margin: 1px 0; border-radius: 3px; font-size: 12px;
  line-height: 1.6; white-space: nowrap; border: 1px solid; }
CHIPS
.chip.other { background: #f3f4f6; color: #5b6470; border-color: #c9ced6; }
.attention ul { list-style: none; margin: 0; padding: 0; }
.attention li { padding: 6px 0; border-bottom: 1px dashed #d5dae0; }
.attention li:last-child { border-bottom: 0; }
.attention .tid { font-weight: bold; margin: 0 .4em 0 .6em; }
.attention .who { color: #5b6470; }
.attention .unit { margin-left: .6em; }
.attention .why { display: block; margin-left: 4.2em; color: #3a424c; font-size: 13px; }
figure.chart { margin: 6px 0 0; padding: 0; }
figure.chart figcaption { font-size: 12px; color: #5b6470; margin-top: 2px; }
.chart-svg { display: block; width: 100%; height: auto; }
.chart-svg text { font-family: FONTS; }
table { width: 100%; border-collapse: collapse; font-size: 13px; }
th, td { border: 1px solid #cfd5dc; padding: 4px 6px; vertical-align: top; text-align: left; }
thead th { background: #eef1f4; font-weight: bold; }
table.tasks { table-layout: fixed; }
.w-id { width: 5%; } .w-title { width: 22%; } .w-units { width: 14%; } .w-prog { width: 12%; }
.w-exp { width: 8%; } .w-light { width: 20%; } .w-date { width: 11%; } .w-notice { width: 8%; }
tr.ind th { background: #f6f3ee; font-size: 13.5px; text-align: left; }
.ind-note { font-weight: normal; color: #5b6470; font-size: 12px; margin-left: 1em; }
.c-num { text-align: center; white-space: nowrap; }
.c-id { white-space: nowrap; font-weight: bold; }
.c-unit { white-space: nowrap; font-weight: bold; background: #fafbfc; }
.minibar { display: block; width: 100%; height: 16px; margin: 3px 0 1px; }
.small { font-size: 11.5px; line-height: 1.45; }
.muted { color: #5b6470; }
.quiet { color: #5b6470; }
.warn { color: #b23b1e; font-weight: bold; }
.left-out { border: 2px solid #b23b1e; padding: 6px 10px; margin: 8px 0; }
.nowrap { white-space: nowrap; }
.wrap { white-space: normal; }
h3 { font-size: 15px; margin: 16px 0 6px; }
.scroll { overflow-x: auto; }
table.rates th.c-unit { white-space: nowrap; }
.rates-line { margin: 4px 0 8px; }
.rates-line strong { font-size: 16px; }
.overdue { list-style: none; margin: 0; padding: 0; }
.overdue li { padding: 5px 0; border-bottom: 1px dashed #d5dae0; }
.overdue .tid { font-weight: bold; margin-right: .6em; }
.overdue .who { color: #5b6470; margin-right: .4em; }
.overdue .why { display: block; margin-left: 1em; font-size: 13px; color: #3a424c; }
.overdue .why.warn { color: #b23b1e; }
.notes ol { margin: 0; padding-left: 1.6em; font-size: 12.5px; color: #3a424c; }
footer { margin-top: 16px; padding-top: 8px; border-top: 1px solid #d5dae0; font-size: 12px; color: #5b6470;
  text-align: center; }
@media (max-width: 760px) { .figures { grid-template-columns: repeat(2, minmax(0, 1fr)); } .page { padding: 16px; } }
@media (max-width: 560px) { table.rates .opt { display: none; } table.rates { font-size: 12px; }
  table.rates th, table.rates td { padding: 3px 4px; }
  figure.chart { overflow-x: auto; }
  .chart-svg { min-width: min(760px, var(--w, 760px)); } }
@media print {
  body { background: #fff; font-size: 10pt; }
  .page { max-width: none; margin: 0; padding: 0; box-shadow: none; }
  .figures { grid-template-columns: repeat(8, minmax(0, 1fr)); gap: 5px; }
  .card { padding: 5px 4px; }
  .card-label { white-space: normal; font-size: 8.5pt; line-height: 1.3; }
  .card-value .num { font-size: 20pt; }
  table { font-size: 9pt; }
  .small { font-size: 8pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, tbody.group, .block, figure.chart, .card, .figures, .masthead { break-inside: avoid; page-break-inside: avoid; }
  .attention li, .overdue li { break-inside: avoid; page-break-inside: avoid; }
  .scroll { overflow: visible; }
}
"""


def _css() -> str:
    chips = "\n".join(
        f".chip.{light} {{ background: {LIGHT_FILL[light]}; color: {LIGHT_INK[light]}; "
        f"border-color: {LIGHT_EDGE[light]};{' font-weight: bold;' if light in (rules.RED, rules.YELLOW) else ''} }}"
        for light in rules.LIGHTS)
    return CSS.replace("FONTS", FONT_STACK).replace("CHIPS", chips)


def _trend_block(snap: rules.Snapshot) -> str:
    camp = snap.project.plan.campaign
    if snap.today < camp.start:
        return ('<section class="block"><h2>总体进度走势</h2>'
                f'<p class="quiet">创建工作自{_e(rules.cn_date(camp.start))}开始，尚无进度数据。</p></section>')
    series = progress_series(snap.project, snap.today)
    return ('<section class="block"><h2>总体进度走势<span class="sub">'
            f'自{_e(rules.cn_date(camp.start))}起每周一个点，至{_e(rules.cn_date(snap.today))}</span></h2>'
            f'<figure class="chart">{_trend_chart(snap, series)}</figure></section>')


# -------------------------------------------------------------------- page


def render_html(snap: rules.Snapshot) -> str:
    """The whole leaders' page for snap.today, as one HTML5 string with no external resources."""
    camp = snap.project.plan.campaign
    rows = reports.status_rows(snap)
    summary = reports.status_summary(snap, rows)
    title = f"{camp.group}工作进展情况（截至{rules.cn_date(snap.today)}）"
    notices = [r for r in reports.unit_rows(snap) if r["notice_count"]]
    if notices:
        notice_block = (
            '<section class="block"><h2>督办情况<span class="sub">'
            f'共下发督办通知{len(snap.notices)}份，涉及{len(notices)}个单位</span></h2>'
            f'<figure class="chart">{_notice_chart(snap)}</figure></section>'
            f'<section class="notice-list">{_notice_table(snap)}</section>')
    else:
        notice_block = ('<section class="block"><h2>督办情况</h2>'
                        f'<p class="quiet">截至{_e(rules.cn_date(snap.today))}，尚未下发督办通知。</p></section>')
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="chuangcheng-cli cc report html">',
        f"<title>{_e(title)}</title>",
        f"<style>{_css()}</style></head>",
        '<body><main class="page">',
        _masthead(snap),
        _figures(snap, summary),
        _attention(snap, rows),
        _lead_queue(snap),
        '<section class="block"><h2>各创建指标进度<span class="sub">实心条为平均实际进度，虚线框为平均序时进度</span></h2>'
        f'<figure class="chart">{_indicator_chart(snap, rows)}</figure></section>',
        _trend_block(snap),
        '<section><h2>各单位任务灯色<span class="sub">每个方框为一项任务及其灯色；灰色：任务滞后，但不是本单位的原因</span></h2>',
        _unit_lights(snap),
        "</section>",
        notice_block,
        _problems_block(snap),
        '<section><h2>任务明细<span class="sub">按创建指标分组，灯色与进度总表相同</span></h2>',
        _task_table(snap, rows),
        "</section>",
        _notes(snap),
        f'<footer>{_e(camp.issuer)}　{_e(rules.cn_date(snap.today))}</footer>',
        "</main></body></html>",
    ]
    return "\n".join(parts) + "\n"
