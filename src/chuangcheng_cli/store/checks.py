"""Cross-reference checks over a loaded data folder: one check per problem code, all returning Problems."""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from . import loading
from ..textguard import as_seen, looks_blank
from ..domain import models, problemlist, rules
from ..diagnostics import WARNING, DataError, Diagnostic, did_you_mean, sort_key


NOTICE_FAMILY = rules.NOTICE_FAMILY  # the entries checked across tasks (see rules.NOTICE_FAMILY)
PROBLEM_KINDS = problemlist.PROBLEM_KINDS


@dataclass
class Checked:
    """The outcome of loading and checking a data folder."""

    project: models.Project | None
    problems: list[Diagnostic] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    journal: loading.JournalFile | None = None
    plan: models.Plan | None = None  # set when both YAML files gave a plan free of errors
    units: list | None = None
    # what check_folder's beside made of project while the journal was checked: set only when
    # project is (free of errors), else dropped
    ahead: object = None

    @property
    def errors(self) -> list[Diagnostic]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [p for p in self.problems if not p.is_error]


def _display(path: Path, base: Path | None) -> str:
    try:
        if base is not None:
            return str(path.relative_to(base))
    except ValueError:
        pass
    return str(path)


def check_folder(data_dir: Path, display_base: Path | None = None, authority: bool = True,
                 files: bool = True, beside=None, parallel: bool | None = None) -> Checked:
    """Load every data file of data_dir and run every check; never raises for bad data.
    authority=False leaves out check_authority, whose findings are only warnings (reads show none).
    files=False leaves out the checks of files outside the data files (archived evidence changed
    or missing, documents missing): reads and writes judge the record by the three data files
    alone, as the store's state does (cc validate, and so CI, reports those files).
    A large journal (parallel.LARGE_JOURNAL bytes) is read while a forked child reads the two
    YAML files, and checked in a child while beside, a function of the project (a read's
    snapshot), runs here: its value is Checked.ahead when the project comes out free of errors.
    Where no child can be forked (parallel.py) all is done here, one after another, and beside
    is not run (the caller makes its value of Checked.project itself). parallel: True for
    children whatever the journal's size (where they can be forked), False for none."""
    with loading.gc_paused():
        return _check_folder(data_dir, display_base, authority, files, beside, parallel)


def _check_folder(data_dir: Path, display_base: Path | None, authority: bool = True, files: bool = True,
                  beside=None, parallel: bool | None = None) -> Checked:
    from . import parallel as children

    paths = {name: data_dir / name for name in (loading.TASKLIST, loading.UNITS, loading.JOURNAL)}
    shown = {name: _display(p, display_base) for name, p in paths.items()}
    if parallel is None:
        parallel = children.large(paths[loading.JOURNAL])

    def yaml_files():
        return (loading.load_yaml_model(paths[loading.UNITS], shown[loading.UNITS], models.UnitsFile),
                loading.load_yaml_model(paths[loading.TASKLIST], shown[loading.TASKLIST], models.Plan))

    reading = children.start(yaml_files) if parallel else None
    try:
        journal = loading.load_journal(paths[loading.JOURNAL], shown[loading.JOURNAL])
    finally:
        read = reading.result() if reading is not None else None  # the child reaped whatever happened here
    units_file, plan_file = read if read is not None else yaml_files()
    problems = units_file.problems + plan_file.problems + journal.problems
    project = ahead = failed = None
    if units_file.model is not None:
        problems = [_unit_id_hint(p, units_file.model.units) for p in problems]
        problems += check_units(units_file)
    if units_file.model is not None and plan_file.model is not None:
        project = models.Project(plan_file.model, units_file.model.units, journal.entries, journal.invalid)
        problems += check_plan(project, plan_file, units_file)
        known_bad = units_file.dropped.get("units", set()) | plan_file.dropped.get("tasks", set())
        found, ahead, failed = _journal_beside(project, journal, known_bad, beside if parallel else None,
                                               not any(p.is_error for p in problems))
        problems += found
        if journal.invalid:
            problems = _voided_invalid(project, journal, problems)
        if authority:
            problems += check_authority(project, journal)
    if files and not os.path.lexists(paths[loading.JOURNAL]):
        # an empty journal to reads and writes (a new group has none yet), but said here: a
        # journal deleted by mistake would otherwise pass validate, and so CI, as "no problems"
        from ..diagnostics import WARNING

        problems.append(journal.src.problem(
            0, 0, "missing-file", "找不到日志文件，按空日志处理（还没有任何记录）",
            "新推进组的第一条记录会创建它（cc init 也会建一个空文件）；如果是误删了，请用 git 恢复"
            "（git checkout -- data/journal.jsonl）。", severity=WARNING))
    if files:
        problems += _final_newline(paths[loading.JOURNAL], journal)
    if files and project is not None:
        problems += check_leftovers(project.plan, plan_file)
    if files:
        known = project.order if project is not None and project.journal is journal.entries else None
        problems += check_documents(journal, data_dir.parent, known)
    if files and any(e.kind in ("progress", "reply") and e.evidence for e in journal.entries):
        from .evidence import check_archive

        problems += check_archive(journal, data_dir.parent)
    problems.sort(key=sort_key)
    plan_errors = any(p.is_error and p.file != shown[loading.JOURNAL] for p in problems)
    usable = project is not None and not plan_errors and not plan_file.partial and not units_file.partial
    clean = not any(p.is_error for p in problems)
    if failed is not None and clean:
        raise failed  # beside failed on a record free of errors: a fault of ours, not of the data
    return Checked(project if clean else None, problems, list(shown.values()), journal,
                   project.plan if usable else None, project.units if usable else None,
                   ahead if clean else None)


def _journal_beside(project: models.Project, journal: loading.JournalFile, known_bad: set, beside,
                    clean_so_far: bool) -> tuple[list[Diagnostic], object, Exception | None]:
    """(check_journal's findings, beside(project) or None, what beside raised or None): the check
    in a forked child while beside runs here, when no error was found before it (else beside's
    work would be dropped) and a child can be forked (parallel.py); else the check alone.
    beside runs before the check has judged the journal: on one with errors (an entry of a task
    the plan does not have) the fold it makes may fail, and what it raised counts only when the
    record proves free of errors (the caller raises it then)."""
    from . import parallel

    pending = None
    if beside is not None and clean_so_far:
        if project.journal is journal.entries:
            project.order  # both sides need it: computed once, before the fork  # noqa: B018
        pending = parallel.start(lambda: check_journal(project, journal, known_bad))
    if pending is None:
        return check_journal(project, journal, known_bad), None, None
    ahead = failed = None
    try:
        ahead = beside(project)
    except Exception as exc:  # noqa: BLE001 - judged once the check's findings are in (see above)
        failed = exc
    except BaseException:  # Ctrl-C: the child is stopped, not waited for
        pending.cancel()
        raise
    found = pending.result()
    if found is None:  # the child gave no answer: the check here, as without one
        found = check_journal(project, journal, known_bad)
    return found, ahead, failed


def _voided_invalid(project: models.Project, journal: loading.JournalFile, problems: list) -> list:
    """The problems of a journal line that is no valid entry but names an id a void voids: a
    warning that it is voided, no longer an error that refuses every write. A committed line
    is mended by appending, as every mistake is (a hand edit of history fails cc audit)."""
    from dataclasses import replace

    from ..diagnostics import WARNING
    from ..domain import rules

    valid = {e.id for e in journal.entries}
    for i in journal.invalid.keys() & valid:  # a line copied by hand and edited: named, never voided with it
        problems = [*problems, *(journal.src.problem(
            line, 1, "duplicate-entry-id", f'这一行的记录 id "{i}" 与一条有效记录相同',
            "它是手工复制后改出的一行：请删除这一行（它从来不是有效记录），需要时用相应的命令重新登记。")
            for line in journal.invalid[i])]
    named = {line: i for i in journal.invalid if i not in valid for line in journal.invalid[i]}
    voided = {}
    if any(e.kind == "void" and e.entry in journal.invalid for e in journal.entries):
        voided = rules.active_voids([journal.entries[k] for k in project.order])
    out = []
    for p in problems:
        i = named.get(p.line) if p.file == journal.src.display and p.is_error else None
        v = voided.get(i) if i is not None else None
        if v is not None:
            p = replace(p, severity=WARNING, message=f"已作废（{rules.cn_date(v.date)}，{v.reason}）的无效记录：{p.message}",
                        hint="这一行已由作废记录排除，不计入任何统计，无需再处理。")
        elif i is not None:  # mended by appending, as every mistake is: the command said
            joint = "" if not p.hint or p.hint.endswith(("。", "？")) else "；"
            p = replace(p, hint=f"{p.hint}{joint}这一行写错了又已提交时，可用 cc void {i} --reason … 作废它。")
        out.append(p)
    return out


def _unit_id_hint(problem: Diagnostic, units: list) -> Diagnostic:
    """A unit written by its name where its id belongs (lead: 城管局, co_units: [妇联]): the hint
    names the id to write, found among the roster's names and short names."""
    import dataclasses
    import unicodedata

    if problem.hint != loading.UNIT_ID_HINT or type(problem.value) is not str:
        return problem
    typed = unicodedata.normalize("NFKC", problem.value).strip()
    for unit in units:
        if typed in (unit.name, *unit.short_names):
            return dataclasses.replace(problem, hint=f"这里要写单位的 id：“{typed}”是 \"{unit.id}\"（{unit.name}），请写 {unit.id}。")
    return problem


