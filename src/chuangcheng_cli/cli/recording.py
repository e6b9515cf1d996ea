"""Writing to the journal, without typer: the record() every writing command goes through, and
`cc log` itself, which entry.py runs directly (fast.py) when the command line is plain.

A city's `cc log` must take well under a second; importing typer and building its commands is
about a quarter of that, so the append path must not need it.
"""

from __future__ import annotations

import datetime as dt
import getpass
from dataclasses import replace
import os
import sys
from pathlib import Path
from typing import Callable, Optional

from ..diagnostics import UsageError
from .locate import find_data_dir, parse_date, report_day
from .plain import note


# A dry run's journal lines: their id and time recorded are made when they are written, so the
# ones shown are an example (an office try took the id shown for the one written, to void it by).
DRY_RUN_LINES = "日志行（记录 id 和录入时间 at 在正式写入时生成，与此处不同）："


def display_base() -> Path:
    return Path.cwd()


def _who(by: Optional[str], folder: Optional[Path] = None) -> tuple[str, str]:
    """(the recorder's name, where it was taken from): --by, else CC_USER, else git's user.name
    for the data folder, else the OS user. A refusal names the source, since a name the user never
    typed (a git user.name of "Seed … maintainers") is otherwise a riddle. Nobody is authenticated by this (README 安全与权限); the roster only decides
    whether the name may record what is asked (authority.py)."""
    from ..domain.authority import same_name
    from ..textguard import describe, find_bad

    if by is not None:
        name, source = by, "--by"
    elif os.environ.get("CC_USER"):
        name, source = os.environ["CC_USER"], "环境变量 CC_USER"
    else:
        name, source = (_git_user(folder) if folder is not None else ""), "git config user.name"
        if not name:
            try:
                name, source = getpass.getuser(), "系统用户名"
            except Exception:  # no user name on this system
                return "", source
    at = find_bad(name, multiline=False)  # one line, no controls or bidi marks (textguard.py)
    if at >= 0:
        raise UsageError(f"记录人（{source}）中含有不允许的字符 {describe(name[at])}",
                         "请删除不可见的字符后重试；终端请使用 UTF-8 编码。")
    # recorded as the roster compares it (authority.same_name): --by ' 吴某某 ' was written with
    # its spaces, and the journal then named someone the roster does not (a hostile-input try)
    return same_name(name), source


