"""Rows for status / units / show / history, computed from a Snapshot; plain data, no rich."""

from __future__ import annotations


import dataclasses
import datetime as dt
from typing import Iterator

from ..domain import models, problemlist, rules, views
from ..diagnostics import UsageError, did_you_mean


# ------------------------------------------------------------------ lookups


def resolve_unit(project: models.Project, text: str, several: str = "请每次写一个单位。") -> models.Unit:
    """A unit by id, full name or short name (市民政局, 民政局, mzj); in Chinese quotes or with a
    comma after it as typed in a Chinese input method (“人社局”, 人社局，) too. several: what to
    do instead when several units were written in one (a command with --co says to use it)."""
    key = _bare(text)
    for unit in project.units:  # an id first: a name that is another unit's id is an error (checks.py)
        if key == unit.id:
            return unit
    for unit in project.units:
        if key == unit.name or key in unit.short_names:
            return unit
    import re

    squeezed = re.sub(r"\s+", "", key)  # 市人力资源 和社会保障局: a space inside a name means nothing
    if squeezed and squeezed != key:
        try:
            return resolve_unit(project, squeezed, several)
        except UsageError:
            pass  # 人社局 住建局: two units, said below
    lowered = key.lower()
    matches = [u for u in project.units
               if u.id == lowered or (key and (key in u.name or any(key in s for s in u.short_names)))]
    if len(matches) == 1:
        return matches[0]
    names = {u.id: u.name for u in project.units}
    candidates = [u.id for u in project.units] + [u.name for u in project.units] + \
        [s for u in project.units for s in u.short_names]
    hint = did_you_mean(key, candidates, names) or "运行 cc units 查看所有单位。"
    if len(matches) > 1:
        hint = "可能是：" + "、".join(u.name for u in matches) + "，请写全称。"
    parts = [p for p in re.split(r"[,，、;；/\s]+", key) if p]
    if len(parts) > 1 and not matches:  # --unit 人社局,住建局: several units where one belongs
        named = []
        for part in parts:
            try:
                named.append(resolve_unit(project, part).name)
            except UsageError:
                break
        else:
            hint = f"一次只能写一个单位，这里写了 {len(named)} 个（{'、'.join(named)}）；{several}"
    task = next((t for t in project.plan.tasks if t.id.upper() == key.upper()), None)
    if task is not None and not matches:  # --unit T09: a task where a unit belongs
        hint = (f"{task.id} 是任务编号（{task.label}）；查看这项任务用 cc show {task.id}，"
                f"它的责任单位：" + "、".join(project.unit_label(u) for u in task.units) + "。")
    from ..textguard import quoted

    raise UsageError(f"找不到单位{quoted(text)}", hint)


def _numbered(item: str) -> tuple[str, str] | None:
    """("RW", "5") for RW05, ("", "1.1") for 1.1: a letter prefix and the number without zero padding."""
    import re

    m = re.fullmatch(r"([A-Za-z_]*)-?(\d+(?:[.-]\d+)*)", item)
    return (m[1].upper(), re.sub(r"(?<!\d)0+(?=\d)", "", m[2])) if m else None


def _resolve_id(ids: list[str], text: str) -> tuple[str | None, list[str]]:
    """(the id text names, or None; the ids it could mean when it names several).

    Exact, then ignoring case, then by number in whatever scheme the plan uses: 13 → T13, RW13
    or 13; rw5 → RW05; a bare number that several prefixes share is ambiguous."""
    import unicodedata

    key = unicodedata.normalize("NFKC", text).strip()
    by_upper = {i.upper(): i for i in ids}
    if key in ids:
        return key, []
    if key.upper() in by_upper:
        return by_upper[key.upper()], []
    wanted = _numbered(key)
    if wanted is None:
        return None, []
    hits = [i for i in ids if (n := _numbered(i)) and n[1] == wanted[1] and wanted[0] in ("", n[0])]
    return (hits[0], []) if len(hits) == 1 else (None, hits)


# Around a name typed in a Chinese input method: its quotes, and the punctuation typed after it.
_QUOTES = "“”‘’「」『』《》\"'"
_AFTER = "，。、；：,.;:！!？?"