@dataclass
class Usable:
    """What reads run on: the project without the journal lines that have errors."""

    project: models.Project
    problems: list[Diagnostic]  # what check_folder found (errors, and warnings but the roster's)
    skipped: int  # journal lines not counted
    unreadable: str = ""  # the journal as shown, when it could not be read at all
    unparsed: int = 0  # lines that hold no entry at all (broken JSON …): no id to void

    @property
    def errors(self) -> list[Diagnostic]:
        return [p for p in self.problems if p.is_error]


def load_usable(data_dir: Path, display_base: Path | None = None) -> Usable:
    """For reads: a broken journal line never locks the office out. Entries on lines with
    errors are left out (and then any entry that only made sense with them, e.g. a reply to a
    left-out notice), so status and reports still run on the rest. DataError when the YAML
    files themselves cannot give a plan."""
    return usable_from(check_folder(data_dir, display_base, authority=False, files=False))


def usable_from(checked: Checked) -> Usable:
    """load_usable of what check_folder found. An append not complete (loading.UNFINISHED) was
    left out as the journal was read: it leaves no entry out here."""
    errors = [p for p in checked.errors if p.code != loading.UNFINISHED]
    if not errors and checked.project is not None:
        return Usable(checked.project, checked.problems, 0)
    journal = checked.journal
    shown = journal.src.display if journal is not None else None
    if journal is None or any(p.file != shown for p in errors) or checked.plan is None:
        raise DataError(checked.errors or checked.problems)
    bad = {p.line for p in errors}
    if any(p.code == "file-encoding" for p in checked.errors):  # located at its first bad byte, yet the
        bad.add(0)  # whole file (saved as GBK, not text): no line of it was read
    if 0 in bad:  # the file as a whole (unreadable, too large …): nothing of it counts
        entries, lines = [], []
    else:
        keep = [k for k, line in enumerate(journal.lines) if line not in bad]
        entries, lines = [journal.entries[k] for k in keep], [journal.lines[k] for k in keep]
    for _ in range(10):  # drop what depended on dropped lines, until nothing more is wrong
        part = loading.JournalFile(journal.src, entries, lines)
        project = models.Project(checked.plan, checked.units, entries)
        more = {p.line for p in check_journal(project, part) if p.is_error}
        # a report to 市领导 stands or falls with the notice that triggered it
        gone = {e.id for e, line in zip(journal.entries, journal.lines) if line in bad}
        more |= {line for e, line in zip(entries, lines) if e.kind == "escalate" and e.trigger in gone}
        if not more:
            break
        keep = [k for k, line in enumerate(lines) if line not in more]
        entries, lines = [entries[k] for k in keep], [lines[k] for k in keep]
        bad |= more
    else:  # pragma: no cover - each round drops at least one line, so this is a long journal's cascade
        entries, lines = [], []
    project = models.Project(checked.plan, checked.units, entries)
    unparsed = len({line for line in bad if line} - set(journal.lines))  # no entry: only a hand edit fixes it
    return Usable(project, checked.problems, _skipped_lines(journal, lines, bad),
                  journal.src.display if 0 in bad else "", unparsed)


def _skipped_lines(journal: loading.JournalFile, kept: list[int], bad: set[int]) -> int:
    """Journal lines holding an entry (or meant to) that is not counted."""
    meant = set(journal.lines) | {line for line in bad if line}
    return len(meant - set(kept)) if 0 not in bad else max(len(meant - {0}), 1)


def warning_line(usable: Usable) -> str:
    """What a read says of the errors it left out ("" when none but an append not complete, which
    it says itself: cli/plain._say_unfinished)."""
    errors = [p for p in usable.errors if p.code != loading.UNFINISHED]
    if not errors:
        return ""
    usable = Usable(usable.project, [p for p in usable.problems if p.code != loading.UNFINISHED], usable.skipped,
                    usable.unreadable, usable.unparsed)
    if usable.unreadable:
        return (f"数据有 {len(usable.errors)} 处问题：日志文件 {usable.unreadable} 无法读取，全部记录未计入；"
                "运行 cc validate 查看。")
    fix = "用 cc void 作废错误的记录"
    if usable.unparsed:
        fix = (f"其中 {usable.unparsed} 行读不出有效的记录（JSON 损坏、编码有误或字段值无效）：能读出记录 id 的"
               "也用 cc void <id> 作废，读不出的按 cc validate 给出的行号手工修正"
               + ("，其余用 cc void 作废" if usable.unparsed < usable.skipped else ""))
    twice = "记录 id 重复的（合并时同一行带入了两次），确认两行相同后删除其中一行"  # cc void would void both
    if all(p.code == "duplicate-entry-id" for p in usable.errors):
        fix = twice
    elif any(p.code == "duplicate-entry-id" for p in usable.errors):
        fix += "；" + twice
    from ..diagnostics import foreign_hint

    hint = foreign_hint(usable.errors)
    if hint:  # the sample records of cc init: voiding them one by one is not the way
        return f"数据有 {len(usable.errors)} 处问题，{usable.skipped} 条记录未计入。" + hint.removeprefix("提示：")
    return f"数据有 {len(usable.errors)} 处问题，{usable.skipped} 条记录未计入；运行 cc validate 查看，{fix}。"


def report_note(usable: Usable) -> str:
    """What a report made from usable must say it left out ("" when nothing): the leaders read the
    report, not the terminal its warning went to (a hostile-input try found a page of 14 red
    tasks, 0 done, made from a journal Notepad had saved in UTF-16, without a word)."""
    errors = [p for p in usable.errors if p.code != loading.UNFINISHED]
    late = "日志末尾一次还没有完成的写入未计入" if len(errors) != len(usable.errors) else ""
    if not errors:
        return late
    if usable.unreadable:
        return "日志文件无法读取，全部记录未计入"
    return f"日志数据有 {len(errors)} 处问题，{usable.skipped} 条记录未计入" + (f"；{late}" if late else "")


def load_checked(data_dir: Path, display_base: Path | None = None) -> tuple[models.Project, list[Diagnostic]]:
    """The project, or DataError when any error was found; warnings are returned."""
    checked = require_clean(check_folder(data_dir, display_base))
    return checked.project, checked.warnings  # type: ignore[return-value]


def require_clean(checked: Checked) -> Checked:
    if checked.errors or checked.project is None:
        raise DataError(checked.errors or checked.problems)
    return checked


def check_append(checked: Checked, entries: list, lines: list[str], first: int | None = None) -> list[Diagnostic]:
    """Errors the journal would have with these entries appended (e.g. a back-dated report that
    makes a later one look like a decrease); empty when the append is safe. first: the line
    number the first of them gets, when the caller knows it (else the journal's lines are counted)."""
    assert checked.project is not None and checked.journal is not None
    old = checked.journal
    # Every rule an append can break looks at the entries of one task, or at the notice family,
    # so only those are checked again, unless a new id is already taken (then all of them).
    taken = {e.id for e in old.entries}
    if not any(e.id in taken for e in entries):
        touched = {e.task for e in entries if e.kind not in NOTICE_FAMILY}
        targets = {e.entry for e in entries if e.kind == "void"}  # and the tasks of what they void,
        # down a chain of voids: voiding a void brings back what that one voided (a verify whose
        # 100% report is voided since), whose task is then checked as well (a hostile-input try
        # un-voided such a verify, and the record held an error that refused every write)
        frontier = targets
        while frontier:
            frontier = {e.entry for e in old.entries if e.id in frontier and e.kind == "void"} - targets
            targets |= frontier
        touched |= {e.task for e in old.entries if e.id in targets and e.kind not in NOTICE_FAMILY}
        keep = [k for k, e in enumerate(old.entries)
                if e.kind in NOTICE_FAMILY or e.task in touched or e.id in targets]
        old = loading.JournalFile(old.src, [old.entries[k] for k in keep], [old.lines[k] for k in keep],
                                  invalid=old.invalid)
    raw = old.src.raw
    if first is None and raw is not None:  # count lines in the bytes: decoding a city's journal is not needed
        first = raw.count(b"\n") + (1 if raw.endswith(b"\n") or not raw else 2)
    elif first is None:
        text = old.src.text
        first = text.count("\n") + (1 if text.endswith("\n") or not text else 2)
    src = _Appended(old.src, first, lines)
    combined = loading.JournalFile(src, [*old.entries, *entries],
                                   [*old.lines, *range(first, first + len(entries))], invalid=old.invalid)
    project = models.Project(checked.project.plan, checked.project.units, combined.entries, old.invalid)
    # A slice may hold a void whose target lies outside it: the full check that built the
    # slice's source already found every old void's target, so only new lines can miss one.
    return [p for p in check_journal(project, combined)
            if p.is_error and not (p.code == "unknown-entry" and p.line < first)]


