"""A fold of a whole journal (rules.Fold) kept in the store, so that a read after a pull applies
only the lines the pull added instead of reading every entry again.

What a fold holds is judged afresh each day (rules.finish), so one fold serves every day on or
after its journal's last entry date. It is kept beside the journal's state (state.py) under the
same plan key, with the length and digest of the journal bytes it folded, and is used only while
those bytes begin the journal the state describes: the state vouches that they and the entries
after them passed every check (catch_up checks what a pull adds). The fold names entries by
their position in the journal (the state's index), and
loading it reads just those lines again by the entry model: the objects are the journal's own,
never a copy that could drift from it. Nothing is pickled: the file is JSON, each value's type
checked as it is rebuilt; a damaged or foreign file is not used (a full read follows).

What a stored fold leaves out: the tasks' and problems' histories (history), the snapshot's
entries, the problems 销号 but as their units' counts (problemlist.Settled: a year's list is
tens of thousands, most of them 销号, and none of them changes again), and the notices 销号 but
as their units' counts (rules.UnitState.notices_closed: what status and units show of a notice
is settled by its 销号; only a void changes it again, and a void is read in full). Status and
units need no more; every other command reads the journal in full.
"""

from __future__ import annotations

import datetime as dt
import json

from . import state as store

FORMAT = 9  # 9: notices 销号 counted by unit (notices_closed); 8: problems 销号 counted by unit (settled); 7: journal digests are BLAKE3 (state.py); 3: its plan key inside; 4: a task's deadline in force after a reopen (due); 5: marks;
# 6: a problem's late_fixed
# A read stores the fold again once this many entries were applied after the stored one: storing
# a city's fold costs about as much as reading a few thousand entries again on each later read.
KEEP_AFTER = 2000
SETTLED_DAYS = 6  # a week's counts of problems recorded and 销号 end today and begin six days before


def _name(plan_key: str) -> str:
    return f"fold-{plan_key}.json"


def where(journal: list) -> dict:
    """id of each entry → its position, for a journal list in file order."""
    return {id(e): k for k, e in enumerate(journal)}


def dump(fold, pos: dict, count: int, size: int, digest: str, plan_key: str = "") -> bytes:
    """The fold as JSON; pos: id of each entry → its position in the journal of count entries,
    size bytes whose digest is given."""

    from ..domain import problemlist

    def at(e):
        return None if e is None else pos[id(e)]

    def day(d):
        return None if d is None else d.isoformat()

    def row(st):  # rules.FOLDED, entries by their position
        return [st.percent, day(st.last_report), st.reports, st.reported_complete, day(st.completed_on),
                day(st.verified_on), st.reopened, st.problem, [[unit, at(e)] for unit, e in st.assignments.items()],
                at(st.last_progress), at(st.last_reopen), day(st.due)]

    tasks = {tid: [*row(st), list(fold.last_task.get(tid, (0, 0)))] for tid, st in fold.states.items()}
    # a mark's parts not read since the fold was loaded (see read_marks) are kept as they were
    marks = {tid: [before if type(before) is list else row(before),
                   [e if type(e) is int else pos[id(e)] for e in since]]
             for tid, (before, since) in fold.marks.items()}
    # a notice 销号 is counted with its unit's others (UnitState.notices_closed): a city's record
    # of years holds thousands, each with its replies, rejects and close to read again
    notices = [[at(ns.notice), [at(r) for r in ns.replies], [at(r) for r in ns.rejects], at(ns.closed),
                ns.escalated, at(ns.pending), [[day(d), at(r), at(j)] for d, r, j in ns.rounds]]
               for ns in fold.notices.values() if ns.closed is None]
    units = {uid: [[ns.notice.ref for ns in us.notices if ns.closed is None], [at(e) for e in us.escalations],
                   us.notices_closed + sum(ns.closed is not None for ns in us.notices)]
             for uid, us in fold.units.items()}
    problems = []
    since = _settled_since(fold.last_date)
    settled = {uid: _regroup(us.settled, since) for uid, us in fold.units.items() if us.settled is not None}
    for ps in fold.problems.values():
        if ps.closed_on is not None:  # 销号: counted with the unit's others (problemlist.Settled)
            group = settled.get(ps.unit)
            if group is None:
                group = settled[ps.unit] = problemlist.Settled(since=since)
            group.add(ps)
        else:
            problems.append([at(ps.problem), [at(e) for e in ps.fixes], [at(e) for e in ps.rechecks],
                             [at(e) for e in ps.extensions], at(ps.pending), day(ps.pending_deadline),
                             day(ps.deadline), ps.on_time, ps.reworked, ps.rechecked, ps.extended, ps.late_fixed])
    doc = {"format": FORMAT, "key": plan_key, "digest": digest, "count": fold.count, "entries": count, "size": size,
           "last_date": day(fold.last_date), "last_family": list(fold.last_family), "tasks": tasks,
           "cut": day(fold.cut), "marks": marks,
           "notices": notices, "units": units, "problems": problems,
           "settled": {uid: [g.total, g.on_time, g.reworked, g.rechecked, g.extended, day(g.since),
                             [d.isoformat() for d in g.recorded], [d.isoformat() for d in g.closed]]
                       for uid, g in settled.items()},
           "voided": [[k, at(v)] for k, v in fold.voided.items()]}
    body = json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return store.signed(body)