def _bare(text: str) -> str:
    """text as a unit or task is looked up: without quotes, a trailing comma, spaces, or invisible
    format characters copied along from a chat (textguard.unmarked: 人社\u200b局 is 人社局)."""
    from ..textguard import unmarked

    return unmarked(text).strip().strip(_QUOTES).strip().rstrip(_AFTER).strip()


def resolve_task(project: models.Project, text: str) -> models.Task:
    """A task by id (T05, t05), or by its number alone in whatever scheme the plan uses (5, 05);
    a task's title or part of it is not taken, but named in the hint (cc verify 根治欠薪)."""
    key = _bare(text) or text
    found, several = _resolve_id(list(project.tasks_by_id), key)
    if found is None:
        titled = [t for t in project.plan.tasks if len(key) >= 2 and key in f"{t.title}{t.short_title or ''}"]
        if titled and not several:
            hint = ("任务要写编号：" + "、".join(f"{t.id}（{t.label}）" for t in titled[:5])
                    + ("等" if len(titled) > 5 else "") + "。")
        else:
            hint = ("可能是：" + "、".join(several) + "，请写完整编号。" if several else
                    did_you_mean(key, project.tasks_by_id) or "运行 cc status 查看所有任务。")
        if not titled and not several:  # cc show 人社局: a unit where a task belongs
            try:
                unit = resolve_unit(project, text)
            except UsageError:
                unit = None
            if unit is not None:
                short = project.unit_short(unit.id)
                hint = (f"“{short}”是单位（{unit.name}），不是任务编号；查看它的任务用 cc status --unit {short}，"
                        f"它的督办、问题等用 cc units --unit {short}。")
        from ..textguard import quoted

        raise UsageError(f"找不到任务{quoted(text)}", hint)
    return project.tasks_by_id[found]


def resolve_indicator(project: models.Project, text: str) -> models.Indicator:
    key = text.strip()
    for ind in project.plan.indicators:
        if key == ind.name:
            return ind
    found, several = _resolve_id([i.id for i in project.plan.indicators], key)
    for ind in project.plan.indicators:
        if ind.id == found:
            return ind
    raise UsageError(f'找不到创建指标 "{text}"',
                     did_you_mean(key, [i.id for i in project.plan.indicators] + [i.name for i in project.plan.indicators])
                     or "已有指标：" + "、".join(f"{i.id}（{i.name}）" for i in project.plan.indicators))


# ------------------------------------------------------------------- status


def _assignee(st: rules.TaskState, unit_id: str) -> str:
    a = st.assignments.get(unit_id)
    return f"{a.section}/{a.person}" if a else ""


def status_rows(snap: rules.Snapshot, unit: str | None = None, indicator: str | None = None,
                light: str | None = None) -> list[dict]:
    """One row per task, in plan order; filters take resolved ids."""
    project = snap.project
    indicators = {i.id: i for i in project.plan.indicators}
    rows = []
    for st in snap.tasks:
        task = st.task
        lead_state = snap.units[task.lead]
        rows.append({
            "id": task.id,
            "indicator": task.indicator,
            "indicator_name": indicators[task.indicator].name,
            "title": task.title,
            "short_title": task.label,
            "units": [project.unit_label(u) for u in task.units],
            "lead": project.unit_short(task.lead),
            "co_units": [project.unit_short(u) for u in task.co_units],
            "lead_id": task.lead,  # the units' ids, as cc units --json gives them (names change, ids do not)
            "co_unit_ids": list(task.co_units),
            "assignee": _assignee(st, task.lead),
            "percent": st.percent,
            "expected_percent": st.expected,
            "light": st.light,
            "reasons": list(st.reasons),
            "last_report": st.last_report.isoformat() if st.last_report else None,
            "deadline": task.deadline.isoformat(),  # its 完成时限, as the plan says
            # the deadline in force: a later 重办期限 when sent back in time (rework), else the 完成时限
            # or the working day after it when it is a rest day (rules.falls_due)
            "due": st.deadline.isoformat(),
            "rework": st.reworking,
            "notice_count": lead_state.notice_count,
            "escalated": lead_state.escalated,
            # red or yellow only for what co-units answer for (their notices, their problems): the
            # lead unit is named with （非本单位原因）, as the weekly report and leaders' page do
            "not_lead_s_cause": st.light in (rules.RED, rules.YELLOW) and not rules.own_gaps(st, task.lead, snap.today),
            # the lead unit's own light on it (rules.unit_light): a red task may be yellow for the
            # lead, the rest being co-units' (views.cause_prefix says so before the reasons)
            "lead_light": rules.unit_light(st, task.lead, snap.today, project.plan.policy.problem_red),
            # each co-unit's own: what status --unit shows for it in place of the lead unit's
            # (light: the co-unit's own light on it, rules.unit_light, None when it answers for none)
            "co_unit_views": [{"unit": project.unit_label(u), "short": project.unit_short(u), "assignee": _assignee(st, u),
                               "notice_count": snap.units[u].notice_count, "escalated": snap.units[u].escalated,
                               "light": rules.unit_light(st, u, snap.today, project.plan.policy.problem_red)}
                              for u in task.co_units],
        })
    unit_name = project.unit_label(unit) if unit else None
    return views.filter_rows(rows, unit_name, indicator, light)


