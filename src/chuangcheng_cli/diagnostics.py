"""The Diagnostic value every check returns, and the text/JSON/GitHub renderings of a list of them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Iterable

from .textguard import _FORMAT, BAD, for_terminal

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Diagnostic:
    file: str  # path as shown to the user
    line: int  # 1-based; 0 when the problem concerns the whole file
    col: int  # 1-based; 0 when unknown
    code: str  # stable, e.g. "unknown-unit"
    message: str  # Chinese, one sentence
    hint: str = ""
    severity: str = ERROR
    source: str = ""  # the offending line, without its newline
    width: int = 1  # how many characters the caret underlines
    # the offending value as read, when a check wants it for its hint (never shown or compared)
    value: object = field(default=None, compare=False, repr=False)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR


class DataError(Exception):
    """Raised by the core when data cannot be used; carries the problems to show."""

    def __init__(self, problems: list[Diagnostic], office: tuple = ()):
        super().__init__(problems[0].message if problems else "数据有误")
        self.problems = problems
        # the office's names, when the one refused is not of it: the fixes the hints give (cc void
        # of others' records) are the office's to make (a unit's liaison was told to run one)
        self.office = office


class UsageError(Exception):
    """Raised by the core for a bad argument; the CLI shows it and exits 2."""

    exit_code = 2

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message = message
        self.hint = hint


class Refusal(UsageError):
    """A well-formed request the record does not allow (a notice while one is still open, an
    escalation nobody confirmed): shown like a usage error, exit 1, nothing written."""

    exit_code = 1


class ImportRefused(Refusal):
    """Rows of a spreadsheet that cannot be imported, one Chinese line each (sheet, row, reason):
    exit 1, nothing imported. str() is every line; the CLI prints message, messages, hint."""

    def __init__(self, messages: list[str], hint: str = "", rows: int | None = None):
        """rows: how many rows the messages are about, when one message names several."""
        self.messages = list(messages)
        count = len(self.messages) if rows is None else rows
        super().__init__(f"表格中有 {count} 行不能导入，本次没有导入任何问题：", hint)

    def __str__(self) -> str:
        return "\n".join(self.messages)


def did_you_mean(word: str, candidates: Iterable[str], labels: dict[str, str] | None = None) -> str:
    """A Chinese "是否为 …？" hint for a mistyped id or name, or "" when nothing is close."""
    import difflib

    pool = [c for c in candidates if c]
    matches = difflib.get_close_matches(word, pool, n=3, cutoff=0.5)
    # A candidate contained in the word (mzj in mzjj) is the likeliest typo: list it first.
    matches.sort(key=lambda c: (not (word.startswith(c) or c.startswith(word)), not (c in word or word in c)))
    if not matches and word:
        matches = [c for c in pool if word in c or c in word][:3]
    if not matches:
        return ""
    shown = []
    for m in matches:
        label = (labels or {}).get(m)
        shown.append(f'"{m}"（{label}）' if label and label != m else f'"{m}"')
    return "是否为 " + " 或 ".join(shown) + "？"


def sort_key(p: Diagnostic):
    return (p.file, p.line, p.col, p.code)


def _display_width(text: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def render_text(problems: list[Diagnostic]) -> str:
    """hledger-style: file:line:col: 错误: message [code], the line, a caret, a hint."""
    out: list[str] = []
    for p in problems:
        where = p.file
        if p.line:
            where += f":{p.line}"
            if p.col:
                where += f":{p.col}"
        level = "错误" if p.is_error else "警告"
        out.append(for_terminal(f"{where}: {level}: {p.message} [{p.code}]", show_unseen=True))
        if p.line and p.source:
            num = str(p.line)
            pad = " " * len(num)
            shown = p.source.replace("\t", "→")
            # other control characters are invisible: show them as their ␀…␟ symbols
            shown = "".join(chr(0x2400 + ord(c)) if ord(c) < 0x20 else c for c in shown)
            # DEL, C1, bidi marks, noncharacters, lone surrogates: one visible stand-in each,
            # so the caret below stays in place and nothing reaches the terminal raw
            shown = BAD.sub("\ufffd", shown)
            # format characters (zero-width, tags that spell hidden text) too: none reaches a CI log
            shown = _FORMAT.sub("\ufffd", shown)
            col = p.col
            # a long line (a journal entry) whose problem lies past the cut: keep the caret in view
            start = col - 1 - 60 if len(shown) > 160 and col - 1 + max(p.width, 1) > 157 else 0
            if start > 0:
                shown, col = "…" + shown[start:], col - start + 1
            if len(shown) > 160:
                shown = shown[:157] + "…"
            out.append(f"  {num} | {shown}")
            if col:
                before = _display_width(shown[: col - 1])
                under = shown[col - 1 : col - 1 + max(p.width, 1)]
                out.append(f"  {pad} | " + " " * before + "^" * max(_display_width(under), 1))
        if p.hint:
            out.append(f"  提示: {for_terminal(p.hint, show_unseen=True)}")
    return "\n".join(out)


def summary_line(problems: list[Diagnostic]) -> str:
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "数据校验通过：没有发现问题。"
    return f"发现 {errors} 个错误、{warnings} 个警告。"


FOREIGN_MIN = 20  # journal entries naming tasks or units the plan lacks, before foreign_hint speaks


def foreign_hint(problems: list[Diagnostic]) -> str:
    """One line for a journal that mostly names tasks or units the plan does not have: the sample
    records `cc init` copies, kept after a new group wrote its own plan (a fresh-eyes try met 225
    errors and a hint to void them one by one), or ids renamed in the plan. "" otherwise."""
    errors = [p for p in problems if p.is_error]
    foreign = sum(p.code in ("unknown-task", "unknown-unit") and p.file.endswith("journal.jsonl") for p in errors)
    if foreign < FOREIGN_MIN or foreign < 0.9 * len(errors):
        return ""
    return (f"提示：{foreign} 处错误是日志记录引用了任务清单或单位名册中没有的任务、单位。"
            "如果它们是 cc init 带来的示例记录，请清空日志文件 journal.jsonl（新推进组的日志从空白开始）；"
            "如果是改了任务编号或单位 id，请在 tasklist.yaml、units.yaml 中改回原来的编号。")


def render_json(problems: list[Diagnostic], files: list[str], ascii_only: bool = False) -> str:
    """The problems as JSON (ascii_only: with \\u escapes, for an output that is not UTF-8)."""
    errors = sum(p.is_error for p in problems)
    doc = {
        "ok": errors == 0,
        "files": files,
        "error_count": errors,
        "warning_count": len(problems) - errors,
        "problems": [
            {f.name: getattr(p, f.name) for f in fields(p) if f.name not in ("width", "value")} for p in problems
        ],
    }
    return json.dumps(doc, ensure_ascii=ascii_only, indent=2)


def _gh_escape(text: str, prop: bool = False) -> str:
    text = for_terminal(text, multiline=True, show_unseen=True)  # a CI log is a terminal too
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def render_github(problems: list[Diagnostic]) -> str:
    out = []
    for p in problems:
        level = "error" if p.is_error else "warning"
        props = f"file={_gh_escape(p.file, True)}"
        if p.line:
            props += f",line={p.line}"
            if p.col:
                props += f",col={p.col}"
        props += f",title={_gh_escape(p.code, True)}"
        msg = p.message + (f"（{p.hint}）" if p.hint else "")
        out.append(f"::{level} {props}::{_gh_escape(msg)}")
    return "\n".join(out)


_OS_REASONS = {
    "EACCES": "没有权限", "EPERM": "没有权限（操作不被允许）", "EROFS": "所在的文件系统是只读的",
    "ENOSPC": "磁盘空间已满", "EDQUOT": "超出磁盘配额", "ENAMETOOLONG": "文件名或路径过长",
    "EISDIR": "这是一个目录，不是文件", "ENOTDIR": "路径中的某一段不是目录", "EEXIST": "文件已存在",
    "ENOENT": "文件或目录不存在", "EIO": "读写设备出错", "EMFILE": "打开的文件过多", "ELOOP": "符号链接层数过多",
    "EXDEV": "不能跨文件系统移动", "EBUSY": "文件正被占用", "ETXTBSY": "文件正被占用", "EINVAL": "文件名或参数无效",
    "EFBIG": "文件过大",
}


def os_error_reason(exc: OSError) -> str:
    """Why an OSError happened, in Chinese (磁盘空间已满), the system's words only for a rare one."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _OS_REASONS.get(name) or (f"系统错误：{exc.strerror}" if exc.strerror else f"系统错误：{exc}")