def _settled_since(last_date: dt.date | None) -> dt.date | None:
    """From which day a stored fold keeps the days its 销号 problems were recorded and closed: a
    fold serves no day before last_date, and a week's counts look back six days (rows.unit_tallies)."""
    if last_date is None:
        return None
    return last_date - dt.timedelta(days=SETTLED_DAYS) if last_date.toordinal() > SETTLED_DAYS else dt.date.min


def _regroup(group, since: dt.date | None):
    """A copy of a unit's Settled with its days from since on."""
    from ..domain import problemlist

    keep = (lambda d: True) if since is None else (lambda d: d >= since)
    return problemlist.Settled(group.total, group.on_time, group.reworked, group.rechecked, group.extended, since,
                               [d for d in group.recorded if keep(d)], [d for d in group.closed if keep(d)])


def keep(root, plan_key: str, fold, pos: dict, count: int, size: int, digest: str) -> None:
    """Store the fold of the journal whose first size bytes have digest (best effort, like every
    store file)."""
    try:
        payload = dump(fold, pos, count, size, digest, plan_key)
    except KeyError:  # an entry the journal does not hold: not a fold of these entries
        return
    store.store_bytes(root, _name(plan_key), payload, prune="fold-", keep=store.KEEP_STATES)


def load_doc(root, plan_key: str) -> dict | None:
    """The stored fold's JSON, or None (missing, damaged, of another format)."""
    doc = store.read_signed(root, _name(plan_key))
    if type(doc) is not dict or doc.get("format") != FORMAT or type(doc.get("digest")) is not str \
            or doc.get("key") != plan_key:  # another folder's fold, copied or renamed
        return None
    return doc


def positions(doc: dict, typed_count: int) -> list[int]:
    """Every journal position the fold names, sorted; typed_count: how many entries the journal has."""
    out: set[int] = set()
    for t in doc["tasks"].values():
        out.update(p for _, p in t[8])
        out.update(p for p in t[9:11] if p is not None)
    for n in doc["notices"]:
        out.add(n[0])
        out.update(n[1])
        out.update(n[2])
        out.update(p for p in (n[3], n[5]) if p is not None)
    for u in doc["units"].values():
        out.update(u[1])
    for p in doc["problems"]:
        out.add(p[0])
        for group in p[1:4]:
            out.update(group)
        if p[4] is not None:
            out.add(p[4])
    out.update(v for _, v in doc["voided"])
    if not all(type(k) is int for k in out):
        raise TypeError("position")
    wanted = sorted(out)
    if wanted and (wanted[0] < 0 or wanted[-1] >= typed_count):
        raise ValueError("position")
    return wanted


def read_entries(state, raw, wanted: list[int]) -> dict:
    """position → entry, the lines at those positions of raw (bytes or store.FileBytes) read by
    the entry model."""
    from . import loading

    offsets = state.offsets
    entries = loading._ENTRY_LIST.validate_lines(store.lines_at(raw, [offsets[k] for k in wanted]))
    return dict(zip(wanted, entries))


def typed(value, kind: type):
    if type(value) is not kind:
        raise TypeError(kind.__name__)
    return value