class _Appended(loading.Source):
    """The journal as it would read with lines appended, without copying it."""

    def __init__(self, old: loading.Source, first: int, lines: list[str]):
        super().__init__(old.path, old.display, "")
        self.old, self.first, self.new = old, first, lines

    def line_text(self, line: int) -> str:
        if line >= self.first:
            k = line - self.first
            return self.new[k] if k < len(self.new) else ""
        return self.old.line_text(line)


# -------------------------------------------------------------------- units


def _unit_labels(units: list[models.Unit]) -> dict[str, str]:
    return {u.id: u.name for u in reversed(units)}  # a duplicated id means its first unit


# Names that go into file names (督办通知 and 报告 .docx): a unit's name and the notice prefix.
# Caps in UTF-8 bytes so that the longest generated name, 关于<单位>创城工作督办情况的报告_<文号>.docx
# (47 bytes of fixed text, 文号 = prefix + 〔年〕 + number + 号), fits in 255 bytes.
MAX_NAME_BYTES = 120
MAX_PREFIX_BYTES = 60


def name_problem(src, locate, value: str, what: str, limit: int) -> Diagnostic | None:
    """unsafe-name for a name with a path separator (or nothing but dots), name-too-long for one
    over limit bytes; None for a name fit to be part of a file name. locate() gives (line, col,
    width), called only for a problem (it composes the YAML again)."""
    if looks_blank(value):  # "   ": no name at all, not a path ("只由点组成" was said of it)
        line, col, w = locate()
        return src.problem(line, col, "invalid-value", f"{what}是空白的（只有空格或看不见的字符）",
                           f"请写上{what}。", width=w)
    size = len(value.encode("utf-8"))
    bad = "/" in value or "\\" in value or set(value.strip()) <= {"."}
    if not bad and size <= limit:
        return invisible_problem(src, locate, value, what)
    line, col, w = locate()
    if bad:
        return src.problem(line, col, "unsafe-name", f'{what} "{value}" 中含有路径分隔符（/ 或 \\）或只由点组成',
                           "它会成为督办通知等文件名的一部分；请去掉 / 和 \\（可改用顿号或括号）。", width=w)
    if size > limit:
        return src.problem(line, col, "name-too-long",
                           f"{what}过长（{size} 字节，上限 {limit} 字节，约 {limit // 3} 个汉字）",
                           "它会成为督办通知等文件名的一部分，文件名不能超过 255 字节；请使用规范简称。", width=w)
    return None


def invisible_problem(src, locate, value: str, what: str) -> Diagnostic | None:
    """invalid-character for a name holding an invisible format character (a zero-width space,
    a left-to-right mark …): two units that read alike would be told apart by nothing one sees or
    types, and a person so named could never be matched by --by."""
    from ..textguard import describe, first_unseen

    at = first_unseen(value)  # a format character, a blank filler (U+3164), a variation selector
    if at < 0:
        return None
    line, col, w = locate()
    # a warning: data kept before this check never locks anyone out; cc validate --strict (CI) fails on it
    return src.problem(line, col, "invalid-character",
                       f"{what} \"{value}\" 中含有不可见字符 {describe(value[at])}（第 {at + 1} 个字符）",
                       "名称要能照着字面输入和比对；请删除这个不可见字符。", width=w, severity=WARNING)


def phone_problem(src, loc, path, phone: str) -> Diagnostic | None:
    """A warning for a phone that is no telephone number (abc, 0, 2023-12-05): it is printed in
    the notices' 附注 and the liaison lists as it is written (a warning: the record is not wrong)."""
    fault = models.phone_fault(phone)
    if not fault:
        return None
    line, col, w = loc(path)
    shown = phone if len(phone) <= 30 else phone[:20] + "…"
    return src.problem(line, col, "invalid-value", f"电话号码“{shown}”不像电话号码（{fault}）",
                       "请写数字，如 0571-87001234、13800000000，分机写 转8012，几个号码用顿号分开；不知道可以不填。",
                       width=w, severity=WARNING)


def check_units(units_file: loading.YamlFile) -> list[Diagnostic]:
    units: list[models.Unit] = units_file.model.units  # type: ignore[union-attr]
    loc = units_file.locate
    src = units_file.src
    problems = []
    for i, unit in enumerate(units):
        for j, name in enumerate([unit.name, *unit.short_names]):
            path = ("units", i, "name") if j == 0 else ("units", i, "short_names", j - 1)
            found = name_problem(src, lambda path=path: loc(path), name, "单位名称" if j == 0 else "单位简称", MAX_NAME_BYTES)
            if found is not None:
                problems.append(found)
            elif j and any(mark in name for mark in "，、,；;"):
                # [中院，市中院]: a full-width comma does not separate YAML's list items, and the two
                # names became one, shown everywhere as 中院，市中… (a fresh-eyes try)
                line, col, w = loc(path)
                parts = [p.strip() for p in re.split(r"[，、,；;]", name) if p.strip()]
                problems.append(src.problem(
                    line, col, "invalid-value", f'单位简称 "{name}" 中有逗号、顿号或分号：几个简称被写成了一项',
                    f"简称各写一项，用半角逗号加空格分开：short_names: [{', '.join(parts)}]", width=w,
                    severity=WARNING))
        people = [(("units", i, role, "name"), getattr(unit, role).name) for role in ("head", "deputy", "liaison")]
        people += [(("units", i, "staff", k, "name"), p.name) for k, p in enumerate(unit.staff)]
        people += [(("units", i, "sections", k, "head"), s.head) for k, s in enumerate(unit.sections)]
        for path, name in [*((("units", i, "sections", k, "name"), s.name) for k, s in enumerate(unit.sections)),
                           *people]:
            found = invisible_problem(src, lambda path=path: loc(path), name,
                                      "科室名称" if path[2] == "sections" and path[-1] == "name" else "姓名")
            if found is not None:
                problems.append(found)
    phones = [(("units", i, role, "phone"), getattr(unit, role).phone) for i, unit in enumerate(units)
              for role in ("head", "deputy", "liaison")]
    phones += [(("units", i, "staff", k, "phone"), p.phone) for i, unit in enumerate(units)
               for k, p in enumerate(unit.staff)]
    phones += [(("units", i, "sections", k, "phone"), s.phone) for i, unit in enumerate(units)
               for k, s in enumerate(unit.sections)]
    problems += [found for path, phone in phones if (found := phone_problem(src, loc, path, phone)) is not None]
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, models.Unit] = {}
    ids = {unit.id: unit for unit in reversed(units)}  # a name that is another unit's id: --unit rsj
    for i, unit in enumerate(units):
        if unit.id in seen_ids:
            line, col, w = loc(("units", i, "id"))
            problems.append(src.problem(line, col, "duplicate-unit-id",
                                        f'单位 id "{unit.id}" 重复（第 {loc(("units", seen_ids[unit.id], "id"))[0]} 行已使用）',
                                        "每个单位的 id 必须唯一。", width=w))
        else:
            seen_ids[unit.id] = i
        for j, name in enumerate([unit.name, *unit.short_names]):
            # as one sees it: "人社局\u3164" (a blank filler) and 人社局 read as one (a hostile-input try)
            owner = seen_names.get(as_seen(name))
            other = ids.get(name) or ids.get(name.lower())  # RSJ: --unit RSJ and --unit rsj differ
            if other is not None and other.id != unit.id:  # [司法局, rsj] with rsj 人社局's id
                path = ("units", i, "name") if j == 0 else ("units", i, "short_names", j - 1)
                line, col, w = loc(path)
                case = "" if name == other.id else f' "{other.id}"，只差大小写'
                problems.append(src.problem(line, col, "duplicate-unit-name",
                                            f'名称 "{name}" 是另一个单位（{other.name}）的 id{case}',
                                            "单位的全称和简称不能与其他单位的 id 相同，否则 --unit "
                                            f"{name} 无法判断指的是哪个单位。", width=w))
            elif owner is not None and owner.id != unit.id:
                path = ("units", i, "name") if j == 0 else ("units", i, "short_names", j - 1)
                line, col, w = loc(path)
                problems.append(src.problem(line, col, "duplicate-unit-name",
                                            f'名称 "{name}" 已被单位 "{owner.id}"（{owner.name}）使用',
                                            "全称和简称都不能与其他单位重复，否则无法判断指的是哪个单位。", width=w))
            seen_names.setdefault(as_seen(name), unit)
        section_names: set[str] = set()
        for k, section in enumerate(unit.sections):
            # by name: two sections of one name are ambiguous even when their heads differ
            if section.name in section_names:
                line, col, w = loc(("units", i, "sections", k, "name"))
                problems.append(src.problem(line, col, "duplicate-section",
                                            f'科室 "{section.name}" 在 {unit.name} 中重复', width=w))
            section_names.add(section.name)
    return problems


# --------------------------------------------------------------------- plan


MAX_SHORT_TITLE = 10  # 任务简称（10个字以内）, as the shipped tasklist.yaml says
FIELD_LABELS = {"notice_prefix": "督办通知的机关代字", "report_prefix": "报告市领导的机关代字"}