def notice_deadline(ns: rules.NoticeState) -> str:
    """The 整改期限 in force: after a 退回整改, the new one (what 超期 is counted from), the first
    one named beside it."""
    text = views.cn_date(ns.deadline)
    if ns.deadline != ns.notice.deadline:
        text += f"（退回后；原{views.cn_date(ns.notice.deadline)}）"
    return text


def summary_base(snap: rules.Snapshot) -> dict:
    camp = snap.project.plan.campaign
    return {
        "as_of": snap.today.isoformat(),
        "campaign": camp.name,
        "group": camp.group,
        "days_left": snap.days_left,
        "campaign_start": camp.start.isoformat(),
        "campaign_end": camp.end.isoformat(),
        "escalated_units": [
            # date: the latest, as before; dates: every report (a unit reported twice showed once)
            {"unit": us.unit.name, "date": us.escalations[-1].date.isoformat(),
             "dates": [e.date.isoformat() for e in us.escalations]}
            for us in snap.units.values() if us.escalated
        ],
        "lead_unit": snap.project.unit_label(camp.lead_unit),
        "lead_queue": queue_rows(snap),
        "problems": problem_counts(snap),
        "unit_problems": {us.unit.name: _counts(*unit_tallies(snap)[uid]) for uid, us in snap.units.items()
                          if us.problems or us.settled},
        # overdue or 返工 problems on no open task (kept for readers of --json)
        "unit_problem_gaps": [{"unit": snap.project.unit_short(us.unit.id), "unit_name": us.unit.name,
                               "light": us.problem_light, "gaps": [ps.gap(snap.today) for ps in us.problem_gaps]}
                              for us in snap.units.values() if us.problem_gaps],
        "unit_gaps": unit_gaps(snap),
        "unit_todo": unit_todo(snap),
    }


TODO_LIMIT = 10  # a unit's to-do items kept for status --unit: the nearest deadlines first


def unit_todo(snap: rules.Snapshot, limit: int = TODO_LIMIT) -> dict:
    """unit name → what the unit itself has to answer and by when (status --unit): its notices
    waiting for a reply (整改中, 退回整改中) and its problems waiting for a fix (整改中, 返工), the
    nearest deadlines first, at most `limit` of them and how many more. What waits for the lead
    unit (a reply to review, a fix to 复查) is not the unit's to do."""
    import heapq

    today = snap.today
    out = {}
    for us in snap.units.values():
        # (deadline, notice first, ref, state): only the nearest `limit` are made into rows (a
        # city's unit may have hundreds of open problems; the view keeps ten)
        found = [(ns.deadline, 0, ns.notice.ref, ns) for ns in us.notices if ns.is_open and ns.pending is None]
        found += [(ps.deadline, 1, ps.id, ps) for ps in us.problems
                  if ps.pending is None and ps.closed_on is None and ps.deadline is not None]
        if not found:
            continue
        items = []
        for deadline, is_problem, ref, state in heapq.nsmallest(limit, found, key=lambda c: c[:3]):
            if is_problem:
                items.append({"kind": "problem", "subject": f"问题{state.label}", "ref": ref,
                              "deadline": deadline.isoformat(), "overdue": state.overdue_days(today),
                              "state": "返工整改中" if state.in_rework else "整改中"})
            else:
                items.append({"kind": "notice", "subject": state.notice.doc_no, "ref": ref,
                              "deadline": deadline.isoformat(), "overdue": state.overdue_days(today),
                              "state": "退回整改中" if state.rejects else "整改中"})
        out[us.unit.name] = {"items": items, "more": max(len(found) - limit, 0)}
    return out


