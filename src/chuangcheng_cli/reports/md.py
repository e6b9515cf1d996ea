"""The weekly brief (周报) in Markdown: the week's progress, lagging tasks, notices, the 问题清单, escalations, next week's deadlines."""

from __future__ import annotations

import datetime as dt
import re

from ..domain import models, problemlist, rules, views
from . import rows as reports
from ..textguard import for_terminal

WEEK = dt.timedelta(days=6)  # the week is the 7 days ending on the as-of day, both ends included
NEXT_WEEK = dt.timedelta(days=7)


# ---------------------------------------------------------------- helpers


# Every ASCII punctuation character that Markdown (CommonMark, GFM) or the HTML inside it gives a
# meaning: raw HTML (<script>, <img onerror>), links and images ([x](javascript:…)), emphasis,
# code, headings, tables, strikethrough, entities. A backslash makes each of them literal.
_SPECIAL = re.compile(r"([\\`*_\[\]<>#!|~&])")
_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85]")  # a bare CR, too, ends a line in some renderers


# A run of characters with no space, no pipe, backtick or angle bracket and no Chinese punctuation,
# and what in such a run a renderer may turn into a link by itself: GFM links www.… , http://…
# and e-mail addresses, and others (markdown-it's linkify, many editors' previews) any name.tld,
# a Chinese name too ("evil.com", "见例子.com", "a@例子.cn"). No backslash stops that (an escaped
# "\\:" is text again when the linker runs), so such a run is written as code: shown as it is,
# never a link (a unit's note or evidence is no link in a brief the leaders click through). A
# name.tld is taken where the part after the dot is a top-level domain (two letters, or one of the
# common ones), so that 说明.docx or 95.5% stay text.
_RUN = re.compile(r"[^\s<>`|，。、；：？！“”‘’（）《》【】「」『』〔〕…—·]+")
_TLDS = ("[a-z]{2}|com|net|org|edu|gov|mil|int|info|biz|name|pro|asia|mobi|museum|tel|travel|top|xyz|site|"
         "online|shop|club|vip|wang|ltd|tech|store|app|dev|cloud|link|live|work|中国|中國|公司|网络|網絡|政务|公益")
_LINKY = re.compile(rf"(?i)://|www\.|@[^\W_][\w-]*\.[^\W_]|[^\W_]\.(?:{_TLDS})(?![a-z0-9])")


def _escaped(text: str) -> str:
    """text with Markdown's special characters escaped, and every run a renderer could link (see
    _LINKY) as a code span."""
    if "." not in text and ":" not in text and "@" not in text:
        return _SPECIAL.sub(r"\\\1", text)
    out, last = [], 0
    for m in _RUN.finditer(text):
        if _LINKY.search(m.group()):
            out += [_SPECIAL.sub(r"\\\1", text[last:m.start()]), "`", m.group(), "`"]
            last = m.end()
    out.append(_SPECIAL.sub(r"\\\1", text[last:]))
    return "".join(out)


def md(text: object) -> str:
    """Data text as literal Markdown inline text: special characters escaped, on one line."""
    return for_terminal(_BREAKS.sub(" ", _escaped(str(text))), multiline=True)


def cell(text: object) -> str:
    """Text safe inside a Markdown table cell: special characters escaped, line breaks as <br>."""
    return for_terminal(_BREAKS.sub("<br>", _escaped(str(text))), multiline=True)


def line(text: str) -> str:
    """Text safe as one list item ("- " kept) or paragraph line."""
    text = str(text)
    if text.startswith("- "):
        return "- " + md(text[2:])
    return md(text)


def table(headers: list[str], rows: list[list]) -> list[str]:
    out = ["| " + " | ".join(cell(h) for h in headers) + " |",
           "| " + " | ".join("---" for _ in headers) + " |"]
    out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return out


def _clause(text: str) -> str:
    return text.strip().rstrip("。；;，, ")


def _task_name(project: models.Project, task_id: str) -> str:
    task = project.task(task_id)
    return f"{task_id} {task.label}" if task else task_id


def _rank_text(snap: rules.Snapshot, ns: rules.NoticeState) -> str:
    """第2次（黄）: the notice's place among those that count, as cc score takes it; the place it
    was sent with beside it when an earlier notice's void moved it."""
    rank, level = rules.notice_rank(snap, ns)
    moved = rules.rank_note(snap, ns, rank)
    return f"第{rank}次（{level}）" + (f"（{moved}）" if moved else "")


