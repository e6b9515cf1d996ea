"""Light helpers over computed report rows (plain dicts): Chinese dates, filtering, summary lines.

Nothing here imports pydantic or yaml, so the cached fast path of `cc status` can use it.
"""

from __future__ import annotations

import datetime as dt

LIGHTS = ("red", "yellow", "review", "accept", "green", "done")  # as rules.LIGHTS
LIGHT_NAMES = {"红": "red", "红灯": "red", "黄": "yellow", "黄灯": "yellow", "绿": "green", "绿灯": "green",
               "完成": "done", "已完成": "done", "待审核": "review", "审核": "review",
               "待验收": "accept", "验收": "accept"}


def light_key(text: str) -> str:
    """red/yellow/green/done from English or Chinese (黄、黄灯 …); UsageError otherwise."""
    key = text.strip()
    key = LIGHT_NAMES.get(key, key.lower())
    if key not in LIGHTS:
        from ..diagnostics import UsageError
        from ..textguard import quoted

        raise UsageError(f"--light 的值无效：{quoted(text)}",
                         "可选：red 红、yellow 黄、review 待审核、accept 待验收、green 绿、done 已完成。")
    return key


# models.ENTRY_TYPES' keys, repeated here because this module must not import pydantic (fast path).
KINDS = ("assign", "progress", "verify", "reopen", "notice", "reply", "reject", "close", "escalate", "problem",
         "fix", "recheck", "extend", "void")
KIND_NAMES = {  # what people call each journal entry kind, besides models.ENTRY_KIND_NAMES; the first of each is its name
    "分解交办": "assign", "分解": "assign", "交办": "assign",
    "进度报送": "progress", "报送": "progress", "进度": "progress", "进展": "progress",
    "验收销号": "verify", "验收": "verify",
    "退回重办": "reopen", "重办": "reopen",
    "退回整改": "reject", "退回": "reject",
    "督办通知": "notice", "督办": "notice", "通知": "notice",
    "整改反馈": "reply", "反馈": "reply",
    "督办销号": "close",
    "报告市领导": "escalate", "报告": "escalate", "问责": "escalate", "问效问责": "escalate",
    "作废": "void", "改错": "void",
    "问题交办": "problem", "问题登记": "problem",
    "问题整改完成": "fix", "整改完成": "fix",
    "问题复查": "recheck", "复查": "recheck",
    "问题延期": "extend", "延期": "extend",
}
# Words that name several kinds: what a clerk means by them (the 问题清单's four kinds; 整改 is
# done under a 督办通知 and on a problem, and sent back to be done again).
KIND_FAMILIES = {"问题": ("problem", "fix", "recheck", "extend"), "问题清单": ("problem", "fix", "recheck", "extend"),
                 "整改": ("reply", "reject", "fix")}


def kind_name(kind: str) -> str:
    """The Chinese name of a kind (the first of KIND_NAMES for it)."""
    return next(name for name, k in KIND_NAMES.items() if k == kind)


def kind_keys(text: str, option: str = "--kind") -> tuple[str, ...]:
    """The journal entry kinds text names: a kind by its English or Chinese name (督办、督办通知、
    notice …), a family (KIND_FAMILIES), or every kind whose name holds text, two characters or more
    (销号: 验收销号 and 督办销号); UsageError when none does."""
    from ..textguard import unmarked

    key = unmarked(text).strip()
    if key in KIND_FAMILIES:
        return KIND_FAMILIES[key]
    single = KIND_NAMES.get(key, key.lower())
    if single in KINDS:
        return (single,)
    found = tuple(k for k in KINDS if len(key) >= 2 and key in kind_name(k))  # one character (督) says too little
    if found:
        return found
    from ..diagnostics import UsageError

    raise UsageError(f"未知的记录类型：{text}", "可选：" + "、".join(f"{kind_name(k)}（{k}）" for k in KINDS))


def cn_date(day: dt.date | None) -> str:
    """2023年5月10日 — no zero padding, as in 公文."""
    if day is None:
        return "—"
    return f"{day.year}年{day.month}月{day.day}日"


def filter_rows(rows: list[dict], unit: str | None = None, indicator: str | None = None,
                light: str | None = None) -> list[dict]:
    """unit is a full unit name, indicator an id; rows keep plan order. With unit, a task it
    works on as a co-unit carries that unit's own 科室/人 and 督办 count (own, and for_unit: its
    name), which the table shows in place of the lead unit's; the row's own keys keep their
    meaning (the lead unit's), whatever the filter."""
    return [_for_unit(r, unit) for r in rows
            if (not unit or unit in r["units"]) and (not indicator or r["indicator"] == indicator)
            and (not light or r["light"] == light)]


def _for_unit(row: dict, unit: str | None) -> dict:
    mine = next((v for v in row.get("co_unit_views", ()) if v["unit"] == unit), None) if unit else None
    return row if mine is None else {**row, "for_unit": unit, "own": mine}