def unit_gaps(snap: rules.Snapshot) -> list[dict]:
    """What no open task shows, by unit: late notices all of whose tasks are done, overdue or 返工
    problems on no open task. Shown under 需要关注 in the unit's own row."""
    return [{"unit": snap.project.unit_short(us.unit.id), "unit_name": us.unit.name, "light": us.own_light,
             "gaps": us.own_gaps(snap.today)}
            for us in snap.units.values() if us.problem_gaps or us.notice_gaps]


def problem_counts(snap: rules.Snapshot) -> dict:
    """The problems line of cc status: open (overdue among them), awaiting 复查, closed, and this
    week's (the 7 days ending today) new and closed ones: the sum of the units' tallies, which
    status wants anyway (every problem is one unit's: rules.Fold files it under its unit), rather
    than a second pass over a city's list, the problems 销号 the store counts (Settled) included."""
    tallies = unit_tallies(snap).values()
    names = [f.name for f in dataclasses.fields(problemlist.Rates)]
    total = problemlist.Rates(*(sum(getattr(r, name) for r, _, _ in tallies) for name in names))
    return _counts(total, sum(found for _, found, _ in tallies), sum(ended for _, _, ended in tallies))


def _counts(r: problemlist.Rates, found: int, ended: int) -> dict:
    return {"total": r.total, "open": r.open, "overdue": r.overdue, "fixed": r.fixed, "closed": r.closed,
            "new_this_week": found, "closed_this_week": ended}


def unit_tallies(snap: rules.Snapshot) -> dict:
    """unit id → problemlist.tally of its problems over the week ending today: summary_base and
    unit_rows both want it of each unit (a city's problem list is tens of thousands), so it is
    worked out once per snapshot."""
    found = snap.memo.get("unit_tallies")
    if found is None:
        first = snap.today - dt.timedelta(days=6)
        found = snap.memo["unit_tallies"] = {uid: problemlist.tally(us.problems, snap.today, first, us.settled)
                                             for uid, us in snap.units.items()}
    return found


def queue_rows(snap: rules.Snapshot) -> list[dict]:
    """The lead unit's pending work (rules.lead_queue) as plain rows."""
    return [{
        "kind": q.kind,
        "kind_name": rules.QUEUE_NAMES[q.kind],
        "unit": snap.project.unit_short(q.unit),
        "unit_name": snap.project.unit_label(q.unit),
        "subject": q.subject,
        "ref": q.ref,
        "since": q.since.isoformat(),
        "days": q.days,
        "overdue": q.overdue,
        "late": q.late,
    } for q in snap.queue]


def status_summary(snap: rules.Snapshot, rows: list[dict]) -> dict:
    return views.summarize(rows, summary_base(snap))


summary_text = views.summary_text  # re-exported: reports are where callers look for it


def lookup_table(project: models.Project) -> dict:
    """Names a user may type for units and indicators, for the cached fast path."""
    return {
        "units": {u.id: [u.id, u.name, *u.short_names] for u in project.units},
        "unit_names": {u.id: u.name for u in project.units},
        "indicators": {i.id: [i.id, i.name] for i in project.plan.indicators},
    }


# -------------------------------------------------------------------- units