def _notice_no(snap: rules.Snapshot, ref: str) -> str:
    """The 文号 of a notice by its ref; a voided one's marked so (it counts nowhere since)."""
    ns = snap.notices.get(ref)
    if ns is not None:
        return ns.notice.doc_no
    doc_no = snap.project.notice_numbers.get(ref)
    return f"{doc_no}（已作废）" if doc_no else ref


def _in(day: dt.date, first: dt.date, last: dt.date) -> bool:
    return first <= day <= last


# ------------------------------------------------------------- sections


def _week_progress(snap: rules.Snapshot, first: dt.date) -> list[dict]:
    """Progress entries of the week, each with the task's percent before it, grouped by task in plan order."""
    project = snap.project
    before: dict[str, int] = {}
    reopened: set[str] = set()  # a report after 退回重办 is a resubmission, even at the same percent
    found = []
    for e in snap.counted:
        if e.kind == "reopen":
            reopened.add(e.task)
        if e.kind != "progress":
            continue
        if e.date >= first:
            found.append({"entry": e, "from": before.get(e.task, 0), "resubmitted": e.task in reopened})
        before[e.task] = e.percent
        reopened.discard(e.task)
    order = {t.id: i for i, t in enumerate(project.plan.tasks)}
    found.sort(key=lambda row: order.get(row["entry"].task, len(order)))  # stable: dates stay in order
    return found


def _progress_section(snap: rules.Snapshot, first: dt.date) -> list[str]:
    project = snap.project
    out = ["### 进度报送", ""]
    rows = []
    for row in _week_progress(snap, first):
        e = row["entry"]
        change = f"{row['from']}% → {e.percent}%"
        if e.percent == 100:
            change += "（退回后重新报办结）" if row["resubmitted"] else "（办结报告）"
        notes = [_clause(e.note), *reports.progress_details(e)]
        rows.append([_task_name(project, e.task), project.unit_label(e.unit), rules.cn_date(e.date), change,
                     "；".join(notes)])
    out += table(["任务", "报送单位", "日期", "进度", "情况"], rows) if rows else ["本周无新的进度报送。"]
    return out


def _verify_section(snap: rules.Snapshot, week: list) -> list[str]:
    project = snap.project
    out = ["### 验收销号与退回重办", ""]
    items = []
    for e in week:
        if e.kind == "verify":
            items.append(f"- {_task_name(project, e.task)}：{rules.cn_date(e.date)}验收销号"
                         + (f"（{_clause(e.note)}）" if e.note else "") + "。")
        elif e.kind == "reopen":
            items.append(f"- {_task_name(project, e.task)}：{rules.cn_date(e.date)}退回重办，{_clause(e.reason)}。")
    out += [line(i) for i in items] or ["本周无验收销号或退回重办的任务。"]
    return out


def _assign_section(snap: rules.Snapshot, week: list) -> list[str]:
    project = snap.project
    out = ["### 分解交办", ""]
    items = [f"- {_task_name(project, e.task)}：{project.unit_label(e.unit)}分解到{e.section}，责任人{e.person}"
             f"（{rules.cn_date(e.date)}）。" for e in week if e.kind == "assign"]
    out += [line(i) for i in items] or ["本周无新的分解交办。"]
    return out


def _lagging_section(snap: rules.Snapshot) -> list[str]:
    project = snap.project
    rows = reports.status_rows(snap)
    lagging = [r for r in rows if r["light"] == rules.RED] + [r for r in rows if r["light"] == rules.YELLOW]
    out = ["## 滞后任务", ""]
    if not lagging:
        return out + ["目前没有红灯、黄灯任务。"]
    states = {st.task.id: st for st in snap.tasks}

    def lead(task_id: str) -> str:
        # red or yellow only for what a co-unit answers for (its notice, its problem, named in the
        # reasons): the lead unit's column says so, as the leaders' page does, never blaming it
        st = states[task_id]
        label = project.unit_label(st.task.lead)
        return label if rules.own_gaps(st, st.task.lead, snap.today) else label + "（非本单位原因）"

    body = [[r["id"], r["short_title"], lead(r["id"]), f"{r['percent']}%",
             f"{r['expected_percent']}%", rules.LIGHT_NAMES[r["light"]],
             ("" if r["not_lead_s_cause"] else views.cause_prefix(r)) + "；".join(r["reasons"])] for r in lagging]
    return out + table(["编号", "任务", "牵头单位", "进度", "序时进度", "状态", "原因"], body)