def check_plan(project: models.Project, plan_file: loading.YamlFile,
               units_file: loading.YamlFile) -> list[Diagnostic]:
    plan = project.plan
    camp = plan.campaign
    src = plan_file.src
    loc = plan_file.locate
    unit_ids = set(project.units_by_id) | units_file.dropped.get("units", set())
    labels = _unit_labels(project.units)
    problems: list[Diagnostic] = []

    def at(path, code, message, hint="", severity="error"):
        line, col, w = loc(path)
        problems.append(src.problem(line, col, code, message, hint, severity, width=w))

    found = phone_problem(src, loc, ("campaign", "contact", "phone"), camp.contact.phone)
    if found is not None:
        problems.append(found)
    people = [(("campaign", "contact", "name"), camp.contact.name)]
    people += [(("campaign", "office_staff", k), name) for k, name in enumerate(camp.office_staff)]
    for path, name in people:  # the office's people act by these names (--by): as units.yaml's
        found = invisible_problem(src, lambda path=path: loc(path), name, "姓名")
        if found is not None:
            problems.append(found)

    def unit_ref(path, unit_id):
        if unit_id not in unit_ids:
            at(path, "unknown-unit", f'未知单位 "{unit_id}"（units.yaml 中没有此单位）',
               did_you_mean(unit_id, unit_ids, labels) or "请先在 units.yaml 中添加该单位，或改正 id。")

    unit_ref(("campaign", "lead_unit"), camp.lead_unit)
    found = name_problem(src, lambda: loc(("policy", "notice_prefix")), plan.policy.notice_prefix, "督办通知文号前缀",
                         MAX_PREFIX_BYTES)
    if found is not None:
        problems.append(found)
    for field in ("notice_prefix", "report_prefix"):  # 法治督〔2023〕9号 for 法治督: every 文号 would read 法治督〔2023〕9号〔2023〕1号
        prefix = getattr(plan.policy, field)
        m = re.search(r"[〔［\[（(]\s*\d{4}|\d+\s*号", prefix)
        if m:
            bare = prefix[:m.start()].strip() or "××督"
            at(("policy", field), "invalid-value", f"{FIELD_LABELS[field]}“{prefix}”中含有年份或序号",
               f"只写机关代字本身，如 {field}: {bare}：年份和序号由 cc 按发文日期和次序加上（{bare}〔{camp.year}〕1号）。",
               severity=WARNING)

    if _machine_zone(camp.timezone):
        at(("campaign", "timezone"), "invalid-value", f'时区 "{camp.timezone}" 不是固定的地区时区',
           "localtime 随各单位电脑的设置而变，posix/、right/ 开头的是系统时区库的变体（right/ 含闰秒，"
           "时间差二十多秒）：请写 IANA 时区名，如 Asia/Shanghai（省略即为 Asia/Shanghai）。")
    elif not _known_zone(camp.timezone):
        at(("campaign", "timezone"), "invalid-value", f'未知时区 "{camp.timezone}"',
           "请写 IANA 时区名，如 Asia/Shanghai（省略即为 Asia/Shanghai）。")
    # With start after end every date would be "outside the campaign": report the cause once.
    dates_ok = camp.start <= camp.end
    if not dates_ok:
        at(("campaign", "end"), "campaign-dates", "创建活动的结束日期早于开始日期")
    if camp.start.year != camp.year and camp.end.year != camp.year:
        years = f"{camp.start.year}" + (f" 或 {camp.end.year}" if camp.end.year != camp.start.year else "")
        at(("campaign", "year"), "campaign-dates",
           f"年度 {camp.year} 与活动起止日期（{camp.start} 至 {camp.end}）不符",
           f"请把 year 改为 {years}，或检查 start、end 是否写错：导入问题表和命令中的日期写成“6月8日”这类"
           "不写年份的，按 year 补全年份。", severity=WARNING)

    seen: dict[str, int] = {}
    for i, ind in enumerate(plan.indicators):
        if ind.id in seen:
            at(("indicators", i, "id"), "duplicate-indicator-id", f'指标 id "{ind.id}" 重复',
               "每个创建指标的 id 必须唯一。")
        seen.setdefault(ind.id, i)
    indicator_ids = set(seen) | plan_file.dropped.get("indicators", set())

    seen = {}
    owned: Counter[str] = Counter()
    for i, task in enumerate(plan.tasks):
        if task.id in seen:
            at(("tasks", i, "id"), "duplicate-task-id",
               f'任务 id "{task.id}" 重复（第 {loc(("tasks", seen[task.id], "id"))[0]} 行已使用）',
               "每个具体任务的 id 必须唯一。")
        seen.setdefault(task.id, i)
        if task.indicator not in indicator_ids:
            at(("tasks", i, "indicator"), "unknown-indicator", f'未知指标 "{task.indicator}"',
               did_you_mean(task.indicator, indicator_ids) or f"已有指标：{'、'.join(sorted(indicator_ids))}")
        unit_ref(("tasks", i, "lead"), task.lead)
        owned.update(set(task.units))
        co_seen = set()
        for j, co in enumerate(task.co_units):
            unit_ref(("tasks", i, "co_units", j), co)
            if co == task.lead:
                at(("tasks", i, "co_units", j), "co-unit-is-lead",
                   f'配合单位 "{co}" 与牵头单位相同', "请从 co_units 中删除牵头单位。")
            elif co in co_seen:
                at(("tasks", i, "co_units", j), "duplicate-co-unit", f'配合单位 "{co}" 重复列出')
            co_seen.add(co)
        if dates_ok and not camp.start <= task.deadline <= camp.end:
            at(("tasks", i, "deadline"), "date-outside-campaign",
               f"完成时限 {task.deadline} 不在创建活动期间（{camp.start} 至 {camp.end}）",
               "请把完成时限改到活动期间内。")
        if len(task.short_title) > MAX_SHORT_TITLE:
            # what the shipped tasklist's comment asks; a long one pushed 科室/责任人 out of cc status
            at(("tasks", i, "short_title"), "invalid-value",
               f"任务简称有 {len(task.short_title)} 个字，超过 {MAX_SHORT_TITLE} 个字",
               "简称用于 cc status 等表格和督办通知中的简短引用，过长会挤掉其他列；请精简到 "
               f"{MAX_SHORT_TITLE} 个字以内（完整名称写在 title 中）。", severity=WARNING)
        prev_date, prev_pct = camp.start, 0
        for j, ms in enumerate(task.milestones):
            path = ("tasks", i, "milestones", j, "date")
            if dates_ok and not camp.start <= ms.date <= camp.end:
                at(path, "date-outside-campaign", f"节点日期 {ms.date} 不在创建活动期间（{camp.start} 至 {camp.end}）",
                   "请把节点日期改到活动期间内（并早于完成时限）。")
            elif ms.date >= task.deadline:
                at(path, "milestone-order", f"节点日期 {ms.date} 不早于完成时限 {task.deadline}",
                   "节点应在完成时限之前；完成时限本身即 100%。")
            elif ms.date <= prev_date and j > 0:
                at(path, "milestone-order", f"节点日期 {ms.date} 不晚于上一个节点 {prev_date}",
                   "节点应按日期先后排列。")
            if ms.percent < prev_pct:
                at(("tasks", i, "milestones", j, "percent"), "milestone-order",
                   f"节点进度 {ms.percent}% 低于上一个节点的 {prev_pct}%", "节点进度应逐步增加。")
            elif ms.percent >= 100:  # the template says below 100 (a try of a new group passed 100)
                at(("tasks", i, "milestones", j, "percent"), "milestone-order",
                   f"节点进度 {ms.percent}% 即已完成，序时进度在节点日期就到 100%",
                   "节点是完成时限之前的阶段目标，百分比应小于 100；要求在这一天完成的，请把它写成任务的完成时限（deadline）。",
                   severity=WARNING)
            prev_date, prev_pct = ms.date, ms.percent

    if plan_file.partial or units_file.partial:
        return problems  # "owns no task" would only echo the schema errors above
    used_indicators = {t.indicator for t in plan.tasks}
    for i, ind in enumerate(plan.indicators):
        if ind.id not in used_indicators:
            at(("indicators", i, "id"), "indicator-without-task", f'指标 "{ind.name}" 下没有任何任务',
               severity=WARNING)
    for i, unit in enumerate(project.units):
        if owned[unit.id] == 0:
            line, col, w = units_file.locate(("units", i, "id"))
            problems.append(units_file.src.problem(
                line, col, "unit-without-task", f"{unit.name} 没有承担任何任务",
                "如该单位不再参与，可从 units.yaml 删除；否则请在 tasklist.yaml 中分配任务。",
                WARNING, width=w))
    return problems


# What names the example group (its 文号 代字, 署名, 版记, 签发人, 发文机关, contact) in the
# tasklist.yaml cc init copies: a new group that keeps one issues its documents as the example's.
_EXAMPLE_FIELDS = (("policy", "notice_prefix"), ("policy", "report_prefix"), ("documents", "signature"),
                   ("documents", "printer"), ("documents", "signer"), ("campaign", "issuer"),
                   ("campaign", "office"), ("campaign", "contact", "name"), ("campaign", "contact", "title"),
                   ("campaign", "contact", "phone"))