def summarize(rows: list[dict], base: dict, unit: str | None = None, indicator: str | None = None,
              light: str | None = None) -> dict:
    """The summary of the shown rows; base holds the date and campaign facts. With unit (a full
    name, as status --unit shows one unit's tasks) only that unit's escalation is listed, and of the
    lead unit's queue only what waits on this unit's behalf (all of it for the lead unit). The units'
    own rows (unit_gaps: what no open task shows) follow the filters too: only that unit's, only
    those of that light, none under one indicator (they belong to none)."""
    counts = {light: sum(r["light"] == light for r in rows) for light in LIGHTS}
    summary = {**base, "total": len(rows), "done": counts["done"], "lights": counts}
    if light:  # the rows of one light: the others' counts are not 0, they are not shown
        summary["light"] = light
    if unit:
        summary["escalated_units"] = [e for e in base["escalated_units"] if e["unit"] == unit]
        summary["problems"] = base.get("unit_problems", {}).get(unit)
        summary["unit_problem_gaps"] = [g for g in base.get("unit_problem_gaps", []) if g["unit_name"] == unit]
        if base.get("lead_unit") != unit:  # the lead unit's queue, as far as it concerns this unit
            summary["lead_queue"] = [q for q in base.get("lead_queue", []) if q["unit_name"] == unit]
        todo = base.get("unit_todo", {}).get(unit)
        summary["unit_todo"] = {**todo, "unit": unit} if todo else None
    else:
        summary.pop("unit_todo", None)  # every unit's: only status --unit shows one unit's
    summary["unit_gaps"] = [g for g in base.get("unit_gaps", []) if (not unit or g["unit_name"] == unit)
                            and (not light or g["light"] == light) and not indicator]
    summary.pop("unit_problems", None)
    return summary


def problems_text(counts: dict | None) -> str:
    """The problems line of cc status ("" when there are none)."""
    if not counts or not counts.get("total"):
        return ""
    line = f"问题清单：整改中 {counts['open']}"
    line += f"（逾期 {counts['overdue']}）· " if counts["overdue"] else " · "
    line += f"待复查 {counts['fixed']} · 已销号 {counts['closed']} · 共 {counts['total']}"
    line += f"；本周新增 {counts['new_this_week']}、销号 {counts['closed_this_week']}"
    return line


# rules.LIGHT_NAMES, repeated as KINDS is: this module must not import pydantic (fast path).
LIGHT_TITLES = {"red": "红灯", "yellow": "黄灯", "review": "待审核", "accept": "待验收", "green": "绿灯", "done": "已完成"}


def escalation_dates(esc: dict, short_year: int | None = None) -> str:
    """The days a unit was reported to 市领导 (summary's escalated_units), for inside brackets:
    2023年10月16日, or 共2次：2023年10月16日、2023年12月30日; short_year: within it without the
    year (10月16日)."""
    days = [dt.date.fromisoformat(d) for d in esc.get("dates") or [esc["date"]]]
    text = "、".join(f"{d.month}月{d.day}日" if d.year == short_year else cn_date(d) for d in days)
    return f"共{len(days)}次：{text}" if len(days) > 1 else text


def cause_prefix(row: dict) -> str:
    """What goes before a red or yellow task's reasons where the lead unit (whose name the row
    shows) does not answer for all of its light: 非本单位原因 when for none of it, or its own
    light when a lesser one (a red task yellow for the lead, red for its co-units' share).

    In a co-unit's own view (status --unit, filter_rows: for_unit) it is that unit's share that is
    said, by its name: the lead's "非本单位原因" there read as the co-unit's own excuse, beside its
    own problem, while a task lit by the lead alone said nothing (a try of a new group)."""
    own = row.get("own")
    if own is not None and row.get("light") in ("red", "yellow"):
        mine, short = own.get("light"), own.get("short") or row.get("for_unit", "")
        if mine is None:
            return f"非本单位（{short}）原因："
        others = row.get("lead_light") is not None or any(
            v.get("light") for v in row.get("co_unit_views", ()) if v.get("unit") != row.get("for_unit"))
        if others or mine != row["light"]:
            return f"本单位（{short}）自身为{_LIGHT_WORDS[mine]}，另有其他单位原因："
        return ""
    if row.get("not_lead_s_cause"):
        return "非本单位原因："
    own = row.get("lead_light")
    if row.get("light") == "red" and own == "yellow":
        return "牵头单位自身为黄灯，红灯含其他单位原因："
    return ""


_LIGHT_WORDS = {"red": "红灯", "yellow": "黄灯"}


def summary_text(summary: dict) -> str:
    lights = summary["lights"]
    if summary.get("light"):  # --light: "红灯 0 · 黄灯 0" under the green ones read as none lit
        line = f"{LIGHT_TITLES[summary['light']]} {summary['total']} 项（按灯色筛选，其他灯色未列出）"
    else:
        line = f"红灯 {lights['red']} · 黄灯 {lights['yellow']} · "
        for key, name in (("review", "待审核"), ("accept", "待验收")):
            if lights.get(key):
                line += f"{name} {lights[key]} · "
        line += f"绿灯 {lights['green']} · 已完成 {summary['done']}/{summary['total']}"
    end = dt.date.fromisoformat(summary["campaign_end"])
    today = dt.date.fromisoformat(summary["as_of"])
    start = summary.get("campaign_start")
    if start and today < dt.date.fromisoformat(start):
        line += f"；创建活动尚未开始（{cn_date(dt.date.fromisoformat(start))}开始）"
    elif today <= end:
        line += f"；距活动结束 {summary['days_left']} 天（{cn_date(end)}）"
    else:
        line += f"；创建活动已于{cn_date(end)}结束"
    return line