def _git_user(folder: Path) -> str:
    """`git config user.name` as seen from folder; "" when git is missing, slow or says nothing."""
    import subprocess

    try:
        done = subprocess.run(["git", "config", "user.name"], cwd=folder, capture_output=True, timeout=3,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return ""
    if done.returncode != 0:
        return ""
    try:
        return done.stdout.decode("utf-8").strip()
    except UnicodeDecodeError:
        return ""


def _tool_repository(data_dir: Path) -> bool:
    """Whether data_dir is the data/ folder of a checkout of this tool (its README's quick start
    leaves a new user there): its example, as read-only as the bundled one."""
    folder = data_dir.resolve().parent
    return (data_dir.resolve().name == "data" and (folder / "pyproject.toml").is_file()
            and (folder / "src" / "chuangcheng_cli" / "__init__.py").is_file())


def local_time(moment: dt.datetime, zone: str) -> dt.datetime:
    """moment in the campaign's time zone, with its offset (a journal's times read the same on
    every machine); the machine's own zone when that zone is unknown here (no tzdata). The zones
    whose day is 北京时间 (locate.CHINA_ZONES, Asia/Urumqi among them, +06:00 in tzdata) are written
    at +08:00, so that a record's time falls on its day (a record of 2023-05-10 was stamped
    2023-05-09T23:30+06:00)."""
    from zoneinfo import ZoneInfo

    from .locate import CHINA_ZONES

    if zone in CHINA_ZONES:
        return moment.astimezone(dt.timezone(dt.timedelta(hours=8)))
    try:
        return moment.astimezone(ZoneInfo(zone))
    except Exception:  # ZoneInfoNotFoundError: validate reports an unknown name
        return moment.astimezone()


# The lead unit's acts that give a unit a deadline (督办通知, 问题交办, 退回整改, 退回重办, 复查未通过,
# 延期): a backdated notice or problem was as silent as a reject once was (a fairness review).
_NEW_DEADLINE_KINDS = ("notice", "problem", "reject", "reopen", "recheck", "extend")
_PAST_DEADLINE_NOTES = 3  # an import of a past year's sheet: the first few said, the rest counted


def _past_deadlines(entries: list, journal: list, raw: Optional[bytes]) -> list[str]:
    """A note for each of the lead unit's acts recorded into the past, whose new deadline the
    record has already passed (the journal holds entries dated after it): by the record, the
    unit is late the moment it learns of it, unless it really was sent then. journal: the
    entries at hand (a write may hold only a slice), raw: the whole journal, whose last line's
    date is taken too."""
    if not any(e.kind in _NEW_DEADLINE_KINDS for e in entries):  # most writes: no journal to scan
        return []
    # the record compared with, named so that the note can be checked: (date, kind, id)
    latest = max(((e.date, i, e.kind, e.id) for i, e in enumerate(journal)), default=None)  # the last of its day
    if raw:
        import json

        end = len(raw)  # the last line, without copying a city's journal to find it
        while end and raw[end - 1] in b" \t\r\n":
            end -= 1
        last = raw[raw.rfind(b"\n", 0, end) + 1:end]
        try:
            obj = json.loads(last)
            day = dt.date.fromisoformat(obj["date"])
            if latest is None or day > latest[0]:
                latest = (day, len(journal), str(obj.get("kind", "")), str(obj.get("id", ""))[:40])
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            pass
    out = []
    for e in entries:
        due = getattr(e, "deadline", None) if e.kind in _NEW_DEADLINE_KINDS else None
        if due is None or latest is None or due >= latest[0]:
            continue
        from ..domain import models, rules
        from ..textguard import for_terminal

        day, _, kind, ref = latest
        what = models.ENTRY_KIND_NAMES.get(kind, "")
        # the record named only shows how far the journal reaches: it may be another task's or
        # problem's (a fairness review read it as the reason), so it is said to be no more
        latest_is = f"（最近的一条：{what}记录 {for_terminal(ref)}，不一定与本条有关）" if ref else ""
        if len(out) == _PAST_DEADLINE_NOTES:
            rest = sum(1 for x in entries[entries.index(e):] if x.kind in _NEW_DEADLINE_KINDS
                       and getattr(x, "deadline", None) is not None and x.deadline < day)
            out.append(f"提示：另有{rest}条记录给出的期限同样早于日志已记到的{rules.cn_date(day)}。")
            break
        out.append(f"提示：这条{models.ENTRY_KIND_NAMES[e.kind]}记录的日期是{rules.cn_date(e.date)}，给出的"
                   f"{'' if e.kind in ('notice', 'problem') else '新'}期限"
                   f"{rules.cn_date(due)}早于日志已记到的{rules.cn_date(day)}"
                   # the record named once (an import's rows all compare with the same one)
                   f"{latest_is if len(out) == 0 else ''}。")
    if out:  # what to do, said once after them (an import's rows repeated it, a fresh-eyes try)
        out[-1] += ("如当时确已下发，可以不理会；如单位是现在才收到，按日志它一收到就已逾期，"
                    # said before a dry run or a confirmation too, when nothing is written yet
                    "应以今天的日期登记（已写入的，请用 cc void 作废这条记录，再以今天的日期重新登记）。")
    return out


def _own_matter(project, entries: list) -> list[str]:
    """A note for each of the 推进组办公室's acts (a review, 验收, 复查, notice, or a void of one)
    that one of the people of the unit it concerns records: the lead unit's liaison is office
    staff, and could close, verify or void its own unit's notice, task or problem without a word
    (a fairness review). Not refused (the office sits in the lead unit); said, so that it is seen."""
    from ..domain.authority import LEAD_KINDS, roster, same_name
    from ..domain.models import ENTRY_KIND_NAMES
    from ..textguard import for_terminal

    if not any(e.kind in LEAD_KINDS or e.kind == "void" for e in entries):
        return []
    ros = roster(project.plan, project.units)
    # a unit's people here: who may record for it, and its head, deputy and 科室 heads too (a 科室
    # head of the lead unit on the office staff closed its own problem without a word: a try of a new group)
    members = {u.id: {same_name(n) for n in (u.head.name, u.deputy.name, *(s.head for s in u.sections),
                                                *(p.name for p in u.people))} for u in reversed(project.units)}

    def first(kind: str, match):  # the journal scanned only for the entry an act names (a city's is long)
        return next((x for x in project.journal if x.kind == kind and match(x)), None)

    out = []
    for e in entries:
        target = next((x for x in project.journal if x.id == e.entry), None) if e.kind == "void" else e
        if target is None or target.kind not in LEAD_KINDS:
            continue
        if target.kind == "notice":
            units, what = [target.unit], f"督办通知{target.doc_no}"
        elif target.kind == "escalate":
            units, what = [target.unit], f"报告市领导{target.doc_no}"
        elif target.kind in ("reject", "close"):
            n = first("notice", lambda x: x.ref == target.notice)
            units, what = ([n.unit] if n is not None else []), f"督办通知{n.doc_no if n is not None else target.notice}"
        elif target.kind in ("verify", "reopen"):
            t = project.tasks_by_id.get(target.task)
            units, what = (list(t.units) if t is not None else []), f"任务{target.task}"
        else:  # recheck, extend
            p = first("problem", lambda x: x.problem == target.problem)
            units, what = ([p.unit, *p.co_units] if p is not None else []), f"问题{target.problem}"
        mine = next((u for u in units if same_name(e.by) in members.get(u, ())), None)
        if mine is None:
            continue
        act = ENTRY_KIND_NAMES[e.kind] + ("" if e.kind != "void" else f"（{ENTRY_KIND_NAMES[target.kind]}）")
        out.append(f"提示：记录人 {for_terminal(e.by)} 是{ros.labels.get(mine, mine)}的人员，这条{act}办理的是本单位自己的"
                   f"{for_terminal(what)}。推进组办公室的审核、验收、作废宜由非本单位的人员办理；"
                   "如确由本人办理，请在说明中写明经谁同意（记录人会留在日志中）。")
    return out


def _same_hand(project, entries: list) -> list[str]:
    """A note for each 审核 (销号, 退回整改, 验收, 退回重办, 复查) recorded by the very person who
    recorded what it reviews (the reply, 办结报告 or fix): one office worker could enter a unit's
    reply and close it at once, and the record could not tell who reported and who reviewed (a
    fresh-eyes try). Said, not refused: an office does enter what a unit phoned in."""
    from ..domain.authority import same_name
    from ..domain.models import ENTRY_KIND_NAMES
    from ..textguard import for_terminal

    acts = [e for e in entries if e.kind in ("close", "reject", "verify", "reopen", "recheck")]
    if not acts:
        return []
    out = []
    for e in acts:
        if e.kind in ("close", "reject"):
            match = lambda x: x.kind == "reply" and x.notice == e.notice  # noqa: E731
            what = "整改反馈"
        elif e.kind in ("verify", "reopen"):
            match = lambda x: x.kind == "progress" and x.task == e.task  # noqa: E731
            what = "办结报告"
        else:
            match = lambda x: x.kind == "fix" and x.problem == e.problem  # noqa: E731
            what = "整改完成"
        reviewed = next((x for x in reversed(project.journal) if match(x)), None)  # the latest: what waits
        if reviewed is None or same_name(reviewed.by) != same_name(e.by):
            continue
        out.append(f"提示：这条{ENTRY_KIND_NAMES[e.kind]}所审核的{what}（记录 {reviewed.id}）也是 {for_terminal(e.by)} "
                   "记录的。反馈、报送宜由责任单位的人员用自己的名字记录（--by），审核由推进组办公室办理，"
                   "日志才看得出谁报、谁审；如是代为登记，请在说明中写明由谁报来。")
    return out


def require_authority(project, entries: list, source: str = "") -> None:
    """Refuse (nothing written) when the roster does not let the recorder record an entry. source:
    where the recorder's name was taken from (Stamp.by_source), said with the refusal."""
    from ..domain.authority import hint, refusal, roster
    from ..diagnostics import Refusal

    ros = roster(project.plan, project.units)
    by_id = None
    for entry in entries:
        target = None
        if entry.kind == "void":
            if by_id is None:
                by_id = {e.id: e for e in project.journal}
                by_id.update((e.id, e) for e in entries)
            target = by_id.get(entry.entry)
        why = refusal(ros, entry, target, source)
        if why:
            raise Refusal(why + "，未写入任何内容。", hint(entry, target, source, ros))


def evidence_list(items: Optional[list[str]]) -> list[str]:
    """The --evidence values, each a URL or a path (checked and archived when recording)."""
    out = []
    for item in items or []:
        value = item.strip()
        if not value or "\n" in value or "\r" in value:
            from ..textguard import quoted

            raise UsageError(f"佐证材料无效：{quoted(item)}", "每个 --evidence 写一个文件路径或网址。")
        from ..store.evidence import check_file, is_url, url_problem

        why = url_problem(value)
        if why:
            raise UsageError(f"佐证材料的网址无效：{value}（{why}）", "网址应形如 https://www.example.gov.cn/…；文件请写路径。")
        if not is_url(value):
            check_file(Path(value).expanduser(), 2000)  # missing, a folder, a device: refused before any work
        out.append(value)
    return out


def shown_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(display_base().resolve()))
    except ValueError:
        return str(path)