@functools.lru_cache(maxsize=1)
def _example_values() -> tuple[str, dict]:
    """(the example group's name, its value of each of _EXAMPLE_FIELDS it writes) from the
    tasklist.yaml cc init copies; ("", {}) when it cannot be read."""
    import yaml

    from .scaffold import EXAMPLE

    try:
        doc = yaml.load((EXAMPLE / "tasklist.yaml").read_text(encoding="utf-8"),
                        Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except (OSError, ValueError, ImportError, yaml.YAMLError):  # pragma: no cover - the package's own file
        return "", {}
    values = {}
    for path in _EXAMPLE_FIELDS:
        node = doc
        for key in path:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, str) and node.strip():
            values[path] = node.strip()
    group = (doc.get("campaign") or {}).get("group", "") if isinstance(doc, dict) else ""
    return (group if isinstance(group, str) else ""), values


def check_leftovers(plan: models.Plan, plan_file: loading.YamlFile) -> list[Diagnostic]:
    """A warning for each field a group other than the example's still holds as the example wrote
    it (found by a try of a new group: its notices were 法治督〔2027〕1号, signed 法治环境工作推进组
    （市司法局代章）, and cc validate said nothing). Run by cc validate (check_folder with files):
    a read shows no warnings, and need not parse the example."""
    group, values = _example_values()
    camp = plan.campaign
    if not group or camp.group.strip() == group:
        return []
    out = []
    for path, value in values.items():
        node = plan
        for key in path:
            node = getattr(node, key, None)
        if isinstance(node, str) and node.strip() == value:
            line, col, width = plan_file.locate(path)
            out.append(plan_file.src.problem(
                line, col, "example-leftover", f"{'.'.join(path)} 仍是示例数据中{group}的“{value}”，本推进组是“{camp.group}”",
                "cc init 建的数据从示例推进组改起：督办通知和报告市领导的文号、署名、版记、签发人和附注都取自这里，"
                "请改为本推进组的" + ("（或删去这一项，用默认值）。" if path[0] == "documents" else "。"),
                WARNING, width=width))
    return out


def _machine_zone(name: str) -> bool:
    """A name the machine's zone files hold that is no campaign's place: localtime (whatever each
    computer is set to: two units would count different days), posix/… and right/… (variants of
    every zone; right/ counts leap seconds), Factory."""
    return name in ("localtime", "Factory") or name.startswith(("posix/", "right/", "posixrules"))


def _known_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except Exception:  # ZoneInfoNotFoundError, or ValueError for a path-like name
        return False
    return True


# ------------------------------------------------------------------ journal


def _final_newline(path: Path, journal) -> list[Diagnostic]:
    """A journal whose last line has no newline (an editor took it away): the next union merge
    glues another branch's first line to it, or gives its line twice (a fresh-eyes try found a
    record doubled, and the way out of that then failed cc audit). cc itself adds one before it
    appends; said here, so that CI stops it before it is pushed."""
    from .state import journal_raw, open_regular

    try:
        with open_regular(path) as fh:  # its last byte: a city's journal is not read again for it
            size = os.fstat(fh.fileno()).st_size
            if size == 0:
                return []
            fh.seek(size - 1)
            if fh.read(1) == b"\n":
                return []
    except OSError:  # missing or unreadable: said by the loader
        return []
    raw = journal_raw(path, keep=False)
    if not raw or raw.endswith(b"\n") or not raw.strip(loading.BLANK):
        return []
    line = raw.count(b"\n") + 1
    if any(p.line == line for p in journal.problems):  # a line cut off or damaged: said already
        return []
    return [journal.src.problem(line, 0, "journal-final-newline", "日志最后一行的末尾没有换行",
                                "请在文件末尾加一个换行（多是编辑器去掉的；cc 写入时会先补上）：缺少它，"
                                "合并分支（merge=union）时这一行会与别处追加的行粘在一起，或被合并成两份。",
                                severity=WARNING)]


def _duplicate_notice(entries: list, lines: list, first: int, later: int, answered: dict, labels: dict, bad) -> None:
    """Two notices of one number (two branches each issued it, merged): said on the later line,
    naming the one to void: the one nothing is recorded against (a reply by its unit), else the
    one issued later. A fresh-eyes try found the hint voiding the first in the file, issued first
    and already answered, which left its unit's reply pointing at the other notice and every
    unit's writes refused."""
    a, b = entries[first], entries[later]
    a_answered, b_answered = (bool(answered.get((n.ref, n.unit))) and a.unit != b.unit for n in (a, b))
    if a_answered != b_answered:
        victim, kept = (b, a) if a_answered else (a, b)
        why = f"另一份已有{labels.get(kept.unit, kept.unit)}的整改反馈，请作废没有反馈的这一份"
    else:
        victim, kept = (b, a) if (rules.moment(b), later) >= (rules.moment(a), first) else (a, b)
        why = "请作废后发出的一份"
    first_void = ""
    if a_answered and b_answered:  # its unit's replies would answer the other notice: voided first
        replies = answered[(victim.ref, victim.unit)]
        first_void = ("先作废其单位对它的整改反馈（" + "、".join(f"cc void {r}" for r in replies[:3])
                      + ' --reason "编号重复"），再 ')
    # to one unit both: one notice sent twice, voiding one is all (cc notice would refuse another
    # while the one kept is open: a fresh-eyes try was told to send it again)
    then = ("两份发给的是同一单位，作废一份即可，不必重新发文" if a.unit == b.unit
            else "再用 cc notice 重新发文（取下一个编号，原编号不再使用）")
    bad(later if victim is b else first, "number", "duplicate-notice-number",  # on the line of the one to void
        f"督办通知编号 {b.doc_no} 重复（第 {lines[later if victim is a else first]} 行还有一份，"
        f"记录 {kept.id}）",
        f"两个分支各自发出了同一编号（合并后才发现）。{why}（发给{labels.get(victim.unit, victim.unit)}，"
        f'{rules.cn_date(victim.date)}发出）：{first_void}cc void {victim.id} --reason "编号重复"，'
        f"{then}；作废的通知不计入督办次数。")


def _against_earlier(i: int, entry, earlier: list, waiting: set, in_force: dict, closed: set, answered: dict,
                     labels: dict, policy, bad) -> None:
    """A notice that could not have been sent knowing the unit's earlier ones (earlier: (index,
    notice) of those in force before it): two branches each noticed the unit and were merged.
    notice-while-open: not forced, while an earlier one was open and blocked a new one (its
    整改期限 not come, or its reply awaiting review), what cc notice refuses; notice-seq-behind
    (forced ones too): its 第N次 counts fewer notices than stand before it. Either way both count
    toward the unit's 督办 and its escalation, one more than it was noticed knowingly. Said on
    the line of the one to void: the one its unit has not replied to, else the later one (a
    fresh-eyes try voided the answered one as told, and its unit was then late on the other)."""
    blocking = None if entry.forced else next(
        ((k, before) for k, before in earlier if before.ref not in closed
         and (before.ref in waiting or entry.date <= in_force[before.ref])), None)
    behind = entry.seq < len(earlier) + 1
    if blocking is None and not behind:
        return
    k, before = blocking or earlier[-1]
    unit = labels.get(entry.unit, entry.unit)
    mine, theirs = (bool(answered.get((n.ref, n.unit))) for n in (entry, before))
    if mine and not theirs:
        at = k
        void = (f"这一份 {entry.doc_no} 已有{unit}的整改反馈，请作废没有反馈的 {before.doc_no}："
                f'cc void {before.id} --reason "重复督办"（作废有反馈的一份，该单位会对另一份按没有反馈计逾期）')
    else:
        at = i
        void = f'请作废这一份 {entry.doc_no}：cc void {entry.id} --reason "重复督办"'
    threshold = policy.escalation_threshold
    counted = (f"该单位现计 {len(earlier) + 1} 次督办" + (f"，已满报告{policy.escalate_to}的 {threshold} 次"
                                                        if len(earlier) + 1 >= threshold else ""))
    if blocking is not None:
        why = ("已作出整改反馈、正待牵头单位审核" if before.ref in waiting
               else f"整改期限{rules.cn_date(in_force[before.ref])}尚未届满")
        bad(at, "unit", "notice-while-open",
            f"督办通知 {entry.doc_no}（第{entry.seq}次督办，{rules.cn_date(entry.date)}）发出时，"
            f"{unit}的督办通知 {before.doc_no}（记录 {before.id}）{why}，这一份又不是强制督办",
            f"cc notice 不会这样发出，多半是两个分支各自督办了同一单位、合并后才出现：两份都计入督办次数（{counted}），"
            f"比它实际得到的整改机会多算一次。请核实：如属重复，{void}，作废的通知不计入督办次数；如确需两份都有效，"
            f"请作废 {entry.doc_no} 后用 cc notice --force --reason 说明理由重新发出。", severity=WARNING)
        return
    bad(at, "seq", "notice-seq-behind",
        f"督办通知 {entry.doc_no}（{rules.cn_date(entry.date)}）写的是第{entry.seq}次督办，按日志此前{unit}已有 "
        f"{len(earlier)} 份有效的督办通知（最近一份 {before.doc_no}，记录 {before.id}）",
        f"发文时不知道另一份，多半是两个分支各自督办了同一单位、合并后才出现：{counted}，这一份写的次数不对。"
        f"请核实：如属重复，{void}，作废的通知不计入督办次数；如两份都应有效，请作废 {entry.doc_no} 后用 "
        "cc notice --force --reason 说明理由重新发出（按现在的次数编排，达到次数的同时报告市领导）。", severity=WARNING)