def unit_rows(snap: rules.Snapshot) -> list[dict]:
    rows = []
    for us in snap.units.values():
        u = us.unit
        rows.append({
            "id": u.id,
            "name": u.name,
            "short_name": snap.project.unit_short(u.id),
            "led": list(us.led),
            "co": list(us.co),
            "done": us.done,
            "lagging": us.lagging,
            "notice_count": us.notice_count,
            "open_notices": us.open_notices,
            "pending_review": us.pending_review,
            "escalated": us.escalated,
            "escalated_on": us.escalations[-1].date.isoformat() if us.escalated else None,
            "escalation_count": len(us.escalations),
            "escalation_dates": [e.date.isoformat() for e in us.escalations],
            "problems": _unit_problem_rates(unit_tallies(snap)[us.unit.id][0]),
            "problem_light": us.problem_light,
            "problem_gaps": [ps.gap(snap.today) for ps in us.problem_gaps],
            "head": u.head.name,
            "liaison": u.liaison.name,
            "liaison_phone": u.liaison.phone,
        })
    return rows


def _unit_problem_rates(r: problemlist.Rates) -> dict:
    return {"total": r.total, "closed": r.closed, "overdue": r.overdue, "close_rate": r.close_rate,
            "on_time_rate": r.on_time_rate, "rework_rate": r.rework_rate, "extension_rate": r.extension_rate}


# ----------------------------------------------------------------- problems


REWORK, OVERDUE = "rework", "overdue"  # filters on what the list shows, not statuses of their own
# The words --status takes: every word the list and cc problem show write in the 状态 column
# (返工中 is a problem 整改中 again after a failed 复查; 逾期 one past its 期限, as --overdue).
PROBLEM_STATUS_KEYS = {"open": problemlist.OPEN, "整改中": problemlist.OPEN, "未整改": problemlist.OPEN,
                       "fixed": problemlist.FIXED, "待复查": problemlist.FIXED, "已报整改完成": problemlist.FIXED,
                       "closed": problemlist.CLOSED, "已销号": problemlist.CLOSED, "销号": problemlist.CLOSED,
                       "rework": REWORK, "返工中": REWORK, "返工整改中": REWORK, "返工": REWORK,
                       "overdue": OVERDUE, "逾期": OVERDUE, "已逾期": OVERDUE, "逾期未整改": OVERDUE}
STATUS_WORDS = "整改中（open，含返工中）、返工中（rework）、待复查（fixed）、已销号（closed）、逾期（overdue，同 --overdue）"


def problem_status_key(text: str) -> str:
    """The --status filter a word names: open, fixed, closed, or rework / overdue (problem_rows)."""
    said = "".join(text.split())
    key = PROBLEM_STATUS_KEYS.get(said.lower()) or PROBLEM_STATUS_KEYS.get(said)
    if key is None:
        raise UsageError(f"未知的问题状态：{text}", f"可选：{STATUS_WORDS}。")
    return key


def problem_source_key(text: str) -> str:
    from ..textguard import unmarked

    key = unmarked(text).strip()
    if key in models.PROBLEM_SOURCES:
        return key
    hits = [s for s in models.PROBLEM_SOURCES if key and key in s]  # 测评 → 测评反馈; never 暗访x → 暗访
    if len(hits) == 1:
        return hits[0]
    # 督察 for 督查, 自检 for 自查 …: a homophone or the word a sheet uses (store/sheets.py reads them
    # in a 来源 cell); asked about, not taken: the source decides who may record the problem
    from ..store.sheets import _source

    likely = _source(key)
    hint = f'是否为 "{likely}"？' if likely else did_you_mean(key, models.PROBLEM_SOURCES)
    raise UsageError(f"未知的问题来源：{text}", hint + "可选：" + "、".join(models.PROBLEM_SOURCES))