def _deadline_text(ns: rules.NoticeState, today: dt.date) -> str:
    overdue = ns.overdue_days(today)
    if overdue:
        return f"超期{overdue}天"
    if ns.awaiting_review():  # answered: whether on time, not days left of a deadline it met (剩-11天)
        late = ns.late_reply_days()
        return f"逾期{late}天反馈" if late else "按期反馈"
    left = (ns.deadline - today).days
    return "今日到期" if left == 0 else f"未超期（剩{left}天）"


def _notice_section(snap: rules.Snapshot, first: dt.date) -> list[str]:
    project = snap.project
    today = snap.today
    out = ["## 督办通知", "", "### 未销号的督办通知", ""]
    open_notices = [ns for ns in snap.notices.values() if ns.is_open]
    if open_notices:
        out += table(
            ["文号", "督办单位", "督办次数", "涉及任务", "整改期限", "是否超期", "状态"],
            [[ns.notice.doc_no, project.unit_label(ns.notice.unit), _rank_text(snap, ns),
              "、".join(_task_name(project, t) for t in ns.notice.tasks) or "—",
              reports.notice_deadline(ns), _deadline_text(ns, today), ns.status(today)]
             for ns in open_notices])
    else:
        out.append("目前没有未销号的督办通知。")

    events: list[tuple[dt.date, str]] = []
    for ns in snap.notices.values():
        n = ns.notice
        if _in(n.date, first, today):
            tasks = "、".join(n.tasks)
            events.append((n.date, f"印发{n.doc_no}，督办{project.unit_label(n.unit)}（第{n.seq}次，{n.level}色）"
                                   + (f"，涉及{tasks}" if tasks else "") + f"，整改期限{rules.cn_date(n.deadline)}。"))
        for deadline, reply, reject in ns.rounds:
            if reply is not None and _in(reply.date, first, today):
                late = (reply.date - deadline).days
                events.append((reply.date, f"{project.unit_label(reply.unit)}反馈{n.doc_no}整改情况"
                                           + (f"（逾期{late}天）" if late > 0 else "（按期）") + "。"))
            if reject is not None and _in(reject.date, first, today):
                events.append((reject.date, f"{n.doc_no}退回整改，新的整改期限{rules.cn_date(reject.deadline)}："
                                            f"{_clause(reject.note)}。"))
        if ns.closed and _in(ns.closed.date, first, today):
            events.append((ns.closed.date, f"{n.doc_no}销号" + (f"：{_clause(ns.closed.note)}" if ns.closed.note else "")
                           + "。"))
    events.sort(key=lambda ev: ev[0])
    out += ["", "### 本周督办动态", ""]
    out += [line(f"- {rules.cn_date(day)} {text}") for day, text in events] or ["本周无新发、反馈或销号的督办通知。"]
    return out


def _problem_label(snap: rules.Snapshot, ps: problemlist.ProblemState) -> str:
    return f"{ps.id}（{snap.project.unit_label(ps.unit)}，{ps.problem.place}）"


def _problem_section(snap: rules.Snapshot, first: dt.date) -> list[str]:
    """The week's problems: found, closed, sent back (返工), extended; and those overdue now."""
    today = snap.today
    states = list(snap.problems.values())
    out = ["## 问题清单", ""]
    if not states:
        return out + ["尚未登记问题。"]
    r = problemlist.rates(states, today)
    p = problemlist.percent
    out += [f"共{r.total}个问题：已销号{r.closed}个，待复查{r.fixed}个，整改中{r.open}个（逾期{r.overdue}个）；"
            f"结案率{p(r.close_rate)}，按期结案率{p(r.on_time_rate)}，返工率{p(r.rework_rate)}，延期率{p(r.extension_rate)}。",
            ""]

    new = [ps for ps in states if _in(ps.problem.date, first, today)]
    out += [f"### 本周新交办（{len(new)}个）", ""]
    out += table(["编号", "来源", "责任单位", "点位", "问题", "整改期限"],
                 [[ps.id, ps.problem.source, snap.project.unit_label(ps.unit), ps.problem.place, ps.problem.desc,
                   rules.cn_date(ps.problem.deadline)] for ps in new]) if new else ["本周无新交办的问题。"]

    closed = [ps for ps in states if ps.closed is not None and _in(ps.closed.date, first, today)]
    closed.sort(key=lambda ps: (ps.closed.date, ps.id))
    out += ["", f"### 本周销号（{len(closed)}个）", ""]
    out += [line(f"- {_problem_label(snap, ps)}：{rules.cn_date(ps.closed.date)}复查销号，"
                 + ("按期整改。" if ps.on_time else "逾期整改。")) for ps in closed] or ["本周无销号的问题。"]

    overdue = sorted((ps for ps in states if ps.overdue_days(today)), key=lambda ps: (-ps.overdue_days(today), ps.id))
    out += ["", f"### 逾期未整改（{len(overdue)}个）", ""]
    out += table(["编号", "责任单位", "点位", "整改期限", "逾期天数", "状态"],
                 [[ps.id, snap.project.unit_label(ps.unit), ps.problem.place, rules.cn_date(ps.deadline),
                   f"{ps.overdue_days(today)}天", "返工整改中" if ps.in_rework else "整改中"] for ps in overdue]) \
        if overdue else ["目前没有逾期未整改的问题。"]

    events: list[tuple[dt.date, str, str]] = []
    for ps in states:
        for e in ps.failed:
            if _in(e.date, first, today):
                events.append((e.date, ps.id, f"{_problem_label(snap, ps)}复查未通过，返工，新的整改期限"
                                              f"{rules.cn_date(e.deadline)}：{_clause(e.note)}。"))
        for e in ps.extensions:
            if _in(e.date, first, today):
                events.append((e.date, ps.id, f"{_problem_label(snap, ps)}延期至{rules.cn_date(e.deadline)}："
                                              f"{_clause(e.reason)}。"))
    events.sort(key=lambda ev: ev[:2])
    out += ["", "### 本周返工与延期", ""]
    out += [line(f"- {rules.cn_date(day)} {text}") for day, _, text in events] or ["本周无返工或延期的问题。"]
    return out