def check_journal(project: models.Project, journal: loading.JournalFile,
                  known_bad: set[str] = frozenset()) -> list[Diagnostic]:
    """known_bad: ids of units and tasks that exist but failed validation (already reported)."""
    problems: list[Diagnostic] = []
    # first wins for a duplicated id (reported elsewhere), as the line numbers in messages say
    units = {u.id: u for u in reversed(project.units)}
    tasks = {t.id: t for t in reversed(project.plan.tasks)}
    labels = _unit_labels(project.units)
    camp = project.plan.campaign
    ids: dict[str, int] = {}
    notices: dict[str, models.Notice] = {}
    last_percent: dict[str, models.Progress] = {}  # task → its last report
    by_lead: set[str] = set()  # tasks its lead unit (as tasklist.yaml has it now) reported on
    by_other: dict = {}  # task → (line index, entry) of its last report by another of its units
    complete: dict[str, bool] = {}
    verified: dict[str, models.Verify] = {}  # task → its 验收销号 in force (none after a reopen or a lower report)

    def bad(i, key, code, message, hint="", severity="error"):
        problems.append(journal.problem_at(i, key, code, message, hint, severity))

    def unit_ok(i, key, unit_id) -> bool:
        if unit_id in units:
            return True
        if unit_id in known_bad:
            return False
        bad(i, key, "unknown-unit", f'未知单位 "{unit_id}"（units.yaml 中没有此单位）',
            did_you_mean(unit_id, units, labels))
        return False

    def task_ok(i, key, task_id) -> bool:
        if task_id in tasks:
            return True
        if task_id in known_bad:
            return False
        # a record's task written wrong, or (every record of it reported so) a task renumbered in
        # tasklist.yaml: the journal is not what to edit (a fresh-eyes try was asked 是否为 "T12a"
        # on each record after the plan renamed T12)
        guess = did_you_mean(task_id, tasks)
        bad(i, key, "unknown-task", f'未知任务 "{task_id}"（tasklist.yaml 中没有此任务）',
            guess + "如是 tasklist.yaml 改了任务编号，请改回原编号（编号一经印发不要再改，"
            "日志按编号对应任务）；如是这条记录写错了任务，请用 cc void 作废它后重新登记。")
        return False

    # the project's cached order when it holds these very entries (it always does here)
    order = project.order if project.journal is journal.entries else rules.journal_order(journal.entries)
    owners = {t.id: set(t.units) for t in tasks.values()}
    plan_ok = {tid: all(u in units for u in us) for tid, us in owners.items()}  # else reported in the plan
    known_owners = {tid: us for tid, us in owners.items() if plan_ok[tid]}
    entries = journal.entries
    # Voided entries count nowhere, so no rule between entries applies to them.
    has_voids = any(e.kind == "void" for e in entries)
    voided = rules.active_voids([entries[i] for i in order]) if has_voids else {}
    # The common case (no duplicate id, nothing dated before the campaign) is settled at C speed.
    all_ids = [e.id for e in entries]
    unique = len(set(all_ids)) == len(all_ids)
    early = camp.start <= camp.end and min(map(attrgetter("date"), entries), default=camp.start) < camp.start
    first_of_ref: dict[str, int] = {}
    twice: list[tuple[int, int]] = []  # (first, later) notices of one number, neither voided
    answered: dict[tuple[str, str], list[str]] = {}  # (notice ref, unit) → ids of its replies in force
    voided_notices: list = []
    void_refs: set[str] = set()  # notices voided: what is about them is still answerable
    void_problems: dict[str, object] = {}  # problem id → the void in force over its 交办
    problem_days: dict[str, dt.date] = {}  # the day each problem was recorded (on its last line of that id)
    for i, entry in enumerate(entries):  # one pass: a city's journal holds some hundred thousand
        if not unique:
            if entry.id in ids:
                bad(i, "id", "duplicate-entry-id",
                    f'记录 id "{entry.id}" 重复（第 {journal.lines[ids[entry.id]]} 行已有）',
                    "可能是合并分支时同一行被带入了两次；确认两行相同后删除其中一行。")
            else:
                ids[entry.id] = i
        if early and entry.date < camp.start:
            bad(i, "date", "entry-date-outside-campaign",
                f"记录日期 {entry.date} 早于创建活动开始日期 {camp.start}", severity=WARNING)
        kind = entry.kind
        if kind == "notice":
            if entry.id in voided:
                void_refs.add(entry.ref)
                voided_notices.append(entry)
                continue
            if entry.ref in notices:
                twice.append((first_of_ref[entry.ref], i))  # said after the pass: which one to void
            notices.setdefault(entry.ref, entry)
            first_of_ref.setdefault(entry.ref, i)
        elif kind == "reply" and entry.id not in voided:
            answered.setdefault((entry.notice, entry.unit), []).append(entry.id)
        elif kind == "problem":
            if entry.id in voided:
                void_problems[entry.problem] = voided[entry.id]
            else:
                problem_days[entry.problem] = entry.date
    for first, later in twice:
        _duplicate_notice(entries, journal.lines, first, later, answered, labels, bad)
    known_ids = set(all_ids) if has_voids else set()
    found_problems: dict[str, _ProblemSeen] = {}
    waiting: set[str] = set()  # notices with a reply waiting for review
    # each unit's notices so far (a number given twice is left to _duplicate_notice), with the
    # 整改期限 in force and whether closed: a notice sent without knowing of them (_against_earlier)
    given_twice = {entries[k].ref for pair in twice for k in pair}
    sent: dict[str, list] = {}
    in_force: dict[str, dt.date] = {}
    closed: set[str] = set()

    for i in order:
        entry = entries[i]
        kind = entry.kind
        if kind == "void":
            if entry.entry not in known_ids and entry.entry not in journal.invalid:
                same_day = [k for k in known_ids if k[:9] == entry.entry[:9] and k != entry.id]
                bad(i, "entry", "unknown-entry", f"找不到要作废的记录 {entry.entry}",
                    did_you_mean(entry.entry, same_day) or "请用 cc history 查看记录 id。")
            elif entry.entry == entry.id:
                bad(i, "entry", "unknown-entry", "记录不能作废自身")
            continue
        if entry.id in voided:
            continue
        if kind in ("assign", "progress", "verify", "reopen"):
            # The common case needs none of the reference checks: a progress report on a known
            # task by a known unit that is one of its own.
            settled = (kind == "progress" and entry.task in tasks and entry.unit in units
                       and entry.unit in owners[entry.task])
            if not settled:
                if not task_ok(i, "task", entry.task):
                    continue
                task = tasks[entry.task]
                if kind in ("assign", "progress") and unit_ok(i, "unit", entry.unit) and plan_ok[task.id]:
                    if entry.unit not in owners[task.id]:
                        bad(i, "unit", "unit-not-on-task",
                            f"{labels[entry.unit]} 不是任务 {task.id} 的责任单位",
                            "该任务的责任单位：" + "、".join(labels.get(u, u) for u in task.units))
                    elif kind == "assign" and units[entry.unit].section(entry.section) is None:
                        names = "、".join(s.name for s in units[entry.unit].sections)
                        bad(i, "section", "unknown-section",
                            f'{labels[entry.unit]} 没有科室 "{entry.section}"',
                            did_you_mean(entry.section, [s.name for s in units[entry.unit].sections])
                            or f"该单位的科室：{names}")
            if kind == "progress":
                before = last_percent.get(entry.task)
                if before is not None and entry.percent < before.percent and not entry.correction:
                    # the earlier report named: when it is the wrong one (a backfilled or merged
                    # line with a wrong date or percent), it is what to void, not this line
                    bad(i, "percent", "progress-decrease",
                        f"进度 {entry.percent}% 低于上次报送的 {before.percent}%"
                        f"（{rules.cn_date(before.date)}，记录 {before.id}），但没有说明更正原因",
                        f"如确需下调，请作废这一条（cc void {entry.id} --reason …），再用 cc log … --correct 更正原因 "
                        "重新报送；如上次那条报送有误（如补登、合并进来的记录日期或进度填错），请作废那一条："
                        f"cc void {before.id} --reason …")
                last_percent[entry.task] = entry
                complete[entry.task] = entry.percent == 100
                if entry.percent < 100:  # as rules._task_entry: no longer 验收销号
                    verified.pop(entry.task, None)
                if entry.task in tasks:
                    if entry.unit == tasks[entry.task].lead:
                        by_lead.add(entry.task)
                    elif entry.unit in owners[entry.task]:
                        by_other[entry.task] = (i, entry)
                if entry.evidence:
                    _check_evidence_paths(i, entry, bad)
            elif kind == "verify":
                if not complete.get(entry.task):
                    bad(i, "task", "verify-before-complete",
                        f"任务 {entry.task} 尚未报送办结（100%），不能验收销号")
                elif entry.task in verified:
                    # a 验收 backdated before one already recorded (cc verify --as-of refuses only a
                    # later one), or a merge's: two dates of one 验收, the views would take one each
                    # (a fresh-eyes try: cc show the later, the lead unit's review time the earlier)
                    before = verified[entry.task]
                    bad(i, "task", "verify-twice",
                        f"任务 {entry.task} 已验收销号（{rules.cn_date(before.date)}，记录 {before.id}），"
                        "其后没有退回重办或下调进度，不能再次验收销号",
                        "同一次验收只能有一条记录：请作废多余的一条（补登时写错日期的，作废它后按正确日期重新登记）："
                        f"cc void {entry.id} --reason \"重复验收\"，或 cc void {before.id} --reason \"重复验收\"。")
                else:
                    verified[entry.task] = entry
            elif kind == "reopen":
                complete[entry.task] = False
                verified.pop(entry.task, None)
                last_percent.pop(entry.task, None)  # sent back: the next report starts afresh (95% after 100%)
                if entry.deadline is not None and entry.deadline <= entry.date:
                    bad(i, "deadline", "reopen-deadline", f"重办期限 {entry.deadline} 应晚于退回日期 {entry.date}")
        elif kind == "notice":
            unit_ok(i, "unit", entry.unit)
            for t in entry.tasks:
                task_ok(i, "tasks", t)
            if entry.file and unsafe_document(entry.file):
                _unsafe_document(i, entry.file, bad)
            if entry.ref not in given_twice:
                earlier = sent.setdefault(entry.unit, [])
                if earlier:
                    _against_earlier(i, entry, earlier, waiting, in_force, closed, answered, labels,
                                     project.plan.policy, bad)
                earlier.append((i, entry))
                in_force[entry.ref] = entry.deadline
        elif kind in ("reply", "close", "reject"):
            if kind == "reply" and entry.evidence:
                _check_evidence_paths(i, entry, bad)
            if entry.notice in void_refs and entry.notice not in notices:
                # about a notice voided since: it counts nowhere, nor does this; one recorded
                # after the void (by hand, or merged from where the void was not yet known) is said
                gone = next((n for n in voided_notices if n.ref == entry.notice), None)
                if gone is not None:
                    _after_void(i, entry, f"督办通知 {gone.doc_no}", voided[gone.id], bad)
                continue
            if entry.notice not in notices:
                bad(i, "notice", "unknown-notice", f"找不到督办通知 {entry.notice}",
                    did_you_mean(entry.notice, notices))
            elif kind == "reply" and unit_ok(i, "unit", entry.unit) and entry.unit != notices[entry.notice].unit \
                    and not any(entries[k].unit == entry.unit and entries[k].ref == entry.notice
                                for pair in twice for k in pair):  # the other notice of a number given twice
                mine = next((v for v in voided_notices if v.ref == entry.notice and v.unit == entry.unit), None)
                bad(i, "unit", "reply-wrong-unit",
                    f"督办通知 {notices[entry.notice].doc_no} 发给的是 {labels.get(notices[entry.notice].unit)}，"
                    f"不是 {labels[entry.unit]}",
                    "" if mine is None else  # a number given twice, and the answered one voided
                    f"同一编号发给{labels[entry.unit]}的那一份（记录 {mine.id}）已作废，这条反馈是对它的。如作废错了，"
                    f"请作废那条作废记录使它恢复：cc void {voided[mine.id].id} --reason \"作废错了\"，"
                    f"再作废另一份：cc void {notices[entry.notice].id} --reason \"编号重复\"。")
            if entry.notice in notices:
                # a close or reject reviews a reply that waits (as cc close and cc reject require):
                # a reply voided under one would leave a notice closed unanswered, its lateness gone
                # from the record (a hostile-input try), so such a void is refused (_refuse_breaking)
                if kind == "reply":
                    waiting.add(entry.notice)
                elif entry.notice in waiting:
                    waiting.discard(entry.notice)
                    if kind == "close":
                        closed.add(entry.notice)
                    else:
                        in_force[entry.notice] = entry.deadline
                else:
                    what = "销号" if kind == "close" else "退回整改"
                    bad(i, "notice", f"{kind}-without-reply",
                        f"督办通知 {notices[entry.notice].doc_no} 没有待审核的整改反馈，不能{what}",
                        f"如这条{what}记录有误，请作废它：cc void {entry.id} --reason …")
        elif kind == "escalate":
            unit_ok(i, "unit", entry.unit)
            for ref in entry.notices:
                if ref not in notices and ref not in void_refs:
                    bad(i, "notices", "unknown-notice", f"找不到督办通知 {ref}")
            if entry.file and unsafe_document(entry.file):
                _unsafe_document(i, entry.file, bad)
        elif kind in PROBLEM_KINDS:
            _check_problem_entry(i, entry, found_problems, void_problems, bad, unit_ok, task_ok, labels,
                                 problem_days, known_owners)
    for tid, (i, entry) in by_other.items():
        if tid not in by_lead:  # tasklist.yaml names a lead that never reported: changed since?
            lead = tasks[tid].lead
            bad(i, "unit", "lead-never-reported",
                f"任务 {tid} 的进度都由 {labels.get(entry.unit, entry.unit)} 报送（最近一次为这一条），"
                f"tasklist.yaml 中它的牵头单位却是 {labels.get(lead, lead)}，从未报送",
                "tasklist.yaml 只记现在的牵头单位：改过牵头单位的，此前的滞后、逾期和未报送也都按现在的牵头单位计算"
                f"（灯色、cc units、cc score 与按以前日期查看都是如此）。如确是改了牵头单位，请由 {labels.get(lead, lead)} "
                "尽快报送一次进度（cc log），并在 git 提交说明中写明改动的日期；如写错了，请改回 tasklist.yaml。",
                severity=WARNING)
    return problems