def problem_row(snap: rules.Snapshot, ps: problemlist.ProblemState) -> dict:
    project, p, today = snap.project, ps.problem, snap.today
    return {
        "id": ps.id,
        "date": p.date.isoformat(),
        "source": p.source,
        "found": p.found.isoformat(),
        "found_by": p.found_by,
        "place": p.place,
        "desc": p.desc,
        "unit": project.unit_short(p.unit),
        "unit_name": project.unit_label(p.unit),
        "co_units": [project.unit_short(u) for u in p.co_units],
        "unit_id": p.unit,  # the units' ids, as cc units --json gives them
        "co_unit_ids": list(p.co_units),
        "task": p.task,
        "mode": p.mode,
        "deadline": ps.deadline.isoformat(),
        "first_deadline": p.deadline.isoformat(),
        "status": ps.status,
        "status_name": problemlist.STATUS_NAMES[ps.status],
        "status_text": ps.status_text(today),
        "overdue_days": ps.overdue_days(today),
        "reworked": len(ps.failed),
        "extended": len(ps.extensions),
        "fixed_on": ps.pending.date.isoformat() if ps.pending is not None else None,
        "closed_on": ps.closed.date.isoformat() if ps.closed is not None else None,
        "on_time": ps.on_time if ps.closed is not None else None,
        "gap": ps.gap(today),
        "origin": p.origin,
    }


def problem_rows(snap: rules.Snapshot, unit: str | None = None, task: str | None = None,
                 source: str | None = None, status: str | None = None, overdue: bool = False) -> list[dict]:
    """The problems recorded by today, not voided, in id order; filters take resolved values."""
    out = []
    for ps in snap.problems.values():
        if unit and ps.unit != unit and unit not in ps.problem.co_units:
            continue
        if task and ps.task != task:
            continue
        if source and ps.problem.source != source:
            continue
        if status == REWORK:
            if not ps.in_rework:
                continue
        elif status == OVERDUE:
            if not ps.overdue_days(snap.today):
                continue
        elif status and ps.status != status:
            continue
        if overdue and not ps.overdue_days(snap.today):
            continue
        out.append(problem_row(snap, ps))
    return out


def problem_detail(snap: rules.Snapshot, ps: problemlist.ProblemState) -> dict:
    project = snap.project
    history = []
    for e in ps.history:
        void = snap.voided.get(e.id)
        text = describe_entry(project, e)
        if void is not None:
            text = f"【已作废：{clause(void.reason)}（{views.cn_date(void.date)}，{void.by}）】{text}"
        late = rules.backfill_late(e.date, e.at, project.plan.policy.backfill_days)  # a 补录, as cc history marks it
        history.append({"id": e.id, "date": e.date.isoformat(), "kind": e.kind,
                        "kind_name": models.ENTRY_KIND_NAMES[e.kind] + ("（补录）" if late else ""), "backfill": late,
                        "unit": project.unit_short(ps.unit),
                        "tasks": [ps.task] if ps.task else [], "by": e.by, "text": text,
                        "voided": void is not None, "void_reason": void.reason if void is not None else ""})
    task = project.task(ps.task) if ps.task else None
    return {**problem_row(snap, ps), "task_title": task.label if task else "", "plan": ps.problem.plan,
            "evidence": len(ps.problem.evidence), "history": history}


# --------------------------------------------------------------------- show


def clause(text: str) -> str:
    """A sentence ready to be joined with "；"."""
    return text.rstrip("。；; ")


def progress_details(e) -> list[str]:
    """What a progress report says besides its note: 自查问题, 更正原因, 佐证材料."""
    parts = []
    if e.problem:
        parts.append(f"自查问题：{clause(e.problem)}")
    if e.correction:
        parts.append(f"更正原因：{clause(e.correction)}")
    if e.evidence:
        parts.append(f"佐证材料{len(e.evidence)}件")
    return parts


def _rework_due(project: models.Project, e) -> str:
    """What a reopen's 重办期限 is to the task: none (a late 办结报告 keeps its lateness), or the one
    recorded, said to count for nothing when it is earlier than the task's own 完成时限 (the later
    stands: rules.rework_deadline; a fresh-eyes try read 重办期限7月17日 in the trail of a task due
    10月7日, not late after it)."""
    if e.deadline is None:
        return ""
    said = f"，重办期限{views.cn_date(e.deadline)}"
    task = project.task(e.task)
    if task is None:
        return said
    own = rules.falls_due(task.deadline)
    if e.deadline >= own:
        return said
    if own == task.deadline:
        return said + f"（早于完成时限{views.cn_date(own)}，按完成时限）"
    return said + (f"（早于完成时限，按完成时限：{views.cn_date(task.deadline)}为休息日，"
                   f"顺延至{views.cn_date(own)}）")