def _void_section(snap: rules.Snapshot, first: dt.date) -> list[str]:
    """The entries voided this week: a correction is part of the record, so the brief says it."""
    by_id = {e.id: e for e in snap.entries}
    items = []
    for e in snap.entries:
        if e.kind != "void" or e.date < first or e.id in snap.voided:
            continue
        target = by_id.get(e.entry)
        what = models.ENTRY_KIND_NAMES.get(target.kind, "记录") if target is not None else "记录"
        if target is not None and target.kind == "notice":
            what += f" {target.doc_no}"
        if target is not None and target.kind == "void":  # a void undone: what it voided counts again
            items.append(line(f"- {rules.cn_date(e.date)} 撤销作废（{e.entry}，所作废的记录 {target.entry} 重新计入）："
                              f"{_clause(e.reason)}。"))
            continue
        items.append(line(f"- {rules.cn_date(e.date)} 作废{what}（{e.entry}）：{_clause(e.reason)}。"))
    return ["### 作废的记录", "", *items] if items else []


def _queue_section(snap: rules.Snapshot) -> list[str]:
    """The lead unit's own pending work: replies to review, 办结报告 to verify, problems to 复查."""
    lead = snap.project.unit_label(snap.project.plan.campaign.lead_unit)
    out = [f"## 牵头单位待办（{md(lead)}）", ""]
    items = []
    for q in reports.queue_rows(snap):
        since = rules.cn_date(dt.date.fromisoformat(q["since"]))
        if q["kind"] == rules.REVIEW:
            text = f"- 待审核：{q['subject']}（{q['unit_name']}）{since}反馈" + (f"（逾期{q['late']}天）" if q["late"] else "")
        elif q["kind"] == rules.RECHECK:
            text = f"- 待复查：问题{q['subject']}（{q['unit_name']}）{since}报整改完成" + (
                f"（逾期{q['late']}天）" if q["late"] else "")
        else:
            text = f"- 待验收：{_task_name(snap.project, q['subject'])}（{q['unit_name']}）{since}报办结"
        text += f"，已等待{q['days']}天" + (f"，超过审核时限{q['overdue']}天（牵头单位逾期）" if q["overdue"] else "") + "。"
        items.append(line(text))
    return out + (items or ["没有待审核的整改反馈、待验收的任务和待复查的问题。"])


def _escalation_section(snap: rules.Snapshot, first: dt.date) -> list[str]:
    project = snap.project
    out = ["## 报告市领导", ""]
    items = []
    for us in snap.units.values():
        for e in us.escalations:
            nos = "、".join(_notice_no(snap, ref) for ref in e.notices)
            text = (f"- {project.unit_label(e.unit)}：{rules.cn_date(e.date)}报告市领导"
                    + ("（本周）" if _in(e.date, first, snap.today) else "")
                    + f"，{'当时' if any(ref not in snap.notices for ref in e.notices) else ''}累计督办{len(e.notices)}次（{nos}）")
            items.append((e.date, line(text + (f"；{_clause(e.note)}。" if e.note else "。"))))
    items.sort(key=lambda it: it[0])
    return out + ([text for _, text in items] or ["尚无单位被报告市领导。"])