class _Reader:
    """A stored fold's values rebuilt: days (each day's date made once: a city's fold names a few
    hundred days tens of thousands of times) and entries by their position, of the kind named."""

    def __init__(self, entries: dict):
        self.entries = entries
        self.days: dict = {}

    def day(self, value):
        if value is None:
            return None
        found = self.days.get(value)
        if found is None:
            found = self.days[value] = dt.date.fromisoformat(typed(value, str))
        return found

    def entry(self, p, kind):
        if p is None:
            return None
        e = self.entries[p]
        if e.kind != kind:
            raise ValueError(kind)
        return e


def restore(doc: dict, plan, units: list, entries: dict):
    """The rules.Fold the JSON describes, over the plan and units its state holds; TypeError,
    ValueError or KeyError when the file does not fit them (the caller then reads in full)."""
    from ..domain import problemlist, rules

    reader = _Reader(entries)
    day, entry, days = reader.day, reader.entry, reader.days

    def moment(value):
        a, b = typed(value, list)
        return typed(a, int), typed(b, int)

    fold = rules.Fold(plan, units)
    tasks = typed(doc["tasks"], dict)
    if tasks.keys() != fold.states.keys():
        raise KeyError("tasks")
    for tid, row in tasks.items():
        *row, last = typed(row, list)
        _fill(fold.states[tid], row, day, entry)
        if last != [0, 0]:
            fold.last_task[tid] = moment(last)
    by_ref = {}
    for row in typed(doc["notices"], list):
        at, replies, rejects, closed, escalated, pending, rounds = typed(row, list)
        ns = rules.NoticeState(entry(at, "notice"))
        ns.replies = [entry(p, "reply") for p in typed(replies, list)]
        ns.rejects = [entry(p, "reject") for p in typed(rejects, list)]
        ns.closed, ns.escalated, ns.pending = entry(closed, "close"), typed(escalated, bool), entry(pending, "reply")
        ns.rounds = [(day(d), entry(r, "reply"), entry(j, "reject")) for d, r, j in typed(rounds, list)]
        if ns.closed is not None or ns.notice.ref in by_ref:  # dump writes each open notice once
            raise ValueError("notices")
        fold.notices[ns.notice.ref] = by_ref[ns.notice.ref] = ns
    units_doc = typed(doc["units"], dict)
    if units_doc.keys() != fold.units.keys():
        raise KeyError("units")
    for uid, (refs, escalations, closed) in units_doc.items():
        us = fold.units[uid]
        us.notices = [by_ref[typed(r, str)] for r in typed(refs, list)]
        us.escalations = [entry(p, "escalate") for p in typed(escalations, list)]
        us.notices_closed = typed(closed, int)
        if closed < 0 or any(ns.notice.unit != uid for ns in us.notices):
            raise ValueError("notices")
    # every open notice on its unit's list, once: a notice listed twice or on no list would be
    # counted twice or not at all (the 督办 count that reports a unit to 市领导)
    listed = [id(ns) for us in fold.units.values() for ns in us.notices]
    if len(listed) != len(by_ref) or len(set(listed)) != len(listed):
        raise ValueError("notices")
    for row in typed(doc["problems"], list):  # those not 销号
        at, fixes, rechecks, extensions, pending, pending_deadline, deadline, on_time, reworked, rechecked, \
            extended, late_fixed = typed(row, list)
        ps = problemlist.ProblemState(entry(at, "problem"))
        ps.history = []
        ps.fixes = [entry(p, "fix") for p in typed(fixes, list)]
        ps.rechecks = [entry(p, "recheck") for p in typed(rechecks, list)]
        ps.extensions = [entry(p, "extend") for p in typed(extensions, list)]
        ps.pending, ps.pending_deadline = entry(pending, "fix"), day(pending_deadline)
        ps.deadline, ps.on_time = day(deadline), typed(on_time, bool)
        ps.reworked, ps.rechecked, ps.extended = typed(reworked, bool), typed(rechecked, bool), typed(extended, bool)
        ps.late_fixed = typed(late_fixed, bool)
        if ps.deadline is None:
            raise ValueError("deadline")
        fold.problems[ps.id] = ps
        fold.units[ps.unit].problems.append(ps)
    fold.voided = {typed(k, str): entry(p, "void") for k, p in typed(doc["voided"], list)}
    fold.count = typed(doc["count"], int)
    fold.last_date = day(doc["last_date"])
    since = _settled_since(fold.last_date)
    for uid, row in typed(doc["settled"], dict).items():
        total, on_time, reworked, rechecked, extended, kept_since, recorded, closed = typed(row, list)
        counts = [typed(n, int) for n in (total, on_time, reworked, rechecked, extended)]
        kept_since, recorded, closed = day(kept_since), [day(d) for d in typed(recorded, list)], \
            [day(d) for d in typed(closed, list)]
        if not all(0 <= n <= total for n in counts) or not total or (kept_since is not None and (
                since is None or kept_since > since or any(d < kept_since for d in recorded + closed))) \
                or len(recorded) > total or len(closed) > total or None in recorded or None in closed:
            raise ValueError("settled")  # days it may be asked of were left out, or it is not counts
        fold.units[uid].settled = problemlist.Settled(*counts, kept_since, recorded, closed)
    fold.last_family = moment(doc["last_family"])
    fold.cut = day(doc["cut"])
    marks = typed(doc["marks"], dict)
    if fold.cut is None and marks:
        raise ValueError("marks")
    if fold.cut is not None and (fold.last_date is None or not 0 <= (fold.last_date - fold.cut).days
                                 <= 2 * rules.MARK_DAYS):  # as snapshot and _move_cut leave it
        raise ValueError("cut")
    for tid, mark in marks.items():
        if tid not in fold.states:
            raise KeyError("marks")
        before, since = typed(mark, list)
        if len(typed(before, list)) != len(rules.FOLDED) or not typed(since, list) \
                or not all(type(k) is int for k in since) or len(set(since)) != len(since):
            raise ValueError("mark")
        fold.marks[tid] = (before, since)  # read when used (read_marks): a pull needs a few
    return fold