def describe_entry(project: models.Project, e) -> str:
    """One line of Chinese saying what an entry records (the unit is shown beside it)."""
    k = e.kind
    if k == "assign":
        return f"分解到{e.section}，责任人{e.person}" + (f"（{e.phone}）" if e.phone else "")
    if k == "progress":
        return "；".join([f"报送进度{e.percent}%：{clause(e.note)}", *progress_details(e)])
    if k == "verify":
        return "验收销号" + (f"：{clause(e.note)}" if e.note else "")
    if k == "reopen":  # the 重办期限 as recorded (it counts only for a 办结报告 that came in time)
        return "退回重办" + _rework_due(project, e) + f"：{clause(e.reason)}"
    if k == "notice":
        parts = [f"{e.doc_no}，第{e.seq}次督办（{e.level}），整改期限{views.cn_date(e.deadline)}"]
        parts += [clause(g) for g in e.gaps]
        if e.reason:
            parts.append(clause(e.reason))
        if e.forced:
            parts.append("强制督办（上一份督办通知尚未办结）")
        return "；".join(parts)
    if k == "reply":
        return f"对{_notice_no(project, e.notice)}整改反馈：{clause(e.note)}" + _evidence_count(e)
    if k == "close":
        return f"{_notice_no(project, e.notice)}销号" + (f"：{clause(e.note)}" if e.note else "")
    if k == "reject":
        return f"{_notice_no(project, e.notice)}退回整改，新的整改期限{views.cn_date(e.deadline)}：{clause(e.note)}"
    if k == "escalate":
        return (f"累计督办{len(e.notices)}次，报告市领导" + (f"（{e.doc_no}）" if e.doc_no else "")
                + (f"：{clause(e.note)}" if e.note else ""))
    if k == "problem":
        where = f"{e.place}：{clause(e.desc)}"
        return (f"{e.problem}（{e.source}，{views.cn_date(e.found)}发现）{where}；{e.mode}，"
                f"整改期限{views.cn_date(e.deadline)}" + _evidence_count(e))
    if k == "fix":
        return f"{e.problem}整改完成：{clause(e.note)}" + _evidence_count(e)
    if k == "recheck":
        if e.passed:
            return f"{e.problem}复查通过，销号：{clause(e.note)}"
        return f"{e.problem}复查未通过，返工，新的整改期限{views.cn_date(e.deadline)}：{clause(e.note)}"
    if k == "extend":
        return f"{e.problem}延期至{views.cn_date(e.deadline)}：{clause(e.reason)}"
    if k == "void":
        return f"作废记录 {e.entry}：{clause(e.reason)}"
    return k


def _evidence_count(e) -> str:
    """"；佐证材料2件" after what an entry with evidence (a reply, a problem, a fix) says, or ""."""
    return f"；佐证材料{len(e.evidence)}件" if e.evidence else ""


def _notice_no(project: models.Project, ref: str) -> str:
    return project.notice_numbers.get(ref, ref)


def history_rows(snap: rules.Snapshot, unit: str | None = None, task: str | None = None,
                 kinds: tuple[str, ...] | None = None, notice: str | None = None) -> list[dict]:
    """Every entry up to the day (of kinds, when given), voided ones included and marked, with its
    id (for cc void). notice: a 督办通知's ref (2023-4): its own trail alone (see notice_refs)."""
    return list(iter_history_rows(snap, unit, task, kinds, notice))


def notice_refs(e, by_id: dict) -> tuple[str, ...]:
    """The refs of the 督办通知 an entry belongs to the trail of: a notice its own, a reply, reject
    or close the one it answers, a 报告市领导 the notices it reports, a void those of what it voids
    (through voids of voids)."""
    seen = set()
    while e.kind == "void" and e.id not in seen:
        seen.add(e.id)
        e = by_id.get(e.entry)
        if e is None:
            return ()
    if e.kind == "notice":
        return (e.ref,)
    if e.kind in ("reply", "reject", "close"):
        return (e.notice,)
    if e.kind == "escalate":
        return tuple(e.notices)
    return ()