def _next_week_section(snap: rules.Snapshot) -> list[str]:
    project = snap.project
    first, last = snap.today + dt.timedelta(days=1), snap.today + NEXT_WEEK
    out = [f"## 下周到期（{rules.cn_date(first)}—{rules.cn_date(last)}）", ""]
    items: list[tuple[dt.date, int, str]] = []
    for st in snap.tasks:
        task = st.task
        if not st.done and _in(st.deadline, first, last):
            state = "已报办结，待验收" if st.reported_complete else f"当前进度{st.percent}%"
            moved = f"，{rules.cn_date(task.deadline)}为休息日顺延" if st.moved else ""
            items.append((st.deadline, 0, f"{_task_name(project, task.id)} {'重办期限' if st.reworking else '完成时限'}到期"
                                            f"（牵头单位：{project.unit_label(task.lead)}，{state}{moved}）"))
    for ns in snap.notices.values():
        if ns.is_open and _in(ns.deadline, first, last):
            state = "已反馈，待审核" if ns.pending is not None else "尚未反馈"
            items.append((ns.deadline, 1, f"{ns.notice.doc_no} 整改期限到期"
                                                 f"（{project.unit_label(ns.notice.unit)}，{state}）"))
    for ps in snap.problems.values():
        if ps.closed_on is None and ps.pending is None and _in(ps.deadline, first, last):
            items.append((ps.deadline, 2, f"问题{ps.id}（{ps.problem.place}）整改期限到期"
                                            f"（{project.unit_label(ps.unit)}，{ps.status_text(snap.today)}）"))
    items.sort(key=lambda it: it[:2])
    return out + ([line(f"- {rules.cn_date(day)}：{text}") for day, _, text in items]
                  or ["下周没有到期的任务、督办整改期限或问题整改期限。"])


# ------------------------------------------------------------------ brief


def _problem_line(snap: rules.Snapshot, first: dt.date) -> list[str]:
    """The brief's second summary line for problems (none before any problem is recorded)."""
    states = list(snap.problems.values())
    if not states:
        return []
    r = problemlist.rates(states, snap.today)
    return [f"- 问题清单：本周新交办{problemlist.found_between(states, first, snap.today)}个，"
            f"销号{problemlist.closed_between(states, first, snap.today)}个；现逾期未整改{r.overdue}个"]


def render_markdown(snap: rules.Snapshot) -> str:
    """The 周报 for the 7 days ending snap.today, as Markdown text ending with a newline."""
    camp = snap.project.plan.campaign
    today = snap.today
    first = today - WEEK
    week = [e for e in snap.counted if e.date >= first]
    summary = reports.status_summary(snap, reports.status_rows(snap))
    # a reply to or the closing of a voided notice counts nowhere (as in the 督办动态 below)
    count = {kind: sum(e.kind == kind and (kind not in ("reply", "close") or e.notice in snap.notices) for e in week)
             for kind in ("progress", "verify", "notice", "reply", "close")}

    out = [f"# {md(camp.group)}工作周报（{rules.cn_date(today)}）", "",
           f"{md(camp.name)} · 截至{rules.cn_date(today)}", "",
           *([f"> **注意**：生成本周报时{md(snap.left_out)}，以下数字可能不完整；请推进组办公室运行 cc validate "
              "查看并修正。", ""] if snap.left_out else []),
           line(f"- 总体情况：{reports.summary_text(summary)}"),
           f"- 本周动态：进度报送{count['progress']}条，验收销号{count['verify']}项，新发督办通知{count['notice']}份，"
           f"收到整改反馈{count['reply']}份，督办销号{count['close']}份",
           *_problem_line(snap, first),
           "",
           f"## 本周进展（{rules.cn_date(first)}—{rules.cn_date(today)}）", ""]
    out += _progress_section(snap, first) + [""]
    out += _verify_section(snap, week) + [""]
    out += _assign_section(snap, week) + [""]
    voids = _void_section(snap, first)
    if voids:
        out += voids + [""]
    out += _lagging_section(snap) + [""]
    out += _notice_section(snap, first) + [""]
    out += _problem_section(snap, first) + [""]
    out += _queue_section(snap) + [""]
    out += _escalation_section(snap, first) + [""]
    out += _next_week_section(snap)
    return "\n".join(out) + "\n"