def _fill(st, row: list, day, entry) -> None:
    """st's rules.FOLDED from a row of the stored fold (entries by position, read as entry reads
    them); ValueError when an entry it names is not one of the task's own."""
    (percent, last_report, reports, complete, completed_on, verified_on, reopened, problem, assigned,
     last_progress, last_reopen, due) = row
    st.percent, st.last_report, st.reports = typed(percent, int), day(last_report), typed(reports, int)
    st.reported_complete, st.completed_on = typed(complete, bool), day(completed_on)
    st.verified_on, st.reopened, st.problem = day(verified_on), typed(reopened, bool), typed(problem, str)
    st.assignments = {typed(u, str): entry(p, "assign") for u, p in typed(assigned, list)}
    st.last_progress, st.last_reopen = entry(last_progress, "progress"), entry(last_reopen, "reopen")
    st.due = day(due)
    tid = st.task.id
    if any(e.task != tid or e.unit != u for u, e in st.assignments.items()) \
            or any(e is not None and e.task != tid for e in (st.last_progress, st.last_reopen)):
        raise ValueError("task")


def _mark_positions(before, since: list, where: dict, whole: bool) -> list:
    """Journal positions a mark names: its entries since the cut and, whole, the entries its state
    holds (else only the two the checks read: its last progress report and reopen)."""
    out = [e if type(e) is int else where[id(e)] for e in since]
    if type(before) is list:
        named = [p for _, p in typed(before[8], list)] if whole else []
        named += before[9:11]
    else:
        named = [*before.assignments.values()] if whole else []
        named = [where[id(e)] for e in (*named, before.last_progress, before.last_reopen) if e is not None]
    out += [p for p in named if p is not None]
    if not all(type(p) is int for p in out):
        raise TypeError("position")
    return out