def iter_history_rows(snap: rules.Snapshot, unit: str | None = None, task: str | None = None,
                      kinds: tuple[str, ...] | None = None, notice: str | None = None) -> Iterator[dict]:
    """history_rows one at a time: a city's 158,000 rows need not all be held at once."""
    project = snap.project
    by_ref: dict = {}
    for e in project.journal:  # voided notices too: their replies still need a unit and tasks
        if e.kind == "notice" and (e.ref not in by_ref or e.id not in snap.voided):
            by_ref[e.ref] = e
    by_id = {e.id: e for e in snap.entries} if any(e.kind == "void" for e in snap.entries) else {}
    problems = {}  # problem id → its (first) 交办 entry, voided ones too
    for e in snap.entries:
        if e.kind == "problem" and (e.problem not in problems
                                    or (problems[e.problem].id in snap.voided and e.id not in snap.voided)):
            problems[e.problem] = e

    def about(e):
        """The unit and tasks an entry concerns (a void: those of what it voids)."""
        if e.kind == "void":  # through a chain of voids of voids to what they are about (by cc history --unit)
            target, seen = by_id.get(e.entry), {e.id}
            while target is not None and target.kind == "void" and target.id not in seen:
                seen.add(target.id)
                target = by_id.get(target.entry)
            return about(target) if target is not None and target.kind != "void" else (None, [])
        if e.kind in problemlist.PROBLEM_KINDS:
            p = problems.get(e.problem)
            return (p.unit, [p.task] if p.task else []) if p is not None else (None, [])
        ref = getattr(e, "notice", "")
        e_unit = getattr(e, "unit", None) or (by_ref[ref].unit if ref in by_ref else None)
        if hasattr(e, "task"):
            return e_unit, [e.task]
        if e.kind == "notice":
            return e_unit, list(e.tasks)
        return e_unit, list(by_ref[ref].tasks) if ref in by_ref else []

    backfill_days = project.plan.policy.backfill_days
    for e in snap.entries:
        e_unit, e_tasks = about(e)
        if unit:
            on_task = any(unit in project.tasks_by_id[t].units for t in e_tasks if t in project.tasks_by_id)
            if e_unit != unit and not (e.kind in ("verify", "reopen") and on_task):
                continue
        if task and task not in e_tasks:
            continue
        if kinds and e.kind not in kinds:
            continue
        if notice and notice not in notice_refs(e, by_id):
            continue
        void = snap.voided.get(e.id)
        text = describe_entry(project, e)
        if void is not None:
            text = f"【已作废：{clause(void.reason)}（{views.cn_date(void.date)}，{void.by}）】{text}"
        late = rules.backfill_late(e.date, e.at, backfill_days)
        yield {
            "id": e.id,
            "date": e.date.isoformat(),
            "kind": e.kind,
            "kind_name": models.ENTRY_KIND_NAMES[e.kind] + ("（补录）" if late else ""),
            "backfill": late,  # days recorded after its date, when a 补录; else 0
            "unit": project.unit_short(e_unit) if e_unit else "",
            "tasks": e_tasks,
            "by": e.by,
            "text": text,
            "voided": void is not None,
            "void_reason": void.reason if void is not None else "",
        }


def task_detail(snap: rules.Snapshot, task_id: str) -> dict:
    project = snap.project
    st = snap.task(task_id)
    assert st is not None
    task = st.task
    ind = next(i for i in project.plan.indicators if i.id == task.indicator)
    row = status_rows(snap)[[t.task.id for t in snap.tasks].index(task_id)]
    return {
        **row,
        "indicator_name": ind.name,
        "requirement": task.requirement,
        "method": ind.method,
        "milestones": [{"date": m.date.isoformat(), "percent": m.percent} for m in task.milestones],
        "materials": list(task.materials),
        "assignments": [
            {"unit": project.unit_label(u), "section": a.section, "person": a.person, "phone": a.phone}
            for u, a in st.assignments.items()
        ],
        "history": history_rows(snap, task=task_id),
        "campaign_end": project.plan.campaign.end.isoformat(),
    }