def _readable(lines: list[str], journal_path: Path) -> None:
    """Refuse a new line the journal's own line-by-line reading would reject (a tab or newline in a
    one-line field such as --place or an imported file's name): written, it would pass the fast
    read, then count nowhere and block every write once anything sent the journal the slow way."""
    from ..store.loading import Source, _entry_line_problems

    src = Source(journal_path, shown_path(journal_path), "")
    for line in lines:
        _entry, problems = _entry_line_problems(src, 1, line)
        if problems:
            raise UsageError(f"参数无效：{as_option(problems[0].message)}", problems[0].hint)


# the entry fields a write takes from options, by the option's name (the message names what was typed)
_OPTION_OF = {"place": "--place", "desc": "--desc", "found_by": "--found-by", "copy_to": "--cc", "note": "--note",
              "reason": "--reason", "correction": "--correct", "person": "--person", "section": "--section",
              "phone": "--phone", "plan": "--plan", "problems": "--problem", "evidence": "--evidence"}


def as_option(message: str) -> str:
    """'"place"（问题点位） 中含有…' → '--place（问题点位）中含有…': a journal field as the option it came from."""
    import re

    return re.sub(r'^"(\w+)"(（[^）]*）)? ?', lambda m: f"{_OPTION_OF[m[1]]}{m[2] or ' '}" if m[1] in _OPTION_OF
                  else m[0], message)


def preview_line(project, e) -> str:
    """One line of Chinese for an entry a --dry-run would append: its day, unit, task and what it
    records (as cc history says it), every control character but a line break shown as an escape."""
    from ..reports.rows import describe_entry
    from ..domain.views import cn_date
    from ..textguard import for_terminal

    def line(e) -> str:
        unit = getattr(e, "unit", None)
        who = project.unit_label(unit) if unit else ""
        task = getattr(e, "task", None) or "、".join(getattr(e, "tasks", ()) or ())
        return " ".join(part for part in (cn_date(e.date), who, task, describe_entry(project, e)) if part)

    text = line(e)
    if e.kind == "void":  # what it voids, in the same words
        target = next((x for x in project.journal if x.id == e.entry), None)
        if target is not None:
            text += f"（被作废的记录：{line(target)}）"
    # a note's line breaks as breaks, indented under the line (cc show, cc history show them so; a
    # fresh-eyes try was shown 第一行\x0a第二行); every other control character as an escape
    return for_terminal(text, multiline=True).replace("\n", "\n    ")


class Said(str):
    """A build's message, with what a dry run says too (after the lines it would write): what the
    command would tell of its input besides "done" (an import's skipped, moved, look-alike rows)."""

    dry: str

    def __new__(cls, text: str, dry: str = ""):
        said = super().__new__(cls, text)
        said.dry = dry
        return said