@dataclass
class _ProblemSeen:
    """What the checks need to know of a problem while walking the journal."""

    entry: models.Problem
    line: int
    deadline: dt.date
    pending: models.Fix | None = None  # the 整改完成 waiting for 复查
    closed: bool = False


_PROBLEM_ID_PARTS = re.compile(r"[A-Za-z]+(\d{4})-(\d+)")  # a problem id's year and number


def _after_void(i, entry, what: str, void, bad) -> None:
    """voided-target, a warning, for an entry about what was voided before it (a reply to a voided
    notice, a 复查 of a voided problem): the commands refuse one, and it counts nowhere, yet
    validate passed it and cc history listed it as any other (a hostile-input try). One recorded
    before the void (by its date, or by when it was written: a reply merged from a branch that
    wrote it before the void was) is the record of what happened then, and is not said."""
    if rules._order_key(entry)[:2] < rules._order_key(void)[:2]:  # by date, then when written (no zone: UTC)
        return
    kind = models.ENTRY_KIND_NAMES[entry.kind]
    bad(i, "notice" if entry.kind in ("reply", "close", "reject") else "problem", "voided-target",
        f"{what}已于{rules.cn_date(void.date)}作废（记录 {void.id}），这条{kind}在其后，不计入任何统计",
        f"如是合并进来的、办理时还不知道已作废，可作废这一条：cc void {entry.id} --reason \"所对的已作废\"；"
        f"如作废错了，作废那条作废记录使它恢复：cc void {void.id} --reason \"作废错了\"。", severity=WARNING)