def read_marks(fold, tasks, state, raw: bytes, entries: dict) -> None:
    """Read the parts of these tasks' marks the store left unread (rules.Fold.marks): their
    states and entries since the cut, by the entry model; entries (position → entry) gains what
    is read. TypeError, ValueError, KeyError or IndexError when the stored fold names what the
    journal does not hold."""
    from ..domain import rules

    where = {id(e): k for k, e in entries.items()}
    wanted, todo = set(), []
    for tid in tasks:
        mark = fold.marks.get(tid)
        if mark is None or (type(mark[0]) is not list and all(type(e) is not int for e in mark[1])):
            continue
        todo.append(tid)
        wanted.update(_mark_positions(*mark, where, True))
    if not todo:
        return
    total = len(state.offsets)
    if any(not 0 <= k < total for k in wanted):
        raise IndexError("position")
    entries.update(read_entries(state, raw, sorted(k for k in wanted if k not in entries)))
    reader = _Reader(entries)
    for tid in todo:
        before, since = fold.marks[tid]
        if type(before) is list:
            st = rules.TaskState(fold.states[tid].task)
            _fill(st, before, reader.day, reader.entry)
            before = st
        since = [entries[e] if type(e) is int else e for e in since]
        if any(e.kind not in rules.TASK_KINDS or e.task != tid or e.date < fold.cut for e in since):
            raise ValueError("mark")
        fold.marks[tid] = (before, since)


def read(root, plan_key: str, raw: bytes, path, display: str, today: dt.date, state=None):
    """(fold, state) of the journal raw for a read as of today; None when the store cannot give
    it exactly (the caller then reads the journal in full).

    The stored fold may describe the state's journal or an earlier part of it (a write extends
    the state, not the fold): the entries after it, which the state vouches for, are applied
    first. Lines added after the state (a pull, a merge) are then checked by state.catch_up,
    against the few entries the fold names as what the checks need (witnesses) when it can,
    and applied. An entry that goes before some entries of its own task (a merge's earlier
    line) has its task folded again: from the task's mark (rules.Fold.marks) when it is dated on
    or after the fold's cut, else from all the task's entries; one that goes before a
    notice's or problem's entry, or a void, or a day before the journal's last entry (the fold
    holds every entry) means a full read. The state so extended is stored with the fold, once
    KEEP_AFTER entries were applied after the stored fold: until then the next read checks the few
    added lines again, cheaper than writing a city's state (and a write extends and stores it).
    state: the stored state, when the caller holds it (not read again); it is matched against raw
    like a loaded one."""
    if state is None:
        state = store.load_state(root, plan_key)
    how, h = store.matching(state, raw)
    if how is None:
        return None
    doc = load_doc(root, plan_key)
    if doc is None:
        return None
    total = len(state.offsets)
    try:
        count, size = typed(doc["entries"], int), typed(doc["size"], int)
        if not 0 <= count <= total or size > state.size or (count < total and state.offsets[count] < size):
            return None
        if (size, doc["digest"]) != (state.size, state.digest) and store.digest(raw, size) != doc["digest"]:
            return None
        entries = read_entries(state, raw, positions(doc, count) + list(range(count, total)))
        fold = restore(doc, state.plan, state.units, entries)
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return None
    except Exception:  # the entry model refused a line: not the journal the state describes
        return None
    if count < total and not _advance(fold, [entries[k] for k in range(count, total)], state, raw, entries):
        return None
    if how == "grown":
        where = {id(e): k for k, e in entries.items()}
        state = store.catch_up(state, raw, h, path, display, witness=lambda new: witnesses(fold, state, where, new),
                               known=entries)
        if state is None:
            return None
        new = state.added
        entries.update((total + n, e) for n, e in enumerate(new))
        if not _advance(fold, new, state, raw, entries):
            return None
        total = len(state.offsets)
    if fold.count != total:
        return None
    if total - count >= KEEP_AFTER:  # else the next read applies these few again, cheaper than storing
        if not _move_cut(fold, state, raw, entries):
            return None
        if how == "grown":  # the state the fold is kept against (a fold beyond the stored state is not used)
            store.store_state(root, plan_key, state)
        keep(root, plan_key, fold, {id(e): k for k, e in entries.items()}, total, state.size, state.digest)
    if fold.last_date is not None and fold.last_date > today:
        return None  # the fold holds entries dated after today: a full read leaves them out
    return fold, state


def _move_cut(fold, state, raw: bytes, entries: dict) -> bool:
    """Before the fold is stored again: its cut MARK_DAYS before its last entry date again, when it
    has fallen twice that far behind (so that marks stay a few days of entries); False when the
    marks named what the journal does not hold."""
    from ..domain import rules

    if fold.cut is None or fold.last_date is None or (fold.last_date - fold.cut).days <= 2 * rules.MARK_DAYS:
        return True
    try:
        read_marks(fold, list(fold.marks), state, raw, entries)
    except (TypeError, ValueError, KeyError, IndexError):
        return False
    except Exception:  # pragma: no cover - the state vouches for these very lines
        return False
    fold.move_cut(fold.last_date - dt.timedelta(days=rules.MARK_DAYS))
    return True