def record(data: Optional[Path], as_of: Optional[str], by: Optional[str], dry_run: bool,
           build: Callable, day: Optional[str] = None, out_dir: Optional[Path] = None,
           scope: Optional[Callable] = None, tolerant: bool = False,
           confirm: Optional[Callable] = None, evidence: Optional[list[str]] = None,
           lead_act: Optional[str] = None, tasks_only: bool = False, problem: Optional[str] = None) -> None:
    """Load under the journal lock, build the entries (and documents), append them all or none,
    then write the documents: the record comes first, a document is a rendering of it (cc reprint
    makes it again if writing it failed).

    scope(project) names the tasks the command touches; with it, a journal the store holds as
    valid (store/state.py) is not checked again in full: only lines added since, and the new
    entries against the slice of the journal they concern. tolerant (cc void only): the journal
    may have errors, as long as the new lines add none. confirm(entries, docs) is asked before the
    lock is taken (a person answering a prompt must not hold everyone's appends); it raises to
    refuse. build(snap, stamp, folder) gets the folder the documents go to. A write that had the
    whole project at hand leaves the store's view of its day current, so the next status is a hit.
    tasks_only (assign, log, verify, reopen): build reads nothing but the states of the scope's
    tasks and makes entries of those tasks alone, so the slice leaves out the notices and the
    problem list (of that family only the voids: state.slice_of), which a task's own state and
    the checks of its entries never read; a city's problem list is most of its journal.
    problem (problem fix, recheck, extend): the problem the command is about, as typed; when it
    names one by its full id, build reads that problem's entries and the voids alone
    (state.problem_slice), else (a number alone, a problem not found there) the whole family.
    """
    from pydantic import ValidationError

    from ..store import journal, state as store
    from ..domain import models, rules
    from ..store.checks import check_append, check_folder, require_clean
    from ..store.loading import JOURNAL
    from ..diagnostics import DataError, Refusal
    from ..domain.workflow import Stamp, check_stamp
    from .locate import cache_root

    where = find_data_dir(data)
    if where.bundled and not dry_run and where.how == "内置示例":  # found no data folder: say where it looked
        try:
            here = str(Path.cwd())
        except OSError:  # the current folder was removed
            here = "当前目录"
        raise UsageError(f"在当前目录（{here}）及其上级目录中找不到数据目录（含 data/tasklist.yaml 的目录），"
                         "只找到内置示例数据，它是只读的，不能写入",
                         "已有数据目录（cc init 建的目录）的，请先 cd 到该目录再运行，或用 --data 指定它；"
                         "还没有的，用 cc init 目录 新建。")
    if where.bundled and not dry_run:
        raise UsageError("内置示例数据是只读的，不能写入",
                         "请先用 cc init 目录 新建数据目录，或用 --data 指定数据目录。")
    if not dry_run and _tool_repository(where.path):
        raise UsageError(f"这是 chuangcheng-cli 工具仓库自带的示例数据（{shown_path(where.path)}），不能写入",
                         "请先用 cc init 目录 新建自己的数据目录（可带示例数据），在那里办理；"
                         "写进工具仓库的记录会在下次 git pull 时冲突。")
    now, clock_day = report_day(as_of, where), report_day(None, where)
    who, source = _who(by, where.path)
    stamp = Stamp(who, parse_date(day, "--date", where) if day else now, dt.datetime.now(dt.timezone.utc),
                  by_source=source)
    stamp_utc = stamp
    journal_path = where.path / JOURNAL
    folder = out_dir or (where.path.parent / "notices" / str(stamp.date.year))
    if out_dir is None:
        from ..store.safepath import inside

        inside(where.path.parent, folder)
    root = cache_root()
    use_state = root is not None and scope is not None and not tolerant
    key = None
    if problem is not None:
        from ..domain.workflow import problem_key

        key = problem_key(problem)

    def part_of(held, raw: bytes, narrow: bool):
        """(the slice build and the checks read, whether it is one problem's)."""
        shown = shown_path(journal_path)
        if narrow and key is not None:
            part = store.problem_slice(held, raw, journal_path, shown, key)
            if part is not None:
                return part, True
        tasks = scope(models.Project(held.plan, held.units, []))
        return store.slice_of(held, raw, journal_path, shown, tasks, family=not tasks_only), False

    folded: list = [None]  # the store's fold of the journal read last (folds.read), for the view left after writing

    def prepare(raw: Optional[bytes]):
        """(checked, held, plan, h, sliced, narrowed): a slice of the journal from the store's
        state (narrowed: one problem's, see part_of), else a full check; held is the state to
        extend after writing (h: the digest state of raw), plan the plan key when the store is on.
        The state is brought up to date through the store's fold when there is one (folds.read:
        lines added since are checked against the few entries the fold names), which the view
        left after writing then takes on; else as reads without a fold do (bring_up_to_date)."""
        plan = store.plan_key(where.folder) if root is not None else None
        folded[0] = None
        if use_state and store.usable_raw(raw):
            from ..store import folds

            found = folds.read(root, plan, raw, journal_path, shown_path(journal_path), now)
            if found is not None:
                folded[0], held = found
                h = store.hasher(raw)
            else:
                held, h = store.bring_up_to_date(root, plan, raw, journal_path, shown_path(journal_path))
            if held is not None:
                part, narrowed = part_of(held, raw, True)
                return part, held, plan, h, True, narrowed
        checked = check_folder(where.path, display_base(), files=False)  # as the store's state judges
        if tolerant and checked.errors:
            if checked.plan is None or checked.journal is None:
                raise DataError(checked.errors)
            from ..store.checks import Checked

            whole = models.Project(checked.plan, checked.units, checked.journal.entries, checked.journal.invalid)
            return Checked(whole, checked.problems, checked.files, checked.journal), None, plan, None, False, False
        if checked.errors and checked.plan is not None and checked.units is not None:
            from ..domain.authority import roster

            people = roster(checked.plan, checked.units)
            if people.office and not people.is_office(stamp_utc.by):
                raise DataError(checked.errors, people.office)
        checked = require_clean(checked)
        held = h = None
        if use_state and store.usable_raw(raw) and journal_path.exists() and journal_path.read_bytes() == raw:
            held, h = store.build_state(checked, raw), store.hasher(raw)
            store.store_state(root, plan, held)
        return checked, held, plan, h, False, False

    noted: set[str] = set()

    def run(raw: Optional[bytes]):
        from ..store.loading import gc_paused

        with gc_paused():  # a city's state, slice and checks: some hundred thousand objects, no cycles
            return _run(raw)

    def _run(raw: Optional[bytes]):
        checked, held, plan, h, sliced, narrowed = prepare(raw)
        project = checked.project
        # the moment read again on each run, the last under the journal's lock: two writes racing
        # are stamped in the order they are appended (the loser's earlier moment sorted it before
        # the winner's line, and a report of the same day read as a backfill: a hostile-input try)
        stamp = replace(stamp_utc, at=local_time(dt.datetime.now(dt.timezone.utc), project.plan.campaign.timezone))
        check_stamp(project, stamp, now, clock_day)
        if lead_act:  # who may, before what the record allows: a unit never learns the lead's queue
            from types import SimpleNamespace

            require_authority(project, [SimpleNamespace(kind=lead_act, by=stamp.by)], stamp.by_source)
        if evidence:  # hashed now, copied into the repository only once everything else passed
            stamp = replace(stamp, evidence=tuple(_evidence(evidence, where.path.parent, stamp.date.year,
                                                            project.plan.policy.evidence_max_mb)))
        if tolerant and checked.errors:  # rules cannot run on a broken record; void needs none
            snap = rules.Snapshot(project, now, [], {}, {}, [])
        else:
            snap = rules.snapshot(project, now)
            if narrowed and key not in snap.problems:  # not that problem's full id: the whole family says what was meant
                checked, narrowed = part_of(held, raw, False)
                project = checked.project
                snap = rules.snapshot(project, now)
        try:
            entries, docs, message = build(snap, stamp, folder)
        except ValidationError as exc:  # an argument the schema refuses (too long, bad format …)
            from ..store.loading import translate_error

            err = exc.errors(include_url=False)[0]
            _code, text, hint, _ = translate_error(err, type(None))
            raise UsageError(f"参数无效：{as_option(text)}", hint) from None
        del snap  # not needed past build: freed before the journal is checked again with the new lines
        if not entries:  # nothing new to record (a sheet imported before): no check, no write
            return entries, docs, [], message, None, plan, None, stamp, None, project
        require_authority(project, entries, stamp.by_source)
        lines = [journal.to_line(e) for e in entries]
        _readable(lines, journal_path)
        problems = None
        broke = False  # the new lines make earlier entries break a rule (a void does that): see whole
        if sliced and not (tasks_only and any(e.kind not in rules.TASK_KINDS for e in entries)) \
                and not (narrowed and any(e.kind not in ("fix", "recheck", "extend") or e.problem != key
                                          for e in entries)):
            ids = held.ids if held is not None and held.size == len(raw) else None  # the state's index of raw
            problems = store.conflicts(checked, raw, entries, lines, ids=ids)  # else (never) the full check
        if problems is None:
            full = checked if not sliced else require_clean(check_folder(where.path, display_base(), files=False))
            problems = check_append(full, entries, lines)
            if tolerant and full.journal is not None:  # only what the new lines bring: the
                last = max(full.journal.lines, default=0)  # old errors are what void is for
                broke = any(p.line <= last for p in problems)
                had = {(p.line, p.code) for p in full.problems if p.is_error}
                _refuse_breaking(full.journal, [p for p in problems if p.line <= last and (p.line, p.code) not in had],
                                 entries, (full.project, stamp.by))
                problems = [p for p in problems if p.line > last]
        if problems:
            first = problems[0]
            said = first.message
            for e in entries:  # a record refused here is never written: not named by an id no one will find
                said = said.replace(f"，记录 {e.id}）", "，即本次要写入的这条）")
            first = replace(first, message=said)
            existing = raw is not None and first.line <= raw.count(b"\n") + (not raw.endswith(b"\n"))
            if existing and first.code in ("verify-twice", "fix-while-pending"):
                _refuse_second(first, checked.journal)  # the new one goes before one recorded
            if existing and first.code == "progress-decrease":  # the new one goes before a later report
                raise UsageError(f"补登的这条记录与日志中其后已有的记录冲突：日志第 {first.line} 行的{first.message}，"
                                 "未写入任何内容",
                                 "补登过去的进度不能高于之后已报送的进度；如确需更正当前进度，请以今天报送并用 --correct 写明更正原因。")
            raise UsageError(f"这条记录与日志中已有的记录冲突：{first.message}，未写入任何内容",
                             f"冲突位置：{first.file}:{first.line}。补登过去的记录时，请注意与之后的记录保持一致。")
        said = [f"提示：创建活动已于{rules.cn_date(project.plan.campaign.end)}结束（见 tasklist.yaml 的 campaign）。"] \
            if stamp.date > project.plan.campaign.end else []  # said only of a record that will be written
        for text in said + _past_deadlines(entries, project.journal, raw) + _own_matter(project, entries) \
                + _same_hand(project, entries):
            if text not in noted:  # once: a write that asks first (cc notice) builds its entries twice
                noted.add(text)
                note(text)
        # for the view it leaves: not when a read must leave out entries (an error, or one the new lines
        # bring to an earlier entry: a voided report under a later 验收), as only a check finds them
        whole = None if sliced or (tolerant and (checked.errors or broke)) else project
        return entries, docs, lines, message, held, plan, h, stamp, whole, project

    if confirm is not None and not dry_run and not where.bundled:  # asked on the journal as it stands
        journal.take_back(journal_path, note)
    if dry_run or confirm is not None:
        raw = journal_path.read_bytes() if journal_path.exists() and not where.bundled else None
        entries, docs, lines, message, *_, project = run(raw)
        if not lines:
            print(message)
            return
        if dry_run:
            for doc, _name in docs:
                from ..documents.officialdoc import render_text

                print(render_text(doc))
                print()
            print(f"（演练，未写入）将追加到日志 {len(lines)} 条记录：")
            for e in entries:
                print("  " + preview_line(project, e))
            print(DRY_RUN_LINES)
            for line in lines:
                print(line)
            if getattr(message, "dry", ""):
                print(message.dry)
            if where.bundled or _tool_repository(where.path):  # the preview is all it can do (a
                # fresh-eyes try read the preview as a yes, then the same command was refused)
                note("注意：这是只读的示例数据（" + ("内置示例" if where.bundled else "工具仓库自带的 data")
                     + "），去掉 --dry-run 正式运行会被拒绝；请用 cc init 目录 新建自己的数据目录，在那里办理。")
            return
        if docs:
            writable_folder(folder, keep=False)  # before anyone is asked to confirm what could not be issued
        confirm(entries, docs)
        expected = [e.kind for e in entries]

    with journal.locked(journal_path, waiting=lambda: note("正在等待另一个 cc 写完日志……"), recovered=note) as fd:
        from ..store.state import forget_reads

        # Under the lock every read of the journal is a new one: a file system with coarse times
        # may not tell by the stat signature that it was rewritten at the same size meanwhile.
        forget_reads()
        raw = journal.read_all(fd)
        entries, docs, lines, message, held, plan, h, used, whole, _project = run(raw)
        if not lines:
            print(message)
            return
        if confirm is not None and [e.kind for e in entries] != expected:
            raise Refusal("确认期间日志有了新的记录，要写入的内容已不同，未写入", "请重新运行这条命令。")
        if docs:
            writable_folder(folder)
        copied = _copy_evidence(evidence or [], used.evidence, where.path.parent)
        try:
            payload = journal.append_lines(fd, lines)
        except BaseException:
            for path in copied:  # a refusal or failure leaves no new file behind
                path.unlink(missing_ok=True)
            raise
        if held is not None:  # the journal is still valid: so is the state, extended
            store.store_state(root, plan, store.extend(held, raw, h, payload, entries))
    if whole is not None and root is not None:
        leave_view(root, plan, whole, raw + payload, lines, now)
    written = write_documents(docs, folder)
    try:
        if docs:  # the documents' text, shown once they are really issued
            from ..documents.officialdoc import render_text

            for doc, _name in docs:
                print(render_text(doc))
                print()
        print(message)
        for path in written:
            print(f"已生成：{shown_path(path)}")
        archived = [shown_path(where.path.parent / e.path) for e in used.evidence if not isinstance(e, str)]
        if archived:  # the copies are part of the record: they travel with the journal in git
            print("佐证材料已存入仓库：" + "、".join(archived) + "（请与日志一起提交）")
        sys.stdout.flush()
    except OSError as exc:  # stdout to a full disk, or a reader gone: the record and documents are in place
        note(f"已写入 {shown_path(journal_path)}（{len(lines)} 条记录）"
             + "".join(f"，已生成 {shown_path(path)}" for path in written)
             + ("" if isinstance(exc, BrokenPipeError) else "；只是以下输出没能显示出来。"))
        raise
    note(f"已写入 {shown_path(journal_path)}（{len(lines)} 条记录）")
    if whole is None and held is not None and root is not None:
        # A large journal (the state's path, no whole project in hand): the view of the day from
        # the store's fold with the new lines applied, so that the next cc status needs no
        # reading of the journal. Done last, after everything is printed; without a fold, nothing.
        from .plain import view_from_fold

        try:
            if folded[0] is None or not fold_view(root, plan, held, folded[0], lines, now):
                view_from_fold(where, now, root, quiet=True, state=held)  # held: just extended and stored
        except OSError:
            pass