# What to do about the errors a user can fix, said after os_error_text when a file is named (an
# error without one is the output's: a full disk or a closed pipe under `cc status > 文件`).
_OS_HINTS = {
    "EISDIR": "这个路径是一个文件夹：请检查路径是否写对，或移走与文件同名的文件夹后重试。",
    "EROFS": "只读挂载的目录、光盘和写保护的 U 盘都不能写入：请把数据目录复制到可以写入的位置再办理。",
    "EACCES": "请检查这个文件和所在文件夹的权限；在 Windows 上也可能是文件被设为只读或被其他程序（如 Excel、WPS）打开，"
              "关闭后重试，仍不行请管理员处理。",
    "EPERM": "系统不允许这样操作这个文件（可能被设为不可更改、只读，或正被其他程序使用）：请管理员检查该文件的属性。",
    "ENAMETOOLONG": "请缩短文件名或减少文件夹的层级后重试。",
    "EBUSY": "请关闭正在使用这个文件的程序（如 Excel、WPS、杀毒软件）后重试。",
    "ETXTBSY": "请关闭正在使用这个文件的程序后重试。",
}


def os_error_hint(exc: OSError) -> str:
    """What the user can do about an OSError that names a file ("" when there is nothing to say)."""
    import errno

    if exc.filename is None:
        return ""
    return _OS_HINTS.get(errno.errorcode.get(exc.errno or 0, ""), "")