def _check_problem_entry(i, entry, found: dict, void_ids: set, bad, unit_ok, task_ok, labels,
                         later: dict, owners: dict) -> None:
    """The 问题清单's rules (problemlist.py): ids unique, references known, 整改 → 复查 → 销号 in order.
    owners: each task's units (a problem belongs to a task of its own unit's, or to none), for the
    tasks whose units are all in units.yaml: a task naming an unknown unit is reported in the plan,
    and its problems are not judged by a list the plan has wrong (its lead mistyped, a right entry
    would be called the wrong unit's, and voiding it suggested)."""
    pid = entry.problem
    if entry.kind == "problem":
        if pid in found:
            bad(i, "problem", "duplicate-problem-id", f"问题编号 {pid} 重复（第 {found[pid].line} 行已有）",
                f'两个分支各自登记了同一编号（合并后才发现）。请作废其中一条：cc void {entry.id} --reason "编号重复"，'
                "再用 cc problem add 重新登记（取下一个编号）。")
            return
        parts = _PROBLEM_ID_PARTS.fullmatch(pid)
        if parts is None or int(parts[1]) != entry.year or int(parts[2]) != entry.number:
            bad(i, "problem", "problem-id-mismatch",
                f"问题编号 {pid} 与记录的年度 {entry.year}、序号 {entry.number} 不符")
        found[pid] = _ProblemSeen(entry, i + 1, entry.deadline)
        unit_ok(i, "unit", entry.unit)
        for k, co in enumerate(entry.co_units):
            if co == entry.unit:
                bad(i, "co_units", "co-unit-is-lead", f"配合单位 {labels.get(co, co)} 就是责任单位")
            else:
                unit_ok(i, "co_units", co)
        if entry.task and task_ok(i, "task", entry.task) and entry.unit in labels and entry.task in owners \
                and entry.unit not in owners[entry.task]:
            bad(i, "task", "problem-unit-not-on-task",
                f"问题 {pid} 的责任单位 {labels[entry.unit]} 不是任务 {entry.task} 的责任单位",
                "问题的逾期会计入所属任务的灯色，不能记到其他单位的任务上；"
                f'请作废这条交办记录（cc void {entry.id} --reason "所属任务有误"）后重新登记，不属于责任单位的任务时不写 --task。')
        if entry.found > entry.date:
            bad(i, "found", "problem-dates", f"发现日期 {entry.found} 晚于登记日期 {entry.date}")
        elif entry.deadline < entry.found:
            bad(i, "deadline", "problem-dates", f"整改期限 {entry.deadline} 早于发现日期 {entry.found}")
        if entry.mode == "长期整改" and not entry.plan.strip():
            bad(i, "plan", "problem-dates", "长期整改的问题须写明整改计划（plan）",
                "cc problem add … --mode 长期整改 --deadline 日期 --plan \"整改计划\"")
        return
    seen = found.get(pid)
    if seen is None:
        if pid in later:  # recorded, but on a later day than this entry about it
            bad(i, "date", "problem-dates", f"{models.ENTRY_KIND_NAMES[entry.kind]}日期 {entry.date} 早于问题 {pid} "
                f"的登记日期 {later[pid]}")
        elif pid not in void_ids:
            bad(i, "problem", "unknown-problem", f"找不到问题 {pid}", did_you_mean(pid, list(found)))
        else:  # about a problem voided since: it counts nowhere, nor does this
            _after_void(i, entry, f"问题 {pid}", void_ids[pid], bad)
        return
    if seen.closed:
        what = models.ENTRY_KIND_NAMES[entry.kind]
        bad(i, "problem", "problem-closed", f"问题 {pid} 已复查销号，不能再登记{what}",
            "复查销号后又发现同样的问题，请用 cc problem add 另行登记。")
        return
    if entry.kind == "fix":
        # an unknown unit on the problem itself is reported there, not again on each fix
        if unit_ok(i, "unit", entry.unit) and seen.entry.unit in labels and entry.unit != seen.entry.unit:
            bad(i, "unit", "fix-wrong-unit",
                f"问题 {pid} 的责任单位是 {labels.get(seen.entry.unit)}，不是 {labels[entry.unit]}")
        if seen.pending:
            # a 整改完成 backdated before one already waiting for 复查 (cc problem fix --as-of refuses
            # only a later one), or a merge's: which one the 复查 answers, and whether late, is unclear
            bad(i, "problem", "fix-while-pending",
                f"问题 {pid} 已报整改完成（{rules.cn_date(seen.pending.date)}，记录 {seen.pending.id}），正待复查，"
                "不能再报整改完成",
                "同一次整改完成只能有一条记录：请作废多余的一条（补登时写错日期的，作废它后按正确日期重新登记）："
                f"cc void {entry.id} --reason \"重复报送\"，或 cc void {seen.pending.id} --reason \"重复报送\"。")
        else:
            seen.pending = entry
    elif entry.kind == "recheck":
        if not seen.pending:
            bad(i, "problem", "recheck-without-fix", f"问题 {pid} 没有待复查的整改完成报告，不能复查",
                "复查在责任单位报整改完成（cc problem fix）之后进行。")
        if not entry.passed:
            if entry.deadline is None:
                bad(i, "deadline", "problem-dates", "复查未通过（返工）须给出新的整改期限（deadline）")
            elif entry.deadline <= entry.date:
                bad(i, "deadline", "problem-dates", f"返工的整改期限 {entry.deadline} 应晚于复查日期 {entry.date}")
            else:
                seen.deadline = entry.deadline
        seen.pending = None
        seen.closed = entry.passed
    elif entry.kind == "extend":
        if entry.deadline <= seen.deadline:
            bad(i, "deadline", "problem-dates", f"延期后的期限 {entry.deadline} 应晚于原整改期限 {seen.deadline}")
        else:
            seen.deadline = entry.deadline


def check_authority(project: models.Project, journal: loading.JournalFile) -> list[Diagnostic]:
    """Warnings for recorded entries whose `by` the roster does not authorise (see authority.py).
    A warning, not an error: history written before the roster existed must not lock anyone out."""
    from ..domain.authority import acting_unit, hint, refusal, roster

    ros = roster(project.plan, project.units)
    by_id = {e.id: e for e in journal.entries} if any(e.kind == "void" for e in journal.entries) else {}
    problems = []
    for i, entry in enumerate(journal.entries):
        target = by_id.get(entry.entry) if entry.kind == "void" else None
        unit = acting_unit(entry, target)
        if unit is not None and unit not in ros.units:
            continue  # an unknown (or invalid) unit: reported as such, its people cannot be known
        why = refusal(ros, entry, target)
        if why:
            problems.append(journal.problem_at(i, "by", "unauthorized-entry", why, hint(entry, target), WARNING))
    return problems


def unsafe_path(path: str) -> bool:
    """A recorded path (a document's, an archived evidence file's) that leaves the repository:
    absolute, with a drive letter, or through "..". What it names is never opened."""
    return path.startswith(("/", "\\")) or ".." in path.replace("\\", "/").split("/") or ":" in path[:3]


def unsafe_document(path: str) -> bool:
    """A recorded document path cc reprint must not write: outside the repository (unsafe_path),
    or not a .docx, so that it can never be taken for something else (a git hook, a CI workflow,
    a data file). Every document cc makes is a .docx; one recorded in a hidden folder by an older
    cc notice -o (now recorded at the default place) stays valid."""
    return unsafe_path(path) or not path.lower().endswith(".docx")


def _unsafe_document(i: int, path: str, bad) -> None:
    where = "指向仓库之外" if unsafe_path(path) else "不是 .docx 文件"
    bad(i, "file", "unsafe-name", f"文书路径{where}：{path}",
        "文书路径应是相对于仓库的 notices/….docx；这一行可能被手工改过，请用 git 查看并恢复。")


def _check_evidence_paths(i: int, entry, bad) -> None:
    """An archived evidence file is recorded under evidence/ of the repository (evidence.py)."""
    for item in entry.evidence:
        if not isinstance(item, str) and (unsafe_path(item.path) or not item.path.startswith("evidence/")):
            bad(i, "evidence", "unsafe-name", f"佐证材料路径不在仓库的 evidence/ 目录中：{item.path}",
                "佐证材料由 cc log/reply --evidence 归档在 evidence/ 下；这一行可能被手工改过，请用 git 查看并恢复。")
            return


def _made_for(path: Path, entry, other) -> bool:
    """Whether the .docx at path was made for entry's record and not for other's: its creation
    time (docx.py writes the record's time, to the second, in UTC) is entry's and not other's.
    After cc reprint of the notice in force, the file shared with a voided record is its own
    again (a fresh-eyes try found the warning standing for good, and CI with --strict red)."""
    import zipfile

    def stamp(e) -> str:
        at = e.at if e.at.tzinfo is not None else e.at.replace(tzinfo=dt.timezone.utc)
        return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")

    try:
        with zipfile.ZipFile(path) as package:
            if package.getinfo("docProps/core.xml").file_size > 1 << 20:  # ours are a few hundred bytes; a planted bomb is not read
                return False
            core = package.read("docProps/core.xml").decode("utf-8", "replace")
    except (OSError, KeyError, ValueError, zipfile.BadZipFile, RuntimeError, EOFError, NotImplementedError):
        return False
    found = re.search(r"<dcterms:created[^>]*>\s*([^<\s]+)\s*</dcterms:created>", core)
    return found is not None and found.group(1) == stamp(entry) != stamp(other)


def check_documents(journal: loading.JournalFile, root: Path, order: list | None = None) -> list[Diagnostic]:
    """Warnings for recorded documents that are not where the journal says (root: the folder the
    recorded paths are relative to, the data folder's parent). Documents may live elsewhere, so
    this is a warning; cc reprint makes them again from the record. A path that leaves the
    repository is check_journal's error, and is not looked for. A voided notice's or report's
    document is not looked for either: cc void says it may be deleted, and cc reprint makes none.
    order: the entries' journal_order, when the caller has it."""
    problems = []
    entries = journal.entries
    if any(e.kind == "void" for e in entries):  # order: the project's, when already known
        voided = rules.active_voids([entries[k] for k in (order if order is not None else rules.journal_order(entries))])
    else:
        voided = {}
    # a document named by a voided record too (one number issued twice to one unit on two
    # branches: git kept one side's file, perhaps the voided one's text; a fresh-eyes try found
    # the official copy of a notice in force to be the voided notice's)
    gone = {getattr(e, "file", ""): e for e in entries if e.id in voided and e.kind in ("notice", "escalate")}
    for i, entry in enumerate(entries):
        path = getattr(entry, "file", "") if entry.kind in ("notice", "escalate") else ""
        if not path or unsafe_document(path) or entry.id in voided:
            continue
        try:
            present = (root / path).is_file()
        except (OSError, ValueError):
            present = False
        ref = entry.ref if entry.kind == "notice" else (entry.notices[-1] if entry.notices else "")
        if not present:
            problems.append(journal.problem_at(
                i, "file", "document-missing", f"记录的文书不存在：{path}",
                f"如文书另有存放可忽略；重新生成：cc reprint {ref}", WARNING))
        elif path in gone and not _made_for(root / path, entry, gone[path]):
            other = gone[path]
            problems.append(journal.problem_at(
                i, "file", "document-shared",
                f"文书 {path} 也是已作废的 {getattr(other, 'doc_no', '') or other.id} 的文件，其中可能是那一份的内容",
                f"请核对；如不是本通知的内容，请移走它，再按记录重新生成：cc reprint {ref}", WARNING))
    return problems