def fold_view(root, plan: str, held, fold, lines: list[str], day) -> bool:
    """Store the view of day of the journal as written, from the fold of the journal before the
    write (folds.read, in prepare) with the new lines applied, read back as a read would read
    them; False (nothing stored) when they do not all come after what the fold holds (a
    back-dated line: view_from_fold reads what it needs)."""
    from ..domain import models, rules
    from ..store import loading, state as store
    from .plain import document

    with loading.gc_paused():
        new = loading._ENTRY_LIST.validate_lines([line.encode("utf-8") for line in lines])
        if fold.count + len(new) != len(held.offsets):
            return False
        for k in rules.journal_order(new):
            if not fold.takes_in_order(new[k]):
                return False
            fold.apply(new[k])
        if fold.last_date is not None and fold.last_date > day:
            return False
        snap = rules.finish(models.Project(held.plan, held.units, []), fold, day, [])
        store.store_view(root, store.view_key(plan, held.digest), day.isoformat(), document(snap))
    return True


def _refuse_second(problem, journal) -> None:
    """Refuse a backdated 验收 or 整改完成 that goes before one already recorded (verify-twice,
    fix-while-pending on the recorded line): the one recorded named, by its date and id (the
    check's own words named the new one as the one in force: a review)."""
    from ..domain.rules import cn_date

    at = journal.lines.index(problem.line) if journal is not None and problem.line in journal.lines else None
    e = journal.entries[at] if at is not None else None
    if e is None:  # pragma: no cover - the line is the journal's (existing)
        return
    verify = problem.code == "verify-twice"
    subject, what = (f"任务 {e.task}", "验收销号") if verify else (f"问题 {e.problem}", "整改完成报告")
    raise UsageError(f"补登的这条记录与日志中其后已有的记录冲突：日志第 {problem.line} 行已有{subject} 的{what}"
                     f"（{cn_date(e.date)}，记录 {e.id}），同一次{what}只能有一条记录，未写入任何内容",
                     f"如日志中那一条的日期有误，请作废它（cc void {e.id} --reason …）后按正确日期重新登记；否则不必补登。")