def _advance(fold, new: list, state, raw: bytes, entries: dict) -> bool:
    """Apply new (entries the state vouches for, at the journal's end) to the fold in journal
    order; False when only a full read can (see read). entries: position → entry, extended with
    what had to be read again."""
    from ..domain import rules

    if any(e.kind == "void" for e in new):
        # a void changes what came before it (a full read follows anyway), and what it voids is
        # checked by nothing: it may name a task, unit or notice the fold does not have
        return False
    again: dict = {}  # task → its added entries, when one goes before some of the task's own (a merge)
    for k in rules.journal_order(new):
        e = new[k]
        if e.kind in rules.TASK_KINDS and (e.task in again or not fold.takes_in_order(e)):
            again.setdefault(e.task, []).append(e)
            fold.count += 1  # applied below, with the rest of its task
            fold.last_date = max(fold.last_date or e.date, e.date)
        elif not fold.takes_in_order(e):
            return False  # a void, or a notice's or problem's entry out of order: read in full
        else:
            fold.apply(e)
    if not again:
        return True
    # from the task's mark when the added entries are all dated since the cut: its state before
    # the cut and its few entries since; else from all its entries
    marked = [t for t, added in again.items() if fold.can_refold_from_mark(t, added)]
    whole = [t for t in again if t not in marked]
    try:
        read_marks(fold, marked, state, raw, entries)
        mine = sorted(k for t in whole for k in state.by_task.get(t, ()))
        entries.update(read_entries(state, raw, [k for k in mine if k not in entries]))
    except (TypeError, ValueError, KeyError, IndexError):  # a stored mark that does not fit: read in full
        return False
    except Exception:  # pragma: no cover - the state vouches for these very lines
        return False
    for t in marked:
        fold.refold_from_mark(t, again[t])
    by_task: dict = {}
    for k in mine:
        by_task.setdefault(entries[k].task, []).append(entries[k])
    for t in whole:
        fold.refold_task(t, by_task.get(t, []))
    return True


def witnesses(fold, state, where: dict, new: list) -> list | None:
    """Positions of a slice that checks new exactly as the whole journal would, when new are
    entries of tasks only: for a task whose new entries come after all of its own, its last
    progress report that counts and a reopen that counts after it (checks.check_journal reads
    nothing else of a task's past for such an entry: the last percent, and whether the task
    stands reported complete); for a task with a new entry before some of its own, the same of
    its state at the fold's cut and its entries since (its mark), when all its new entries are
    dated since the cut, else all its entries; for a task with a new 验收, all its entries; and,
    for those, the voids. None when new hold anything else (catch_up then takes its whole slice)."""
    from ..domain import rules

    out: set = set()
    whole: dict = {}
    # a 验收 is checked against the one in force (checks: verify-twice), which neither the last
    # report nor its mark names: its task's every entry
    every = {e.task for e in new if e.kind == "verify"}
    for e in new:
        if e.kind not in rules.TASK_KINDS or e.task not in fold.states:
            return None  # a notice's or problem's entry, a void, an unknown task: the whole slice
        if e.task in whole or not fold.takes_in_order(e):
            whole.setdefault(e.task, []).append(e)
    for e in new:
        if e.task not in whole:
            st = fold.states[e.task]
            for w in (st.last_progress, st.last_reopen):
                if w is not None:
                    if id(w) not in where:  # pragma: no cover - the fold's entries are all read
                        return None
                    out.add(where[id(w)])
    for t, added in whole.items():
        if t not in every and fold.can_refold_from_mark(t, added):
            try:
                out.update(_mark_positions(*fold.marks[t], where, False))
            except (TypeError, KeyError, IndexError):
                return None
        else:
            out.update(state.by_task.get(t, ()))
    for t in every:
        out.update(state.by_task.get(t, ()))
    if whole or every:
        out.update(state.voids)
    if any(not 0 <= k < len(state.offsets) for k in out):
        return None
    return sorted(out)