def os_error_text(exc: OSError) -> str:
    """An OSError as one Chinese sentence naming the path: 无法写入 …：磁盘空间已满."""
    reason = os_error_reason(exc)
    paths = [str(p) for p in (exc.filename, getattr(exc, "filename2", None)) if p is not None]
    where = "、".join(paths)
    return f"文件操作失败：{where}（{reason}）" if where else f"文件操作失败（{reason}）"


def system_folder(path) -> str | None:
    """The system folder path lies in (/proc, /sys, /dev: what the running system shows as files,
    where no document belongs), else None."""
    import os
    from pathlib import Path

    if os.name != "posix":
        return None
    try:
        parts = Path(path).absolute().parts
    except (OSError, ValueError):
        return None
    return f"/{parts[1]}" if len(parts) > 1 and parts[1] in ("proc", "sys", "dev") else None


def cannot_make_text(exc: OSError, target, what: str, show=str) -> str:
    """Why target, a folder or file (what: 目录 or 文件) being made in a folder that exists, could
    not be made, as one Chinese sentence naming that folder: no permission (EACCES), not allowed
    (EPERM), a read-only file system (EROFS), a file where the folder should be (ENOTDIR), and
    ENOENT, which there means the folder takes no new entries (/proc), not that something is
    missing; a system folder is named as such. Other errors: os_error_text of target."""
    import errno
    from pathlib import Path

    target = Path(target)
    place = target.parent
    where, code = show(place), exc.errno
    made = f"{what} {target.name}" if what == "目录" else what  # a file made to try the folder has no name to say
    system = system_folder(place)
    note = f"（{system} 是系统目录，存放运行中的系统信息，不能存放文件）" if system else ""
    if code == errno.EACCES:
        return f"没有权限在 {where} 中新建{made}{note}"
    if code == errno.EPERM:
        return f"系统不允许在 {where} 中新建{made}{note}"
    if code == errno.EROFS:
        return f"{where} 所在的文件系统是只读的，不能新建{made}{note}"
    if code == errno.ENOENT and place.is_dir():
        return f"不能在 {where} 中新建{made}{note}"
    if code in (errno.ENOTDIR, errno.EEXIST) and place.exists() and not place.is_dir():
        return f"{where} 是文件，不是目录"
    named = OSError(code, exc.strerror, show(target))
    return os_error_text(named) + note


def with_path(exc: OSError, path) -> OSError:
    """exc naming path, when it names no file itself (os.write, fsync and friends do not)."""
    if exc.filename is not None:
        return exc
    named = OSError(exc.errno, exc.strerror or str(exc), str(path))
    named.__cause__ = exc
    return named