def _refuse_breaking(journal, broken: list, entries: list = (), who: tuple | None = None) -> None:
    """Refuse a void after which an earlier record breaks a rule it kept (a verify whose 100%
    report is voided, a recheck whose fix is): the record would hold an error that refuses every
    unit's writes until someone repairs it. The later record named, to be voided first when it
    is wrong too. A void of a void brings back what that one voided: when that very record is
    what breaks (a verify whose 100% report was voided since), what it stands on is named.
    who: (the project, the recorder): a later record the recorder may not void (a unit's liaison,
    the office's 销号) is left to the office, by name."""
    if not broken:
        return
    from ..domain import models

    p = broken[0]
    at = journal.lines.index(p.line) if p.line in journal.lines else None
    e = journal.entries[at] if at is not None else None
    what = f"{models.ENTRY_KIND_NAMES[e.kind]}（记录 {e.id}）" if e is not None else "记录"
    undone = {v.entry for v in entries if getattr(v, "kind", "") == "void"}
    back = {x.entry for x in journal.entries if x.kind == "void" and x.id in undone}
    if back and p.code in ("verify-twice", "fix-while-pending"):
        # what comes back repeats a 验收 or 整改完成 in force (the one voided as a duplicate): no
        # record it stands on is missing (a review found it told to restore one)
        raise UsageError(f"恢复后，日志第 {p.line} 行的{what}不能成立：{p.message}。未写入任何内容",
                         "同一次验收销号或整改完成只能有一条记录，恢复的那一条与仍然有效的另一条重复：如要恢复它，"
                         "请先作废另一条；否则应保持作废。")
    if e is not None and e.id in back:
        raise UsageError(f"恢复后，日志第 {p.line} 行的{what}不能成立：{p.message}。未写入任何内容",
                         "它所依据的记录此后已作废。如要恢复它，请先恢复所依据的那条记录（作废那条作废记录，"
                         "可用 cc history 查看），再恢复这一条；否则这一条应保持作废。")
    first = "请先作废它"
    if e is not None and who is not None:  # a fresh-eyes try was told to void the office's 销号
        from ..domain.authority import office_to_void, roster

        office = office_to_void(roster(who[0].plan, who[0].units), who[1], e)
        if office:
            first = f"{office}先作废它"
    raise UsageError(f"作废后，日志第 {p.line} 行的{what}将不再成立：{p.message}。未写入任何内容",
                     "之后的记录以这一条为依据。如那一条也有误，" + first +
                     (f"：cc void {e.id} --reason …" if e is not None else "") +
                     "，再作废这一条；如那一条无误，这一条就不应作废。")


def leave_view(root, plan: str, project, written: bytes, lines: list[str], day) -> None:
    """Store the view of day (what status and units show, plain.document) of the journal as
    written: the project before the write and the new lines, read back as a read would read them."""
    from ..domain import models, rules
    from ..store import loading, state as store
    from .plain import document

    new = loading._ENTRY_LIST.validate_lines([line.encode("utf-8") for line in lines])
    whole = models.Project(project.plan, project.units, [*project.journal, *new])
    store.store_view(root, store.view_key(plan, store.digest(written)), day.isoformat(),
                     document(rules.snapshot(whole, day)))


def _evidence(items: list[str], root: Path, year: int, max_mb: int) -> list:
    """The --evidence values as the journal records them: URLs as given, files as EvidenceFile
    (repo-relative archive path, sha256, size), hashed but not yet copied."""
    from ..domain import models
    from ..store.evidence import archive, is_url

    out = []
    for item in items:
        if is_url(item):
            out.append(item)
            continue
        done = archive(Path(item).expanduser(), root, year, max_mb)
        out.append(models.EvidenceFile(path=done.path, sha256=done.sha256, size=done.size))
    return out


def _copy_evidence(items: list[str], recorded: tuple, root: Path) -> list[Path]:
    """Copy each --evidence file to where the journal records it; the new files made (to undo).
    A file already there with the same content is kept as it is (content-addressed names)."""
    from ..store.evidence import copy_in
    from ..store.safepath import inside

    made = []
    for item, kept in zip(items, recorded):
        if isinstance(kept, str):  # a URL
            continue
        target = inside(root, root / kept.path)
        if not copy_in(Path(item).expanduser(), target, kept.size, kept.sha256):
            continue
        made.append(target)
    return made


def writable_folder(folder: Path, refused: str = "文书目录无法写入，未写入任何内容", keep: bool = True) -> None:
    """Refuse, before the record is written, a document folder that cannot be made or written in
    (--out /proc, a folder without write permission): a notice recorded without its document
    counts toward the unit's 督办 all the same. Folders made for the probe are removed again when
    it fails, or always when not keep (a probe before a question whose answer may be no: a refused
    notice left an empty notices/2023/ behind, found by a hostile-input try).
    The reason names the folder it failed in and why (the errno's own: no permission, read-only,
    a system folder), not the folder asked for "不存在" (/proc answers a new folder with ENOENT)."""
    import errno

    from ..diagnostics import Refusal, cannot_make_text, system_folder

    made: list[Path] = []
    probe = folder / f".cc-probe-{os.urandom(4).hex()}.tmp"
    step = probe
    try:
        for p in reversed([p for p in (folder, *folder.parents) if not p.exists()]):
            step = p
            p.mkdir()
            made.append(p)
        step = probe
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
        if not keep:
            _remove_made(made)
    except OSError as exc:
        _remove_made(made)
        reason = cannot_make_text(exc, step, "文件" if step == probe else "目录", shown_path)
        if system_folder(step.parent):
            hint = "请用 --out 另选一个目录，如 --out notices（不存在时会自动创建）。"
        elif exc.errno in (errno.EACCES, errno.EPERM):
            hint = "请用 --out 另选一个可以写入的目录，或请管理员开放该目录的写入权限后再运行。"
        elif exc.errno == errno.EROFS:
            hint = "请用 --out 另选一个可以写入的目录（只读挂载的目录、光盘和写保护的 U 盘都不能写入）。"
        elif reason.endswith("是文件，不是目录"):
            hint = "请移走这个同名的文件，或用 --out 另选一个目录。"
        else:
            hint = "请用 --out 另选一个可以写入的目录，或排除目录权限问题后再运行。"
        raise Refusal(f"{refused}：{reason}", hint) from None


def _remove_made(made: list[Path]) -> None:
    for p in reversed(made):
        try:
            p.rmdir()
        except OSError:
            pass


def write_documents(docs: list, folder: Path, reprint: bool = False) -> list[Path]:
    """Write each (OfficialDoc, file name) into folder, never over an existing file. The record
    is already in the journal: a failure here loses nothing, and says how to make them again
    (reprint: cc reprint itself failed, which wrote no record)."""
    written: list[Path] = []
    if not docs:
        return written
    from ..documents.docx import write_docx

    from ..store.safepath import output_in

    for doc, name in docs:
        target = output_in(folder, name)  # a name from data never leaves its folder
        try:
            write_docx(doc, target)
        except FileExistsError:
            note(f"提示：{shown_path(target)} 已存在，未覆盖。")
            continue
        except OSError as exc:
            from ..diagnostics import Refusal, os_error_text

            if not exc.filename:
                exc.filename = shown_path(target)
            if reprint:
                raise Refusal(f"文书未能生成。{os_error_text(exc)}",
                              "排除问题（磁盘空间、目录权限）后再运行一次，或用 --out 另选目录。") from None
            raise Refusal(f"记录已写入日志，但文书未能生成。{os_error_text(exc)}",
                          f"排除问题（磁盘空间、目录权限）后运行 cc reprint {docs[0][0].doc_no} 重新生成文书。") from None
        written.append(target)
    return written


def task_scope(task: str) -> Callable:
    def scope(project):
        from ..reports.rows import resolve_task

        return {resolve_task(project, task).id}

    return scope


def unit_scope(unit: str) -> Callable:
    def scope(project):
        from ..reports.rows import resolve_unit

        unit_id = resolve_unit(project, unit).id
        return {t.id for t in project.plan.tasks if unit_id in t.units}

    return scope


def notices_only(project) -> set:
    return set()




def log(task: str, unit: str, percent: int, note_text: str, evidence: list[str], problem: str, correct: str,
        day: Optional[str], by: Optional[str], dry_run: bool, data: Optional[Path], as_of: Optional[str]) -> None:
    """cc log: one progress report (see write.log for the options)."""
    from ..reports.rows import resolve_task, resolve_unit
    from ..domain.workflow import make_progress

    files = evidence_list(evidence)
    if not 0 <= percent <= 100:
        raise UsageError(f"进度应在 0 到 100 之间，实际是 {percent}", "写整数百分比，如 --percent 80；100 表示已办结（报送办结报告）。")

    def build(snap, stamp, _folder):
        t, u = resolve_task(snap.project, task), resolve_unit(snap.project, unit)
        entry = make_progress(snap, stamp, t, u, percent, note_text, list(stamp.evidence), problem, correct)
        st = snap.task(t.id)
        msg = f"已登记：{t.id}（{t.label}）{u.name} 报送进度 {percent}%（序时进度 {st.expected}%）"
        later = [e.date for e in snap.project.journal if e.kind == "reopen" and e.task == t.id
                 and e.id not in snap.voided and e.date > stamp.date]
        if percent == 100 and later:  # a backfill from before a reopen: the reopen still stands
            from ..domain.rules import cn_date

            msg += (f"；这份办结报告的日期早于{cn_date(max(later))}的退回重办，不算重新报办结"
                    "（退回后重新报办结，请用退回之后的日期报送）")
        elif percent == 100:
            msg += "；已报办结，待牵头单位验收销号"
        if entry.problem:
            msg += ("\n自查问题已记入本次报送；如需限期整改、复查销号，请登记到问题清单："
                    f"cc problem add --unit {snap.project.unit_short(u.id)} --source 自查 --task {t.id} --place … --desc …")
        return [entry], [], msg

    record(data, as_of, by, dry_run, build, day=day, scope=task_scope(task), evidence=files, tasks_only=True)


def problem_fix(problem: str, note_text: str, evidence: list[str], by: Optional[str], dry_run: bool,
                data: Optional[Path], as_of: Optional[str]) -> None:
    """cc problem fix: a unit reports a problem fixed (see problem.fix for the options)."""
    from ..domain.rules import cn_date
    from ..domain.workflow import find_problem, make_fix

    files = evidence_list(evidence)

    def build(snap, stamp, _folder):
        ps = find_problem(snap, problem)
        entry = make_fix(snap, stamp, ps, note_text, list(stamp.evidence))
        late = (f"（晚于整改期限{cn_date(ps.deadline)}{(stamp.date - ps.deadline).days}天）"
                if stamp.date > ps.deadline else "（按期）")
        return [entry], [], (f"已登记整改完成：{ps.id}（{snap.project.unit_label(ps.unit)}，{ps.problem.place}）{late}，"
                             f"待牵头单位复查（cc problem recheck {ps.id} --pass --note …；未通过用 --fail --note …）")

    record(data, as_of, by, dry_run, build, scope=notices_only, evidence=files, problem=problem)


def problem_limit(days: Optional[int], deadline: Optional[str], data: Optional[Path] = None,
                  as_of: Optional[str] = None, after: Optional[dt.date] = None):
    """The 整改期限 given by --deadline (a date), or None when --days (or nothing) gives it. A
    deadline without its year (1月5日) is completed after the day it is set from: after, else the
    --as-of day of the data folder data (see locate.deadline_date)."""
    if days is not None and deadline:
        raise UsageError("--days 和 --deadline 只能用一个")
    return deadline_date(deadline, "--deadline", data, as_of, after) if deadline else None


def deadline_date(text: str, option: str, data: Optional[Path], as_of: Optional[str],
                  after: Optional[dt.date] = None) -> dt.date:
    """A deadline option's date (--deadline, --to): one written without its year takes the
    campaign's, or the next year's when it falls before the day it is set from (after, else the
    day the command acts as of: 1月5日 set in December is next January; domain/dates.py)."""
    where = find_data_dir(data)
    return parse_date(text, option, where, after or report_day(as_of, where))


def when_text(note: str) -> str:
    return f"（{note}）" if note else ""


def problem_recheck(problem: str, note_text: str, passed: bool, failed: bool, days: Optional[int],
                    deadline: Optional[str], by: Optional[str], dry_run: bool, data: Optional[Path],
                    as_of: Optional[str]) -> None:
    """cc problem recheck: the office's 复查, --pass or --fail (see problem.recheck for the options)."""
    from ..domain.rules import cn_date
    from ..domain.workflow import find_problem, make_recheck

    if passed == failed:  # neither, or both: a result is recorded only as deliberately given
        raise UsageError("请写明复查结果：--pass（通过，销号）或 --fail（未通过，返工），两者只能写一个")
    limit = problem_limit(days, deadline, data, as_of)

    def build(snap, stamp, _folder):
        ps = find_problem(snap, problem)
        entry, how = make_recheck(snap, stamp, ps, passed, note_text, days, limit)
        if passed:
            msg = f"已复查销号：{ps.id}（{snap.project.unit_label(ps.unit)}，{ps.problem.place}）"
        else:
            msg = (f"复查未通过，已返工：{ps.id}（{snap.project.unit_label(ps.unit)}），"
                   f"新的整改期限{cn_date(entry.deadline)}{when_text(how)}\n整改后再报：cc problem fix {ps.id} --note …")
        return [entry], [], msg

    record(data, as_of, by, dry_run, build, scope=notices_only, lead_act="recheck", problem=problem)


def problem_extend(problem: str, to: str, reason: str, by: Optional[str], dry_run: bool, data: Optional[Path],
                   as_of: Optional[str]) -> None:
    """cc problem extend: the office approves a later 整改期限 (see problem.extend for the options)."""
    from ..domain.rules import cn_date
    from ..domain.workflow import find_problem, make_extend

    day = deadline_date(to, "--to", data, as_of)

    def build(snap, stamp, _folder):
        ps = find_problem(snap, problem)
        before = ps.deadline
        entry = make_extend(snap, stamp, ps, day, reason)
        moved = f"（{cn_date(day)}为休息日，顺延至下一个工作日）" if entry.deadline != day else ""
        end = snap.project.plan.campaign.end
        late = (f"\n注意：新的整改期限晚于创建活动结束日期{cn_date(end)}。" if entry.deadline > end else "")
        # a dry run says why the day moved, and what it passes, as the write does (a fresh-eyes try
        # was shown 延期至2024年1月2日 for --to 2023-12-30 with no word why)
        return [entry], [], Said(f"已批准延期：{ps.id} 整改期限由{cn_date(before)}延至{cn_date(entry.deadline)}{moved}{late}",
                                 (f"整改期限将由{cn_date(before)}延至{cn_date(entry.deadline)}{moved}{late}"))

    record(data, as_of, by, dry_run, build, scope=notices_only, lead_act="extend", problem=problem)
