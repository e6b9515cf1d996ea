"""Reading the data folder into models; the one place that knows file:line:col of every node.

Fast path: PyYAML's C parser and one pydantic call per file. Line numbers are worked out
only when a problem has to be reported (the YAML is composed again, lazily).
"""

from __future__ import annotations

import dataclasses
import functools
import gc
import itertools
import json
import os
import operator
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path

from contextlib import contextmanager
from typing import Iterator

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..domain import models
from ..diagnostics import ERROR, Diagnostic, did_you_mean
from ..interrupts import held

TASKLIST = "tasklist.yaml"
UNITS = "units.yaml"
JOURNAL = "journal.jsonl"
MAX_YAML_BYTES = 8 * 1024 * 1024
MAX_JOURNAL_BYTES = 256 * 1024 * 1024
# One journal line: a real entry is well under 2 KB. A longer line is refused before it is parsed,
# so that one planted 150 MB line cannot make the JSON parser build gigabytes of objects.
MAX_LINE_BYTES = 1024 * 1024
# Fields whose text may run over several lines (tab and newline allowed); every other text field
# is one line. See textguard.py for the characters no field may hold.
# JSON's white space within a line: a journal line of nothing else is blank (no entry). Not
# str.strip()'s: a vertical tab, a form feed, U+3000 … are no JSON and make a line to report.
BLANK = b" \t\r"
MULTILINE_FIELDS = {"requirement", "content", "method", "note", "reason", "problem", "correction", "gaps",
                    "materials", "desc", "plan"}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a city's data is built (hundreds of thousands of
    objects, none in a cycle, would otherwise set off repeated full collections: about 0.5 s of a
    3 s load). On the way out what was built moves to the permanent generation (gc.freeze), so
    later collections do not walk it again; reference counting still frees it."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()


class Source:
    """One file's text, with the helpers that turn a position into a Diagnostic."""

    def __init__(self, path: Path, display: str, text: str = "", raw: bytes | None = None):
        self.path = path
        self.display = display
        self._text = text
        self.raw = raw  # when given, text is decoded only if a problem has to be shown
        self._lines: list[str] | None = None

    @property
    def text(self) -> str:
        if self.raw is not None:
            self._text = self.raw.decode("utf-8", errors="replace")
            self.raw = None
        return self._text

    @text.setter
    def text(self, value: str) -> None:
        self._text, self.raw, self._lines = value, None, None

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.split("\n")
        return self._lines

    def line_text(self, line: int) -> str:
        if 1 <= line <= len(self.lines):
            return self.lines[line - 1].rstrip("\r")
        return ""

    def problem(self, line: int, col: int, code: str, message: str, hint: str = "",
                severity: str = ERROR, width: int = 1) -> Diagnostic:
        return Diagnostic(self.display, line, col, code, message, hint, severity,
                       self.line_text(line) if line else "", width)


# ------------------------------------------------------------------ reading


def _link_target(path) -> str:
    """Where a symbolic link points, for a message: "指向 ../x"; a target that cannot be read, or
    the name of a junction, is not said."""
    from ..textguard import for_terminal

    try:
        return "指向 " + for_terminal(os.readlink(path))[:200]
    except (OSError, ValueError):
        return "链接"


def read_text(path: Path, display: str, limit: int, reader=None,
              by_line: bool = False) -> tuple[Source, list[Diagnostic]]:
    """Read a data file as UTF-8 (a BOM is accepted); explain GBK, binary and oversize files.
    reader(path): the file's bytes or None (then it is read here), once its size is known to fit.
    by_line (the journal, whose lines stand alone): a few lines that are not UTF-8 or hold a NUL
    (a hand edit in another encoding, a damaged line) are each a line-encoding problem, the text
    decoded with U+FFFD in their place, so that the other lines are still read; only when they
    are half the lines or more is the file itself the problem (saved as GBK, not a text file)."""
    import errno
    import stat

    from .state import LinkedFile, NotARegularFile, open_regular

    src = Source(path, display)
    try:
        if os.path.islink(path):  # never followed (state.LinkedFile): not even its size is read
            raise LinkedFile(errno.ELOOP, "symbolic link", str(path))
        st = path.stat()
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
            return src, [src.problem(0, 0, "unreadable-file", "这不是普通文件（是设备、管道或套接字）",
                                     "请确认数据目录中的这个文件是正常的文本文件（不是指向 /dev/… 的链接）。")]
        size = st.st_size
        if size > limit:
            return src, [src.problem(0, 0, "file-too-large",
                                     f"文件过大（{_megabytes(size, limit)} MB，上限 {limit // 1048576} MB）",
                                     "请检查是否误放了其他文件，或拆分数据。")]
        raw = reader(path) if reader is not None else None
        if raw is None:
            with open_regular(path) as fh:  # what it is was checked above, and is again as it is opened
                raw = fh.read(limit + 1)
            if len(raw) > limit:
                return src, [src.problem(0, 0, "file-too-large", f"文件过大（上限 {limit // 1048576} MB）",
                                         "请检查是否误放了其他文件，或拆分数据。")]
    except LinkedFile:
        return src, [src.problem(0, 0, "unreadable-file", f"这是一个符号链接（{_link_target(path)}），不是数据文件本身，不予读取",
                                 "数据文件必须是仓库中的普通文件：符号链接会把读写引到它指向的地方（可能在仓库之外），"
                                 "git 提交的是链接本身。请恢复原文件（git log -- 该文件 查看是谁改成了链接）。")]
    except FileNotFoundError:
        return src, [src.problem(0, 0, "missing-file", "找不到该文件",
                                 f"数据目录中应有 {TASKLIST}、{UNITS} 和 {JOURNAL}。")]
    except IsADirectoryError:
        return src, [src.problem(0, 0, "unreadable-file", "这是一个目录，不是文件")]
    except NotARegularFile:
        return src, [src.problem(0, 0, "unreadable-file", "这不是普通文件（是设备、管道或套接字）")]
    except OSError as exc:
        from ..diagnostics import _OS_REASONS

        reason = _OS_REASONS.get(errno.errorcode.get(exc.errno or 0, "")) or exc.strerror or str(exc)
        return src, [src.problem(0, 0, "unreadable-file", f"无法读取该文件：{reason}")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    save_as_utf8 = ("请用 UTF-8 编码重新保存（记事本：另存为 → 编码选 UTF-8；"
                    "或运行 iconv -f GBK -t UTF-8 旧文件 > 新文件）。")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Notepad's "Unicode": full of NUL bytes, but not a binary file.
        return src, [src.problem(0, 0, "file-encoding",
                                 "文件是用 UTF-16（记事本中的“Unicode”）编码保存的，不是 UTF-8",
                                 save_as_utf8.replace("iconv -f GBK", "iconv -f UTF-16"))]
    if by_line:
        bad = _bad_lines(src, raw)
        if bad and 2 * len(bad) < sum(1 for line in raw.split(b"\n") if line.strip(BLANK)):
            return src, bad
    try:
        src.text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        # Everything before exc.start is valid UTF-8, so this counts characters, not bytes.
        col = len(raw[line_start:exc.start].decode("utf-8")) + 1
        src.text = raw.decode("utf-8", errors="replace")
        if b"\x00" in raw[:4096]:
            return src, [src.problem(0, 0, "file-encoding", "文件不是文本文件（含有二进制内容）",
                                     "请确认选对了文件。")]
        try:
            src.text = raw.decode("gb18030")  # so the offending line is shown readable
            guess = "文件似乎是用 GBK（GB2312/GB18030）编码保存的，不是 UTF-8"
        except UnicodeDecodeError:
            guess = "文件不是有效的 UTF-8 编码"
        mixed = _mixed_lines(raw)
        if mixed:  # a line typed in a GBK editor into a UTF-8 file: iconv of the whole would garble the rest
            lines = raw.split(b"\n")  # each line shown as it reads: the UTF-8 ones as UTF-8, the others as GBK
            src.text = "\n".join(line.decode("gb18030", errors="replace") if number in mixed else line.decode("utf-8")
                                 for number, line in enumerate(lines, 1))
            shown = "、".join(map(str, mixed[:5])) + ("等" if len(mixed) > 5 else "")
            return src, [src.problem(line, col, "file-encoding", f"第 {shown} 行不是 UTF-8 编码（似乎是 GBK），其余各行是 UTF-8",
                                     "请只改这几行：在编辑器中删去后重新输入，再以 UTF-8 保存；不要转换整个文件"
                                     "（iconv 会把其余各行的 UTF-8 文字当作 GBK 读错）。")]
        return src, [src.problem(line, col, "file-encoding", guess, save_as_utf8)]
    if "\x00" in src.text:
        line = src.text.count("\n", 0, src.text.index("\x00")) + 1
        return src, [src.problem(line, 0, "file-encoding", "文件中含有空字符（NUL），可能已损坏",
                                 "请从 git 历史中恢复该文件。")]
    return src, []


def _mixed_lines(raw: bytes) -> list[int]:
    """The numbers of the lines of raw that are not UTF-8 when more of its lines with text beyond
    ASCII are (a file saved in UTF-8 with a line or two added in a GBK editor), else [] (a file
    saved in GBK: a few of its lines may be valid UTF-8 by chance)."""
    bad, good = [], 0
    for number, line in enumerate(raw.split(b"\n"), 1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            good += 1
        except UnicodeDecodeError:
            bad.append(number)
    return bad if good > len(bad) else []


def _bad_lines(src: Source, raw: bytes) -> list[Diagnostic]:
    """A line-encoding problem for each line of raw that is not UTF-8 or holds a NUL, with src's
    text set to raw decoded with U+FFFD in their place (the lines keep their numbers); [] (src
    untouched) when there is none."""
    if b"\x00" not in raw:
        try:
            raw.decode("utf-8")
            return []
        except UnicodeDecodeError:
            pass
    restore = "请用 git diff 查看这一行的改动，从 git 历史中恢复它；如是手工补写的记录，请删去这一行，再用 cc 命令重新登记。"
    found, texts = [], []  # (line, column, message); each line's text as shown
    for number, line in enumerate(raw.split(b"\n"), 1):  # \n is never part of a multi-byte sequence
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            col = len(line[:exc.start].decode("utf-8")) + 1
            try:
                text = line.decode("gb18030")  # shown readable
                what = "这一行似乎是用 GBK（GB2312/GB18030）编码写入的，不是 UTF-8，未计入"
            except UnicodeDecodeError:
                text = line.decode("utf-8", errors="replace")
                what = "这一行含有不是 UTF-8 编码的字节（文件可能在这一行损坏），未计入"
            found.append((number, col, what))
        else:
            if "\x00" in text:
                found.append((number, text.index("\x00") + 1, "这一行含有空字符（NUL），可能已损坏，未计入"))
        texts.append(text)
    src.text = "\n".join(texts)
    return [src.problem(number, col, "line-encoding", what, restore) for number, col, what in found]


# --------------------------------------------------------------------- YAML


class _AliasUsed(Exception):
    def __init__(self, mark):
        self.mark = mark


class _Fallback(Exception):
    """A node the loader's quick constructor leaves to PyYAML's."""


STR_TAG, MAP_TAG, SEQ_TAG = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
MERGE_TAG, VALUE_TAG = "tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"
# scalars whose constructors return their value at once (not generators filling it in later)
SCALAR_TAGS = frozenset("tag:yaml.org,2002:" + name for name in ("null", "bool", "int", "float", "binary", "timestamp"))


@functools.cache
def _loader_class():
    """The YAML loader: built on first use, so that a command that reads no YAML (a read after a
    pull, a write on the store's state) does not import PyYAML (10 ms)."""
    import yaml

    class _Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):  # type: ignore[misc]
        """C-speed safe loader that records duplicate keys and refuses anchors/aliases."""

        def __init__(self, stream):
            super().__init__(stream)
            self.duplicates: list[tuple[str, yaml.Mark, yaml.Mark]] = []

        def construct_object(self, node, deep=False):
            # A node met twice is an alias; refusing them keeps a "billion laughs" file harmless.
            if node in self.constructed_objects or node in self.recursive_objects:
                raise _AliasUsed(node.start_mark)
            return super().construct_object(node, deep)

        def construct_mapping(self, node, deep=False):
            if isinstance(node, yaml.MappingNode):
                seen: dict = {}
                for key_node, _ in node.value:
                    if key_node.tag == "tag:yaml.org,2002:merge":
                        raise _AliasUsed(key_node.start_mark)
                    key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                    if key is None:
                        continue
                    if key in seen:
                        self.duplicates.append((key, key_node.start_mark, seen[key]))
                    else:
                        seen[key] = key_node.start_mark
            return super().construct_mapping(node, deep)

        def construct_document(self, node):
            """The document built in one recursive pass (see _build), or, for what that pass does
            not take, by PyYAML's own constructor, which gives the same values at three times the
            cost (a city's plan: about 0.1 s of a cold run)."""
            count = len(self.duplicates)
            try:
                return self._build(node)
            except _Fallback:
                del self.duplicates[count:]
                return super().construct_document(node)

        def _build(self, root):
            """What construct_document makes of a tree of plain mappings, sequences and the
            scalars of SCALAR_TAGS, built directly: their own constructors for the scalars (so
            every value is PyYAML's), a dict or list for the rest, the same duplicate keys
            recorded and the same alias and merge key refused. _Fallback for anything else (a
            set, an omap, a complex or `=` key, an unknown tag), which PyYAML's path then
            builds or refuses as before."""
            seen: set = set()
            constructors, duplicates = self.yaml_constructors, self.duplicates
            scalar, mapping, sequence = yaml.ScalarNode, yaml.MappingNode, yaml.SequenceNode

            def build(node):
                if id(node) in seen:  # met twice: an alias
                    raise _AliasUsed(node.start_mark)
                seen.add(id(node))
                tag, kind = node.tag, type(node)
                if kind is scalar:
                    if tag == STR_TAG:
                        return node.value
                    if tag not in SCALAR_TAGS:
                        raise _Fallback
                    return constructors[tag](self, node)
                if kind is mapping and tag == MAP_TAG:
                    out, first = {}, {}
                    for key_node, value_node in node.value:
                        if key_node.tag == MERGE_TAG:
                            raise _AliasUsed(key_node.start_mark)
                        if type(key_node) is not scalar or key_node.tag == VALUE_TAG:
                            raise _Fallback
                        key = key_node.value
                        if key in first:
                            duplicates.append((key, key_node.start_mark, first[key]))
                        else:
                            first[key] = key_node.start_mark
                        out[build(key_node)] = build(value_node)
                    return out
                if kind is sequence and tag == SEQ_TAG:
                    return [build(child) for child in node.value]
                raise _Fallback

            return build(root)

        def construct_yaml_timestamp(self, node):
            # An impossible date such as 2023-02-30 must reach pydantic as text, to be located there.
            try:
                return super().construct_yaml_timestamp(node)
            except ValueError:
                return self.construct_scalar(node)

        def construct_yaml_float(self, node):
            # No field is a float; a plain 1.1 or 1.10 is an id such as a task numbered 1.1, kept as
            # written (as a float 1.10 would become 1.1, the same as task 1.1).
            return self.construct_scalar(node)

    _Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)
    _Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
    return _Loader


_YAML_MESSAGES = {
    "mapping values are not allowed here": "此处不能出现“键: 值”",
    "could not find expected ':'": "缺少冒号“:”",
    "found character '\\t' that cannot start any token": "YAML 中不能用 Tab 缩进",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合？）",
    "did not find expected key": "缩进不一致，找不到预期的键",
    "did not find expected '-' indicator": "列表缩进不一致",
    "expected <block end>, but found '-'": "列表项的缩进不正确",
    "found undefined alias": "引用了未定义的锚点",
    "found unknown escape character": "双引号字符串中有无效的转义符（\\）",
    # the same problems in the words of libyaml (the C parser we use)
    "mapping values are not allowed in this context": "此处不能出现“键: 值”",
    "found character that cannot start any token": "值不能以这个字符开头",
    "did not find expected ',' or ']'": "方括号 [ … ] 没有闭合，或列表项之间缺少逗号",
    "did not find expected ',' or '}'": "花括号 { … } 没有闭合，或各项之间缺少逗号",
    "but found another document": "文件中只能有一个 YAML 文档（多了一行 ---？）",
}
# Problems best shown where the unclosed quote or bracket was opened, not where the file ended.
_AT_CONTEXT = {"found unexpected end of stream", "did not find expected ',' or ']'",
               "did not find expected ',' or '}'"}


def _yaml_error_problem(src: Source, exc) -> Diagnostic:
    import yaml.reader

    if isinstance(exc, yaml.reader.ReaderError):
        # libyaml reports a byte offset into the UTF-8 text and no mark.
        raw = src.text.encode("utf-8")
        pos = min(max(exc.position, 0), len(raw))
        line_start = raw.rfind(b"\n", 0, pos) + 1
        line = raw.count(b"\n", 0, pos) + 1
        col = len(raw[line_start:pos].decode("utf-8", errors="replace")) + 1
        return src.problem(line, col, "yaml-syntax",
                           f"文件中含有不可见的控制字符（#x{exc.character:04X}）",
                           "常见于从 Word 或网页复制的文字；请删除该字符后重新输入。")
    problem = getattr(exc, "problem", None) or str(exc)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if problem in _AT_CONTEXT and getattr(exc, "context_mark", None) is not None:
        mark = exc.context_mark
    line = mark.line + 1 if mark else 0
    col = mark.column + 1 if mark else 0
    last = len(src.text.rstrip("\n").split("\n"))
    if line > last:  # libyaml may point just past the end of a file without a final newline
        context = getattr(exc, "context_mark", None)
        if context is not None and context.line + 1 <= last:
            line, col = context.line + 1, context.column + 1
        else:
            line, col = last, len(src.line_text(last)) + 1
    wide = _wide_colon(src, line)
    if wide is not None:
        return wide
    markers = [n for n, text in enumerate(src.lines, 1) if text.startswith(_CONFLICT_MARKERS)]
    if markers:  # YAML says 缺少冒号 on some line near them (a fresh-eyes try): what they are, where
        return src.problem(markers[0], 1, "yaml-syntax", "这是 git 合并冲突留下的标记行"
                           + (f"（共 {len(markers)} 行：第 {'、'.join(map(str, markers[:6]))} 行）" if len(markers) > 1 else ""),
                           "两人同时改了这个文件，git 没能自动合并：请保留需要的内容，删除 <<<<<<<、=======、>>>>>>> "
                           "标记行（冲突两边都有的行只留一份），再运行 cc validate。", width=7)
    message = _YAML_MESSAGES.get(problem, f"YAML 语法错误：{problem}")
    hint = "请检查这一行及上一行的缩进、冒号和引号。"
    if "\t" in src.line_text(line) or "'\\t'" in problem or "tab character" in problem:
        return src.problem(line, col, "yaml-tab", "YAML 中不能用 Tab 缩进",
                           "请把 Tab 换成空格（每级缩进两个空格）。")
    if "mapping values are not allowed" in problem:
        hint = "如果值里本身带有冒号“: ”，请给整个值加上引号。"
    elif problem == "found character that cannot start any token":
        hint = "以 @、` 或 % 开头的值请加上引号。"
    elif problem in _AT_CONTEXT:
        hint = "请检查从这里开始的引号或括号是否成对。"
    return src.problem(line, col, "yaml-syntax", message, hint)


_WIDE_COLON_KEY = re.compile(r"(\s*(?:-\s+)?)([A-Za-z_][\w-]*)\s*：\s*(.*)")


def _wide_colon(src: Source, line: int) -> Diagnostic | None:
    """start：2023-04-14 (a Chinese input method's colon) is no key to YAML, which then reports a
    missing colon on the line after it: the key and its colon named where they are, or None."""
    for n in (line, line - 1):
        if n < 1:
            continue
        text = src.line_text(n)
        m = _WIDE_COLON_KEY.fullmatch(text.split(" #")[0].rstrip())
        if m is not None:
            key, value = m[2], m[3]
            return src.problem(n, text.index("：") + 1, "yaml-syntax", f"“{key}”后面用了全角冒号“：”",
                               f"请改为半角冒号加一个空格：{key}: {value}".rstrip())
    return None


MAX_FLOW_DEPTH = 200


def _flow_depth(text: str) -> int:
    """Deepest nesting of [ and { (quotes ignored: an overestimate is harmless here)."""
    depth = deepest = 0
    for ch in re.findall(r"[\[\]{}]", text):
        depth = depth + 1 if ch in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    return deepest


def parse_yaml(src: Source) -> tuple[object, list[Diagnostic]]:
    """Parse one YAML document; syntax problems, duplicate keys and aliases become Problems."""
    if "\r" in src.text.strip() and "\n" not in src.text:  # old Mac line ends: one comment line to us
        return None, [src.problem(0, 0, "file-encoding", "文件的换行符是单独的回车（CR，旧式 Mac 格式），读不出各行",
                                  "请用记事本、VS Code 等另存为 Windows（CRLF）或 Unix（LF）换行。")]
    if not src.text.strip() or all(
        not ln.strip() or ln.lstrip().startswith("#") for ln in src.lines
    ):
        return None, [src.problem(0, 0, "file-empty", "文件为空",
                                  "请从示例数据复制一份（cc init）或从 git 历史中恢复。")]
    depth = _flow_depth(src.text)
    if depth > MAX_FLOW_DEPTH:  # libyaml's recursive composer would overflow the C stack
        return None, [src.problem(0, 0, "yaml-syntax", f"YAML 嵌套层级过深（{depth} 层方括号/花括号）",
                                  "任务清单不需要这么深的嵌套；请检查是否误粘贴了大量 [ 或 {。")]
    import yaml

    loader = _loader_class()(src.text)
    try:
        data = loader.get_single_data()
    except _AliasUsed as exc:
        return None, [src.problem(exc.mark.line + 1, exc.mark.column + 1, "yaml-alias",
                                  "不支持 YAML 锚点/别名（& * <<）",
                                  "请把被引用的内容直接写出来。")]
    except yaml.YAMLError as exc:
        return None, [_yaml_error_problem(src, exc)]
    except RecursionError:
        return None, [src.problem(0, 0, "yaml-syntax", "YAML 嵌套层级过深")]
    except ValueError:  # int() of a number with thousands of digits (sys.get_int_max_str_digits)
        return None, [_huge_number_problem(src)]
    finally:
        loader.dispose()
    problems = [
        src.problem(mark.line + 1, mark.column + 1, "duplicate-key",
                    f'重复的键 "{key}"（第 {first.line + 1} 行已经出现过），后一个会覆盖前一个',
                    "请删除或合并其中一个。", width=len(key))
        for key, mark, first in sorted(loader.duplicates, key=lambda d: (d[1].line, d[1].column))
    ]
    return data, problems


def _megabytes(size: int, limit: int) -> str:
    """size in MB as a message says it over limit: one decimal (9.0), more where one would not show
    it is over (8.03, not 8.0 over 8)."""
    for places in (1, 2, 3, 6):
        shown = f"{size / 1048576:.{places}f}"
        if float(shown) > limit / 1048576:
            return shown
    return shown


_LONG_NUMBER = re.compile(r"[-+]?\d[\d_]{99,}")


def _huge_number_problem(src: Source) -> Diagnostic:
    m = _LONG_NUMBER.search(src.text)
    line = src.text.count("\n", 0, m.start()) + 1 if m else 0
    col = m.start() - src.text.rfind("\n", 0, m.start()) if m else 0
    return src.problem(line, col, "invalid-value", "数字过长（有上千位），无法作为数值读取",
                       "请检查是否误粘贴了大段数字；确需这串数字作为文字时请加上引号。",
                       width=min(len(m.group()), 40) if m else 1)


def text_problems(src: Source, data: object, locate) -> list[Diagnostic]:
    """A problem for every text value (and key) holding a character textguard forbids;
    locate(path) gives (line, col, width) of the value at that path."""
    from ..textguard import describe, find_bad

    problems: list[Diagnostic] = []

    def walk(value, path: tuple, multiline: bool) -> None:
        if isinstance(value, str):
            at = find_bad(value, multiline)
            if at >= 0:
                problems.append(_bad_char_problem(src, value[at], path, locate))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and find_bad(key, False) >= 0:
                    problems.append(_bad_char_problem(src, key[find_bad(key, False)], (*path, key), locate))
                walk(item, (*path, key), key in MULTILINE_FIELDS)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, (*path, i), multiline)

    walk(data, (), False)
    return problems


def _bad_char_problem(src: Source, ch: str, path: tuple, locate) -> Diagnostic:
    from ..textguard import describe

    line, col, width = locate(path)
    text = src.line_text(line) if line else ""
    if ch in text:  # the character itself is in the file: point at it
        col, width = text.index(ch) + 1, 1
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    label = f'"{field}"' + (f"（{FIELD_NAMES[field]}）" if field in FIELD_NAMES else "") if field else "该值"
    tab = "（Tab 与换行只允许出现在说明类的多行字段中）" if ch in "\t\n" else ""
    return src.problem(line, col, "invalid-character", f"{label} 中含有不允许的字符 {describe(ch)}{tab}",
                       "常见于从网页、Word 或终端复制的文字；请删除这个不可见的字符后重新输入。",
                       width=width)


class YamlLocator:
    """Maps a pydantic error location to the line and column of the YAML node."""

    def __init__(self, src: Source):
        self.src = src
        self._root = None

    def _compose(self):
        if self._root is None:
            import yaml

            self._root = yaml.compose(self.src.text, Loader=_loader_class())
        return self._root

    def locate(self, loc: tuple, key_only: bool = False) -> tuple[int, int, int]:
        """(line, col, width) of the node at loc, or of the deepest existing parent."""
        import yaml

        node = self._compose()
        key_node = None
        for part in loc:
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                nxt = next(((k, v) for k, v in node.value if k.value == part), None)
                if nxt is None:
                    break
                key_node, node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if part >= len(node.value):
                    break
                key_node, node = None, node.value[part]
            else:
                break
        target = key_node if (key_only and key_node is not None) else node
        if target is None:
            return 0, 0, 1
        mark = target.start_mark
        width = 1
        if target.end_mark.line == mark.line:
            width = max(target.end_mark.column - mark.column, 1)
        return mark.line + 1, mark.column + 1, width


# --------------------------------------------------- pydantic error → Diagnostic


def _describe(value) -> str:
    if value is None:
        return "空值"
    if isinstance(value, bool):
        return "是/否（布尔值）"
    if isinstance(value, int) and abs(value) >= 10 ** 30:
        return "一个过大的数字"  # str() of a 5,000-digit int raises ValueError
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, str):
        if re.fullmatch(r"[+-]?\d{1,20}\.\d{1,20}", value):  # YAML's floats reach us as text (_Loader)
            return f"小数 {value}"
        shown = value if len(value) <= 30 else value[:29] + "…"
        return f'文本 "{shown}"'
    if isinstance(value, list):
        return "列表"
    if isinstance(value, dict):
        return "映射（键: 值）"
    return type(value).__name__


def field_types(cls: object) -> dict[str, object] | None:
    """Field name → annotation for a pydantic model or a (pydantic-validated) dataclass."""
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        return {name: info.annotation for name, info in cls.model_fields.items()}
    if isinstance(cls, type) and dataclasses.is_dataclass(cls):
        hints = typing.get_type_hints(cls, include_extras=True)
        return {f.name: hints.get(f.name) for f in dataclasses.fields(cls)}
    return None


def _model_at(model: type, loc: tuple) -> type | None:
    """The model class found by following loc from model (for field-name hints)."""
    current: object = model
    for part in loc:
        fields = field_types(current)
        if fields is not None:
            if isinstance(part, str) and part in fields:
                current = fields[part]
            elif isinstance(part, str) and part in models.ENTRY_TYPES:
                current = models.ENTRY_TYPES[part]
            else:
                return None
        else:
            args = [a for a in typing.get_args(current) if a is not type(None)]
            origin = typing.get_origin(current)
            if origin is list and args:
                current = args[0]
                if typing.get_origin(current) is typing.Annotated:
                    current = typing.get_args(current)[0]
            elif isinstance(part, str) and part in models.ENTRY_TYPES:
                current = models.ENTRY_TYPES[part]
            else:
                return None
    return current if field_types(current) is not None else None


FIELD_NAMES = {
    "id": "编号", "name": "名称", "short_names": "简称", "head": "负责人", "deputy": "分管领导",
    "liaison": "联络员", "sections": "科室", "title": "标题", "phone": "电话",
    "campaign": "创建活动", "policy": "督办规则", "indicators": "创建指标", "tasks": "具体任务",
    "indicator": "所属指标", "lead": "牵头单位", "co_units": "配合单位", "deadline": "完成时限",
    "milestones": "节点", "materials": "台账材料", "requirement": "标准/要求", "date": "日期",
    "percent": "进度百分比", "unit": "单位", "task": "任务", "note": "说明", "kind": "类型",
    "start": "开始日期", "end": "结束日期", "year": "年度", "lead_unit": "牵头单位",
    "group": "推进组", "issuer": "发文机关", "office": "推进组办公室（印发机关）", "contact": "联系人",
    "escalation_threshold": "报告市领导的督办次数", "report_interval_days": "进度报送间隔天数",
    "lag_threshold": "滞后百分点", "rectification_days": "整改天数", "notice_prefix": "机关代字",
    "escalate_to": "报告机关", "content": "测评内容", "method": "测评方式",
    "short_title": "任务简称", "at": "记录时间", "by": "记录人", "section": "科室", "person": "责任人",
    "level": "督办等级", "seq": "督办次数", "number": "序号", "doc_no": "发文字号",
    "notice": "督办通知", "notices": "督办通知", "evidence": "佐证材料", "correction": "更正原因",
    # the problem list's, the notices' and the other fields a write may be refused for (an
    # adversarial try: "place" 中含有不允许的字符 named the field only in English)
    "place": "问题点位", "desc": "问题描述", "source": "问题来源", "found": "发现日期", "found_by": "发现人",
    "mode": "整改方式", "problem": "问题", "problems": "问题", "reason": "理由", "copy_to": "抄送机关",
    "entry": "被作废的记录", "file": "文书文件", "plan": "整改计划", "passed": "复查结论", "staff": "其他经办人",
    "office_staff": "推进组办公室人员", "git": "git 身份", "units": "单位", "documents": "公文格式",
    "workdays": "按工作日计算", "timezone": "时区", "problem_prefix": "问题编号前缀", "report_prefix": "报告机关代字",
    "backfill_days": "补录天数", "review_days": "审核天数", "problem_days": "问题整改天数",
    "immediate_days": "立行立改天数", "problem_red": "亮红灯的问题个数", "evidence_max_mb": "佐证材料大小上限",
    "trigger": "触发的督办通知", "forced": "强制督办", "origin": "导入来源", "authority": "工作要求出处", "score": "综合评价",
}


# words people write for a field, by meaning rather than by spelling (mobile: is phone:, not title:)
FIELD_ALIASES = {
    "mobile": "phone", "tel": "phone", "telephone": "phone", "cellphone": "phone", "cell": "phone",
    "手机": "phone", "手机号": "phone", "电话号码": "phone", "联系电话": "phone", "办公电话": "phone",
    "shortname": "short_names", "short_name": "short_names", "alias": "short_names", "aliases": "short_names",
    "leader": "head", "director": "head", "contact_person": "liaison",
    "due": "deadline", "due_date": "deadline", "截止日期": "deadline", "时限": "deadline",
    "partners": "co_units", "co": "co_units", "coop_units": "co_units",
}

UNIT_ID_HINT = "单位 id 只能用小写英文字母、数字和下划线，以字母开头，例如 mzj。"  # checks names the id when it can

MISSING_HINTS = {
    "notice_prefix": "请在 policy 下写明本推进组督办通知文号的机关代字，例如 notice_prefix: 环境督"
                     "（文号即 环境督〔年份〕1号）；代字印在每份通知上，没有默认值。",
    "policy": "请补上 policy:（督办规则），其中至少写明 notice_prefix（督办通知文号的机关代字）。",
}


def translate_error(err: dict, root_model: type) -> tuple[str, str, str, bool]:
    """(code, message, hint, point_at_key) for one pydantic error, in Chinese."""
    kind = err["type"]
    loc = err["loc"]
    fld = next((p for p in reversed(loc) if isinstance(p, str) and p not in models.ENTRY_TYPES), "")
    label = f'"{fld}"' + (f"（{FIELD_NAMES[fld]}）" if fld in FIELD_NAMES else "") if fld else "该值"
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind in ("missing", "missing_keyword_only_argument", "missing_argument"):
        return "missing-field", f"缺少必填字段 {label}", MISSING_HINTS.get(fld, f"请补上 {fld}: …"), False
    if kind in ("extra_forbidden", "unexpected_keyword_argument"):
        parent = _model_at(root_model, loc[:-1])
        names = list(field_types(parent) or {}) if parent else []
        hint = did_you_mean(fld, names) if names else ""
        chinese = [key for key in names if FIELD_NAMES.get(key) == fld.strip()]  # 联络员: for liaison:
        if chinese:
            hint = f"字段名要写英文：{FIELD_NAMES[chinese[0]]}写作 {chinese[0]}:"
        alias = FIELD_ALIASES.get(fld.strip().lower())
        if alias in names:  # mobile: for phone: (spelling alone suggested title:)
            hint = f'是否为 "{alias}"（{FIELD_NAMES[alias]}）？'
            if fld.strip() in FIELD_ALIASES and not fld.strip().isascii():
                hint = f"字段名要写英文：{fld.strip()}写作 {alias}:"
        allowed = "、".join(names)
        return ("unknown-field", f'未知字段 "{fld}"',
                hint or (f"允许的字段：{allowed}" if allowed else "请删除该字段。"), True)
    if kind in ("string_type",):
        return "wrong-type", f"{label} 应为文本，实际是{_describe(value)}", "请给这个值加上引号。", False
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "wrong-type", f"{label} 应为整数，实际是{_describe(value)}", "例如 60（不要带 % 号或小数）。", False
    if kind.startswith("date_") or kind.startswith("datetime_"):
        return ("wrong-type", f"{label} 不是有效的日期：{_describe(value)}",
                "日期请写成 YYYY-MM-DD，例如 2023-05-10，并确认该日期存在。", False)
    if kind == "list_type":
        return "wrong-type", f"{label} 应为列表，实际是{_describe(value)}", "列表的每一项以“- ”开头，各占一行。", False
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        key, colon, rest = value.partition("：") if isinstance(value, str) else ("", "", "")
        if colon and key.strip() and " " not in key.strip():  # - name：李某 reads as one text, not name: 李某
            return ("wrong-type", f"{label} 应为映射（键: 值），实际是文本“{value}”",
                    f"“{key.strip()}”后面用了全角冒号“：”，请改为半角冒号加一个空格：{key.strip()}: {rest.strip()}",
                    False)
        return ("wrong-type", f"{label} 应为映射（键: 值），实际是{_describe(value)}",
                "请检查缩进：下一级内容应比上一级多缩进两个空格。", False)
    if kind in ("too_short", "string_too_short"):  # a list, or a text such as name: ""
        least = ctx.get("min_length", 1)
        what = "个字符" if kind.startswith("string") else "项"
        return ("invalid-value", f"{label} 不能为空" if least <= 1 else f"{label} 过短（至少需要 {least} {what}）",
                "", False)
    if kind in ("too_long", "string_too_long"):
        what = "个字符" if kind.startswith("string") else "项"
        return "invalid-value", f"{label} 过长（最多 {ctx.get('max_length')} {what}）", "请精简。", False
    if kind == "string_pattern_mismatch":
        hint = "只能使用英文字母、数字、下划线、短横线或点，并以字母或数字开头，例如 T01、RW01、1.1。"
        if fld in ("id", "lead", "co_units", "unit", "lead_unit") and ctx.get("pattern") == models.UNIT_ID_PATTERN:
            hint = UNIT_ID_HINT
        if fld in ("notice", "notices"):
            hint = "督办通知的引用格式为 年份-序号，例如 2023-5。"
        if fld == "problem_prefix":  # its examples were task ids (an adversarial try)
            hint = "问题编号的前缀只能用 1 到 8 个英文字母，例如 W（问题编号即 W2023-0001）。"
        if isinstance(value, str) and re.search(r"[，、；]", value) and re.sub(r"[，、；\s]", "", value).isascii():
            # [dx，gaj]: a full-width comma does not separate YAML's list items (a fresh-eyes try)
            parts = [p.strip() for p in re.split(r"[，、；]", value) if p.strip()]
            hint = f"其中有全角逗号“，”或顿号“、”：列表的各项请用半角逗号加空格分开，例如 [{', '.join(parts)}]。"
        return "invalid-value", f"{label} 的格式不正确：{_describe(value)}", hint, False
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        bound = ctx.get("ge", ctx.get("gt", ctx.get("le", ctx.get("lt"))))
        word = "不能小于" if kind.startswith("greater") else "不能大于"
        return "out-of-range", f"{label} {word} {bound}（实际是 {value}）", "", False
    if kind == "literal_error":
        expected = str(ctx.get("expected", ""))
        choices = "、".join(re.findall(r"'([^']*)'", expected)) or expected  # "'蓝', '黄' or '红'"
        return "invalid-value", f"{label} 的取值不正确：{_describe(value)}", f"应为以下之一：{choices}", False
    if kind == "union_tag_invalid":
        kinds = "、".join(models.ENTRY_TYPES)
        return "unknown-entry-kind", f'未知的记录类型 "{ctx.get("tag", value)}"', f"kind 应为以下之一：{kinds}", False
    if kind == "union_tag_not_found":
        return "missing-field", '缺少记录类型字段 "kind"', "每条记录都要有 kind，例如 \"kind\":\"progress\"。", False
    if kind in ("bool_type", "bool_parsing"):  # workdays: 是 (an adversarial try: pydantic's English)
        return ("wrong-type", f"{label} 应为 true 或 false，实际是{_describe(value)}",
                "是、否请写作 true、false（不加引号）。", False)
    if kind in ("float_type", "float_parsing", "decimal_type", "decimal_parsing"):
        return "wrong-type", f"{label} 应为数字，实际是{_describe(value)}", "例如 60 或 2.5（不要带单位）。", False
    if kind == "value_error":  # our validators' own words (Chinese), after pydantic's "Value error, "
        said = str(err.get("msg", "")).removeprefix("Value error, ")
        if said and not said.isascii():
            return "invalid-value", f"{label} 的值不正确：{said}", "", False
    return "invalid-value", f"{label} 的值不正确：{_describe(value)}", "", False


def validation_problems(exc: ValidationError, root_model: type, src: Source,
                        locator: YamlLocator) -> list[Diagnostic]:
    problems = []
    for err in exc.errors(include_url=False):
        code, message, hint, at_key = translate_error(err, root_model)
        line, col, width = locator.locate(tuple(err["loc"]), key_only=at_key)
        problems.append(dataclasses.replace(src.problem(line, col, code, message, hint, width=width),
                                            value=err.get("input")))
    return problems


@dataclass
class YamlFile:
    src: Source
    model: object | None  # the validated root model; a partial one (see salvage) when partial
    problems: list[Diagnostic]
    locator: YamlLocator
    partial: bool = False
    dropped: dict[str, set[str]] = field(default_factory=dict)  # list field → ids of items left out
    index_map: dict[str, list[int]] = field(default_factory=dict)  # list field → original index per kept item

    def locate(self, loc: tuple) -> tuple[int, int, int]:
        """Like YamlLocator.locate, for a path into the (possibly partial) model."""
        if len(loc) > 1 and loc[0] in self.index_map and isinstance(loc[1], int):
            loc = (loc[0], self.index_map[loc[0]][loc[1]], *loc[2:])
        return self.locator.locate(loc)


# Lists whose items can be checked one by one, so that one bad task does not hide the other
# tasks' reference problems.
_ITEM_LISTS = {"Plan": {"indicators": models.Indicator, "tasks": models.Task},
               "UnitsFile": {"units": models.Unit}}


def salvage(model: type, data: dict):
    """A partial model built from the items that do validate, or None when a required block is bad."""
    lists = _ITEM_LISTS.get(model.__name__, {})
    fields, dropped, index_map = {}, {}, {}
    for name, info in model.model_fields.items():
        if name in lists:
            raw = data.get(name)
            kept, where, bad = [], [], set()
            for i, item in enumerate(raw if isinstance(raw, list) else []):
                try:
                    kept.append(lists[name].model_validate(item))
                    where.append(i)
                except ValidationError:
                    if isinstance(item, dict) and isinstance(item.get("id"), str):
                        bad |= {item["id"], item["id"].lower()}  # an id rejected only for its case
            fields[name], index_map[name], dropped[name] = kept, where, bad
        elif name in data:
            try:
                fields[name] = TypeAdapter(info.annotation).validate_python(data[name])
            except ValidationError:
                return None
        elif info.is_required():
            return None
    return model.model_construct(**fields), dropped, index_map


def load_yaml_model(path: Path, display: str, model: type) -> YamlFile:
    src, problems = read_text(path, display, MAX_YAML_BYTES)
    locator = YamlLocator(src)
    if problems:
        return YamlFile(src, None, problems, locator)
    data, problems = parse_yaml(src)
    if data is None and not problems:
        problems = [src.problem(0, 0, "file-empty", "文件为空")]
    if problems and data is None:
        return YamlFile(src, None, problems, locator)
    if not isinstance(data, dict):
        # point at the first line that is not a comment, where the list or text begins
        line = next((n for n, text in enumerate(src.lines, 1)
                     if text.strip() and not text.lstrip().startswith("#")), 1)
        col = len(src.line_text(line)) - len(src.line_text(line).lstrip()) + 1
        problems.append(src.problem(line, col, "wrong-type",
                                    f"文件顶层应为映射（键: 值），实际是{_describe(data)}",
                                    f"请参照示例数据，文件应以 {next(iter(model.model_fields))}: 开头。"))
        return YamlFile(src, None, problems, locator)
    problems.extend(text_problems(src, data, lambda path: locator.locate(path)))
    from .state import model_validator

    try:
        obj = model_validator(model).validate_python(data)
    except ValidationError as exc:
        problems.extend(validation_problems(exc, model, src, locator))
        with held():  # the items' models build their validators on first use
            partial = salvage(model, data)
        if partial is None:
            return YamlFile(src, None, problems, locator)
        obj, dropped, index_map = partial
        return YamlFile(src, obj, problems, locator, True, dropped, index_map)
    except RecursionError:
        problems.append(src.problem(0, 0, "yaml-syntax", "YAML 嵌套层级过深"))
        obj = None
    return YamlFile(src, obj, problems, locator)


# ------------------------------------------------------------------ journal

class _EntryList:
    """The journal's validator (list[models.Entry], by pydantic-core), built on first use.
    pydantic's TypeAdapter takes about 35 ms to build it (generating the core schema, and importing
    its plugin loader): a tenth of a city's read after a pull. The store keeps the core schema so
    generated (state.keep_validator), and later commands build the very same validator from it in
    about 4 ms (state.load_validator); state.use_store names the store before the first use."""

    def __init__(self) -> None:
        self.validator = None
        self.built = False  # built by pydantic here and not yet kept, so the store may keep its schema
        self.item = None  # the validator of one entry (validate_lines), False when there is none
        self.serializer = None  # the serializer of one entry (dump), False when there is none

    def get(self):
        if self.validator is None:
            from . import state

            root = state.store_root()
            self.validator = state.shipped_validator()
            if self.validator is None and root is not None:
                self.validator = state.load_validator(root)
            if self.validator is None:
                with held():  # a Ctrl-C now would leave its patterns matching nothing (interrupts.py)
                    self.validator, self.built = TypeAdapter(list[models.Entry]).validator, True
                if root is not None:  # for the next command (best effort, as every store file)
                    self.built = False
                    state.keep_validator(root, self.validator)
        return self.validator

    def validate_json(self, data):
        return self.get().validate_json(data)

    def validate_python(self, data):
        return self.get().validate_python(data)

    def validate_lines(self, lines: typing.Iterable[bytes]) -> list:
        """Each line read as one entry on its own: a line that is not exactly one JSON object
        (half of one, or two) raises, whatever the lines around it hold. (Lines joined into one
        array could pair up: a line that leaves a string or a list open and one that closes it
        read as one entry, and a line holding two objects makes the count come out even.)
        pydantic-core takes a line at a time as quickly as a megabyte at a time."""
        if self.item is None:
            self.item = self._item_validator()
        if self.item is not False:
            return list(map(self.item.validate_json, lines))
        validate = self.get().validate_json
        out = []
        for line in lines:
            (entry,) = validate(b"[" + line + b"]")  # a line of two objects is two: ValueError
            out.append(entry)
        return out

    def _item_schema(self):
        """(core schema, config) of one entry, from the list validator's own; None when it is not
        pydantic-core's own (a pydantic plugin's wrapper)."""
        from pydantic_core import SchemaValidator

        validator = self.get()
        if type(validator) is not SchemaValidator:
            return None
        schema, config = validator.__reduce__()[1][:2]
        if schema.get("type") == "definitions":
            schema = {**schema, "schema": schema["schema"]["items_schema"]}
        else:
            schema = schema["items_schema"]
        return schema, config

    def _item_validator(self):
        """The validator of one entry (a few ms); False when there is none (see _item_schema)."""
        from pydantic_core import SchemaValidator

        found = self._item_schema()
        if found is None:
            return False
        with held():
            return SchemaValidator(*found)

    # A write makes its entries (models.make) and writes them (models.dump) by the same schema:
    # pydantic would build a validator and a serializer per entry class, 15-20 ms of a `cc log`.

    def make(self, fields: dict):
        """The entry fields describe (their kind chooses its class), validated; None when there
        is no item validator (models.make then asks pydantic)."""
        if self.item is None:
            self.item = self._item_validator()
        return None if self.item is False else self.item.validate_python(fields)

    def dump(self, entry):
        """entry as JSON-ready data, fields left at their defaults omitted; None when there is no
        serializer (models.dump then asks pydantic)."""
        if self.serializer is None:
            from pydantic_core import SchemaSerializer

            found = self._item_schema()
            self.serializer = False if found is None else SchemaSerializer(*found)
        if self.serializer is False:
            return None
        return self.serializer.to_python(entry, mode="json", exclude_defaults=True)


_ENTRY_LIST = _EntryList()
models.CODEC.append(_ENTRY_LIST)
_JOURNAL_PIECE = 1024 * 1024  # bytes of journal (whole lines) split and validated at a time on the fast path


def _journal_pieces(raw: bytes) -> Iterator[bytes]:
    """raw in pieces of whole lines, each about _JOURNAL_PIECE bytes; the newline between two
    pieces belongs to neither, so splitting each piece on newlines gives raw's lines in order."""
    start = 0
    while start < len(raw):
        end = raw.find(b"\n", start + _JOURNAL_PIECE)
        if end < 0:
            end = len(raw)
        yield raw[start:end]
        start = end + 1


def _nonempty_lines(raw: bytes) -> Iterator[bytes]:
    """raw's lines that hold more than white space, stripped, one at a time."""
    for piece in _journal_pieces(raw):
        for line in piece.split(b"\n"):
            line = line.strip(BLANK)
            if line:
                yield line


@dataclass
class JournalFile:
    src: Source
    entries: list  # validated entries (bad lines left out)
    lines: list[int]  # 1-based line number of each entry in entries
    problems: list[Diagnostic] = field(default_factory=list)
    invalid: dict = field(default_factory=dict)  # id → [lines]: JSON objects with an id, no valid entry

    def locate_key(self, index: int, key: str) -> tuple[int, int]:
        """(line, col) of "key": in the journal line of entry index."""
        line = self.lines[index]
        pos = self.src.line_text(line).find(f'"{key}"')
        return line, (pos + 1 if pos >= 0 else 1)

    def problem_at(self, index: int, key: str, code: str, message: str, hint: str = "",
                   severity: str = ERROR) -> Diagnostic:
        line, col = self.locate_key(index, key)
        text = self.src.line_text(line)
        value_col, width = col, 1
        if col > 1 or text.startswith(f'"{key}"'):
            colon = text.find(":", col - 1 + len(key) + 2)
            if colon >= 0:
                value_col, width = _json_value_at(text, colon + 1)
        return self.src.problem(line, value_col, code, message, hint, severity, width)


_DECODER = json.JSONDecoder()


def _json_value_at(text: str, start: int) -> tuple[int, int]:
    """(col, width) of the JSON value that begins at or after index start of text."""
    while start < len(text) and text[start] in " \t":
        start += 1
    try:
        _, end = _DECODER.raw_decode(text, start)
    except ValueError:
        return start + 1, 1
    return start + 1, max(end - start, 1)


_JSON_MESSAGES = {
    "Expecting value": "此处缺少一个值",
    "Extra data": "一条记录结束后还有多余内容（两条记录写在了同一行？）",
    "Expecting property name enclosed in double quotes": "字段名必须用英文双引号括起来（或末尾多了逗号）",
    "Expecting ':' delimiter": "字段名后缺少英文冒号“:”",
    "Expecting ',' delimiter": "缺少英文逗号“,”（或引号没有闭合）",
    "Unterminated string starting at": "字符串的引号没有闭合",
    "Invalid control character at": "字符串中含有控制字符（如 Tab）",
    "Invalid \\escape": "无效的转义符（\\）",
    "Illegal trailing comma before end of object": "末尾多了一个逗号",
    "Illegal trailing comma before end of array": "末尾多了一个逗号",
}
_CONFLICT_MARKERS = ("<<<<<<<", "=======", ">>>>>>>", "|||||||")
_FULLWIDTH = {"“": '"', "”": '"', "‘": "'", "’": "'", "，": ",", "：": ":",
              "｛": "{", "｝": "}", "［": "[", "］": "]"}


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _no_duplicates(pairs: list) -> dict:
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set = set()
        raise _DuplicateKey(next(k for k, _ in pairs if k in seen or seen.add(k)))
    return obj


def _nth_key_col(text: str, key: str, n: int) -> int:
    """1-based column of the n-th (0-based) occurrence of "key": in text, or 1."""
    pos = -1
    for _ in range(n + 1):
        pos = text.find(f'"{key}"', pos + 1)
        if pos < 0:
            return 1
    return pos + 1


def _entry_line_problems(src: Source, line_no: int, text: str) -> tuple[object | None, list[Diagnostic]]:
    if len(text) > MAX_LINE_BYTES // 4 and len(text.encode("utf-8")) > MAX_LINE_BYTES:
        return None, [Diagnostic(src.display, line_no, 0, "journal-json",
                              f"这一行过长（{len(text.encode('utf-8')) / 1048576:.1f} MB，每行上限 "
                              f"{MAX_LINE_BYTES // 1048576} MB），不予读取",
                              "日志每行是一条记录，正常不超过几 KB；请检查是否误粘贴了大段内容。",
                              source=text[:160])]
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicates)
    except _DuplicateKey as exc:
        key = exc.key
        return None, [src.problem(line_no, _nth_key_col(text, key, 1), "duplicate-key",
                                  f'重复的键 "{key}"，后一个会覆盖前一个', "请删除或合并其中一个。",
                                  width=len(key) + 2)]
    except json.JSONDecodeError as exc:
        if text.startswith(_CONFLICT_MARKERS):
            return None, [src.problem(line_no, 1, "journal-json", "这是 git 合并冲突留下的标记行",
                                      "请保留需要的记录，删除 <<<<<<<、=======、>>>>>>> 标记行。",
                                      width=7)]
        char = text[exc.pos] if exc.pos < len(text) else ""
        if char and char in _FULLWIDTH:
            message = f"此处用了中文标点 {char} ，应为英文半角的 {_FULLWIDTH[char]}"
            hint = "JSON 中的引号、逗号、冒号和括号必须是英文半角符号；中文标点只能出现在引号内的文字里。"
        elif char and exc.msg.startswith("Invalid control character"):  # inside a string's quotes
            from ..textguard import describe

            name = "U+0009（Tab）" if char == "\t" else describe(char)
            message = f"此处有一个看不见的字符 {name}，JSON 的引号内不能直接写控制字符"
            hint = "请删除这个字符（多是从别处复制粘贴带进来的）；文字中要换行或 Tab 时写 \\n 或 \\t。"
        elif char and (char.isspace() or not char.isprintable()) and char not in " \t":
            import unicodedata

            from ..textguard import describe

            space = unicodedata.category(char) == "Zs"  # a no-break or full-width space …
            name = f"U+{ord(char):04X}（全角或不换行空格）" if space else describe(char)
            message = f"此处有一个看不见的字符 {name}，JSON 在引号之外只允许空格和 Tab"
            hint = "请删除这个字符（多是从别处复制粘贴带进来的）。"
        else:
            said = next((v for k, v in _JSON_MESSAGES.items() if exc.msg.startswith(k)), exc.msg)
            message = "这一行不是有效的 JSON：" + said
            # a line that stops half-way: an interrupted write or sync, or one folded by hand
            if exc.msg.startswith("Unterminated string") or exc.pos >= len(text.rstrip(" \t")):
                # on the computer whose cc was killed, reads leave such a part out and the next
                # write takes it back (journal.unfinished): met here, it came from elsewhere or
                # from a hand edit (a fresh-eyes try was told to run the write again, refused)
                hint = ("这一行在中途就结束了：可能是写入被中断后又被提交进来（在本机中途被结束的写入不会这样显示，"
                        "下一次写入会自动撤回它）、文件同步不完整或被手工折行。请用 git log -p data/journal.jsonl 查看它的来历："
                        "是别处半截写入的，删去这半行，请那边的人重新办理那条命令；否则从 git 恢复这一行。")
            else:
                hint = "日志每行必须是一个完整的 JSON 对象；请不要手工折行。"
        return None, [src.problem(line_no, exc.colno, "journal-json", message, hint)]
    except RecursionError:
        return None, [src.problem(line_no, 1, "journal-json", "这一行嵌套层级过深")]
    except ValueError:  # int() of a number with thousands of digits (sys.get_int_max_str_digits)
        m = _LONG_NUMBER.search(text)
        return None, [src.problem(line_no, m.start() + 1 if m else 1, "invalid-value",
                                  "数字过长（有上千位），无法作为数值读取", "请检查是否误粘贴了大段数字。",
                                  width=min(len(m.group()), 40) if m else 1)]
    if not isinstance(obj, dict):
        return None, [src.problem(line_no, 1, "journal-json",
                                  f"这一行应为一个 JSON 对象 {{…}}，实际是{_describe(obj)}")]
    bad = text_problems(src, obj, lambda path: _journal_locate(text, line_no, path))
    if bad:
        return None, bad
    try:  # by the journal's own validator (a one-entry one would be built anew, 10 ms, on each write)
        return _ENTRY_LIST.validate_python([obj])[0], []
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            err["loc"] = err["loc"][1:]  # the entry's place in the list of one
            code, message, hint, _ = translate_error(err, models.EntryBase)
            loc = err["loc"]
            key = next((p for p in loc[1:] if isinstance(p, str)), None) if len(loc) > 1 else None
            if loc and loc[0] in models.ENTRY_TYPES and len(loc) > 1:
                key = next((p for p in loc[1:] if isinstance(p, str)), None)
            if code in ("unknown-entry-kind",):
                key = "kind"
            if code == "missing-field" and key:
                hint = f'请补上 "{key}":…'  # the shared hint speaks YAML
            pos = text.find(f'"{key}"') if key else -1
            col, width = 1, 1
            if pos >= 0:
                colon = text.find(":", pos + len(key) + 2)
                if colon >= 0 and code != "unknown-field":
                    col, width = _json_value_at(text, colon + 1)
                else:
                    col, width = pos + 1, len(key) + 2
            problems.append(src.problem(line_no, col, code, message, hint, width=width))
        return None, problems


def _journal_locate(text: str, line_no: int, path: tuple) -> tuple[int, int, int]:
    key = next((p for p in path if isinstance(p, str)), None)
    pos = text.find(f'"{key}"') if key else -1
    if pos < 0:
        return line_no, 1, 1
    colon = text.find(":", pos + len(key) + 2)
    col, width = _json_value_at(text, colon + 1) if colon >= 0 else (pos + 1, len(key) + 2)
    return line_no, col, width


def load_journal(path: Path, display: str) -> JournalFile:
    journal = _load_journal(path, display)
    from .state import unfinished

    cut = unfinished(path)
    if cut is not None:  # the bytes read left out part of an append (state.journal_raw)
        journal.problems.append(unfinished_problem(journal.src, cut))
    return journal


UNFINISHED = "journal-write-unfinished"


def unfinished_problem(src: Source, cut: tuple[int, int, int, bool]) -> Diagnostic:
    """What a read left out: the part of an append not complete (journal.unfinished), on the line
    it begins. An error, so that it is never committed (cc validate in the pre-commit hook and
    CI): another clone would read a cut-off line, and the take-back would then rewrite a
    committed history (a fresh-eyes try). Reads leave it out of what they say they skipped
    (checks.usable_from): no entry of the journal as read is left out for it."""
    _, line, whole, broken = cut
    what = f"{whole} 条完整记录" + ("和 1 行残缺记录" if broken else "") if whole else "1 行残缺记录"
    return src.problem(line, 1, UNFINISHED,
                       f"日志第 {line} 行起是一次还没有完成的写入（另一个 cc 正在写入，或写入时进程被结束）：其中 "
                       f"{what}暂不计入",
                       "正在写入的，稍后重新运行即可；进程被结束的，下一次写入（任何写入命令）会把它撤回，"
                       "日志恢复为那次写入之前的样子，需要的话请重新运行那条命令。不要手工修改日志，也不要在撤回之前提交"
                       "（别人的日志里它是一行损坏的记录）。")


def _load_journal(path: Path, display: str) -> JournalFile:
    from .state import hold

    if not os.path.lexists(path):  # a link to nowhere is no missing journal: read_text refuses it
        # A new group has no journal yet: that is an empty journal, not an error.
        return JournalFile(Source(path, display, ""), [], [])
    journal = _fast_journal(path, display)
    if journal is not None:
        hold(journal.entries)  # the objects, not the file's bytes (one block, freed at once)
        return journal
    # Slow path, only for a journal with problems: line by line, every problem located; the same
    # bytes as the fast path and the store's keys (state.journal_raw), so one command checks and
    # keys one version of the file.
    from .state import journal_raw

    src, problems = read_text(path, display, MAX_JOURNAL_BYTES, lambda p: journal_raw(p, keep=False), by_line=True)
    undecoded = {p.line for p in problems if p.code == "line-encoding"}  # the others are still read
    if len(undecoded) != len(problems):
        return JournalFile(src, [], [], problems)
    entries, lines, invalid = [], [], {}
    blank = BLANK.decode()
    for line_no, text in ((i + 1, ln) for i, ln in enumerate(src.lines) if ln.strip(blank) and i + 1 not in undecoded):
        entry, line_problems = _entry_line_problems(src, line_no, text.rstrip("\r"))
        problems.extend(line_problems)
        if entry is not None:
            entries.append(entry)
            lines.append(line_no)
        elif line_problems:
            named = _named_id(text)
            if named is not None:
                invalid.setdefault(named, []).append(line_no)
    hold(entries)
    return JournalFile(src, entries, lines, problems, invalid)


def _named_id(text: str) -> str | None:
    """The id a journal line that is no valid entry still names ("id":"20231205-beef0001" in a
    line whose percent is 150, or that repeats a key), for cc void to name it; None when the
    line is no JSON object or its id is no plain id (cc history's form: 4 to 64 letters, digits, -)."""
    if len(text) > MAX_LINE_BYTES // 4:
        return None
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):  # [[[…]]] a thousand deep: no id, and said by the line's check
        return None
    named = value.get("id") if isinstance(value, dict) else None
    return named if isinstance(named, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{3,63}", named) else None


def _fast_journal(path: Path, display: str) -> JournalFile | None:
    """The whole journal validated by pydantic-core, line by line (validate_lines); None when
    anything is off (then the slow path finds and explains it)."""
    try:
        if path.stat().st_size > MAX_JOURNAL_BYTES:
            return None
    except OSError:
        return None
    from .state import journal_raw

    raw = journal_raw(path, keep=False)  # the bytes the store's keys hashed, when it read them
    if raw is None:
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    found = _validated_lines(raw)
    if found is None:
        return None
    entries, numbered, bad, keys, apart = found
    src = Source(path, display, raw=raw)
    if not bad:
        if may_repeat_keys(entries, _nonempty_lines(raw), keys, apart):
            return None
        return JournalFile(src, entries, numbered)
    return _with_bad_lines(src, raw, entries, numbered, bad, keys, apart)


def _validated_lines(raw: bytes):
    """(entries, their line numbers, (line number, line) of the lines that are no entry, the
    count of `":` in raw, key_apart of raw) of the journal's bytes, by pydantic-core; None when
    the fast path cannot answer (bytes it leaves to the line-by-line reading: _suspect; a line
    too long; a file broken throughout)."""
    numbered: list[int] = []
    entries: list = []
    bad: list[tuple[int, bytes]] = []  # lines no entry: explained below as the slow path would
    line_no = 0  # lines before the current piece
    keys, apart = 0, False
    try:
        for piece in _journal_pieces(raw):
            # A piece (about a megabyte) at a time: the lines of a whole city's journal, split at
            # once, would be held all together, about 20 MB more at 158,000 lines. Each scan of
            # the bytes runs on a piece while it is in the processor's cache (as scans of the
            # whole file, a tenth slower at city scale); a piece holds whole lines, and each scan
            # looks within a line (_suspect's window around a byte too).
            if _suspect(piece):
                return None
            keys += piece.count(b'":')
            apart = apart or key_apart(piece)
            lines = piece.split(b"\n")
            if max(map(len, lines)) > MAX_LINE_BYTES:
                return None
            first = line_no + 1
            line_no += len(lines)
            if b"" not in lines:
                try:
                    entries.extend(_ENTRY_LIST.validate_lines(lines))
                    numbered.extend(range(first, line_no + 1))
                    continue
                except (ValidationError, ValueError):
                    pass  # a line of white space (no entry), or a bad line: see below
            kept = [(first + i, line) for i, line in enumerate(lines) if line.strip(BLANK)]
            try:
                entries.extend(_ENTRY_LIST.validate_lines([line for _, line in kept]))
                numbered.extend(n for n, _ in kept)
            except (ValidationError, ValueError):
                # A bad line among them (one voided by its id stays for good: see checks.py):
                # each line on its own, so that the rest of a city's journal keeps this path.
                for n, line in kept:
                    try:
                        entries.extend(_ENTRY_LIST.validate_lines([line]))
                        numbered.append(n)
                    except (ValidationError, ValueError):
                        bad.append((n, line))
                        if len(bad) > MAX_BAD_LINES_FAST:
                            return None  # a file broken throughout: the slow path says so
    except (ValidationError, ValueError, RecursionError):
        return None
    return entries, numbered, bad, keys, apart


def _with_bad_lines(src: Source, raw: bytes, entries: list, numbered: list[int], bad: list[tuple[int, bytes]],
                    keys: int, apart: bool) -> JournalFile | None:
    """The fast path's journal with the lines that are no entry explained, as the slow path
    would explain them; None when the two paths might disagree (the slow path decides)."""
    problems: list[Diagnostic] = []
    invalid: dict = {}
    for n, line in bad:
        if b"\x00" in line:  # the line-by-line reading names such a line's encoding (line-encoding)
            return None
        try:
            text = line.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError:
            return None
        # the line's own text for the problem's excerpt: not the whole journal decoded to find it
        entry, found = _entry_line_problems(_OneLine(src, n, text), n, text)
        if entry is not None or not found:  # the two paths disagree: the slow path decides
            return None
        problems.extend(found)
        named = _named_id(text)
        if named is not None:
            invalid.setdefault(named, []).append(n)
    skipped = {n for n, _ in bad}
    good = (line.strip(BLANK) for n, line in enumerate(raw.split(b"\n"), 1)  # read only when keys say so
            if n not in skipped and line.strip(BLANK))
    keys -= sum(line.count(b'":') for _, line in bad)
    if may_repeat_keys(entries, good, keys, apart):
        return None
    return JournalFile(src, entries, numbered, problems, invalid)


class _OneLine(Source):
    """One line of a journal as a Source: its problems name the journal and the line's number."""

    def __init__(self, journal: Source, number: int, text: str):
        super().__init__(journal.path, journal.display, "")
        self.number, self.one = number, text

    def line_text(self, line: int) -> str:
        return self.one if line == self.number else ""


MAX_BAD_LINES_FAST = 200  # bad lines the fast path explains one by one; more: the slow path


# What the fast path hands to the line-by-line check: UTF-8 of DEL, C1 controls, bidi overrides
# and isolates, noncharacters (and, harmlessly, a few rare characters ending in the same bytes),
# and any \u escape, which may spell a control character. Raw C0 controls and lone surrogates
# already make the JSON invalid. Separate literal searches: one alternation is ten times slower.
# Each search runs only when its first byte is there at all (a memchr, six times quicker than
# the search): DEL, C1 controls, "\" and, in journals without “”—…, U+2000-U+206F are rare.
_SUSPECT_BYTES = [(first, re.compile(p)) for first, p in ((b"\x7f", rb"\x7f"), (b"\xc2", rb"\xc2[\x80-\x9f]"),
                                                           (b"\xe2", rb"\xe2\x80[\xa8-\xae]"),
                                                           (b"\xe2", rb"\xe2\x81[\xa6-\xa9]"),
                                                           (b"\xef", rb"\xef\xb7[\x90-\xaf]"), (b"\\", rb"\\u"))]
# U+FFFE/U+FFFF and the last two code points of every plane end in these bytes; so do some
# ordinary characters (俾 is E4 BF BE), so each hit is decoded and looked at.
_NONCHAR_TAIL = re.compile(rb"\xbf[\xbe\xbf]")


def _suspect(raw: bytes) -> bool:
    if any(first in raw and p.search(raw) for first, p in _SUSPECT_BYTES):
        return True
    if b"\\" in raw and _escaped_controls(raw):
        return True
    from ..textguard import find_bad

    for m in _NONCHAR_TAIL.finditer(raw):
        # the character's bytes, within its own line (a CR ending the line before is no matter)
        start = max(m.start() - 3, raw.rfind(b"\n", 0, m.start()) + 1)
        window = raw[start:m.end()].decode("utf-8", errors="ignore")
        if find_bad(window) >= 0:
            return True
    return False


# JSON's short escapes of C0 controls: \b, \f and \r spell characters no field may hold; \t and
# \n ones only the multi-line fields (MULTILINE_FIELDS) may.
_ALWAYS_BAD_ESCAPES = (b"\\b", b"\\f", b"\\r")
_MULTILINE_ESCAPES = (b"\\t", b"\\n")


def _escaped_controls(raw: bytes) -> bool:
    """Whether a JSON escape in raw spells a character the line-by-line check refuses (see
    _ALWAYS_BAD_ESCAPES): the fast path's bytes show no control character, yet the entries would
    hold one. An escape is a backslash after an even number of others (C:\\\\bin is none); a
    line with a \t or \n escape is parsed and its texts looked at as text_problems does."""
    starts: set[int] = set()
    for esc in (*_ALWAYS_BAD_ESCAPES, *_MULTILINE_ESCAPES):
        at = raw.find(esc)
        while at >= 0:
            before = at
            while before > 0 and raw[before - 1] == 0x5C:  # backslashes before this one
                before -= 1
            if (at - before) % 2 == 0:
                if esc in _ALWAYS_BAD_ESCAPES:
                    return True
                starts.add(raw.rfind(b"\n", 0, at) + 1)
            at = raw.find(esc, at + 2)
    for start in starts:
        end = raw.find(b"\n", start)
        try:
            data = json.loads(raw[start:] if end < 0 else raw[start:end])
        except (ValueError, RecursionError):
            return True  # not for this check to explain
        if holds_bad_text(data):
            return True
    return False


def holds_bad_text(value, multiline: bool = False) -> bool:
    """Whether text_problems finds anything in value (the same walk, nothing located)."""
    from ..textguard import find_bad

    if isinstance(value, str):
        return find_bad(value, multiline) >= 0
    if isinstance(value, dict):
        return any((isinstance(key, str) and find_bad(key, False) >= 0) or holds_bad_text(item, key in MULTILINE_FIELDS)
                   for key, item in value.items())
    if isinstance(value, list):
        return any(holds_bad_text(item, multiline) for item in value)
    return False


@functools.cache
def _field_counter(cls: type) -> tuple[int, tuple, tuple]:
    """(how many fields an entry of cls always has, a getter and the default of each other one)."""
    required, getters, defaults = 0, [], []
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            default = f.default
        elif f.default_factory is not dataclasses.MISSING:
            default = f.default_factory()
        else:
            required += 1
            continue
        getters.append(operator.attrgetter(f.name))
        defaults.append(default)
    return required, tuple(getters), tuple(defaults)


def may_repeat_keys(entries: list, chunks: typing.Iterable[bytes], keys: int | None = None,
                    apart: bool | None = None) -> bool:
    """True when some line may hold a key twice (JSON parsers keep the last one silently).
    Without parsing again: a line has at least as many keys as its entry has fields off their
    default, and exactly that many unless a key is repeated or a default written out. Counting
    `":` counts the keys (a quote inside a string is escaped, so `\\":` in a text only adds to
    the count), unless white space stands between a key and its colon ("percent" :85), which
    JSON allows: such lines are checked exactly (see key_apart). When the whole journal's count
    equals the sum of those least counts and no key stands apart, every line has exactly its
    least, and no key is repeated: one bytes.count and a few C-level maps for a city's 100,000
    lines. Otherwise the lines with more, or with a key apart, are checked exactly (`cc` writes
    neither, so that is rare). keys, apart: the count of `":` in all the chunks and key_apart of
    them, when the caller has the bytes they were cut from (one pass over them is quicker)."""
    groups: dict[type, list] = {}
    for entry in entries:
        groups.setdefault(type(entry), []).append(entry)
    ne = operator.ne
    least = 0
    for cls, group in groups.items():
        required, getters, defaults = _field_counter(cls)
        least += required * len(group)
        for getter, default in zip(getters, defaults):
            least += sum(map(ne, map(getter, group), itertools.repeat(default)))
    if keys is None or apart is None:
        chunks = list(chunks)  # counted here and read again below
        if keys is None:
            keys = sum(c.count(b'":') for c in chunks)
        if apart is None:
            apart = any(map(key_apart, chunks))
    if keys == least and not apart:
        return False
    for entry, chunk in zip(entries, chunks):
        required, getters, defaults = _field_counter(type(entry))
        least = required + sum(getter(entry) != default for getter, default in zip(getters, defaults))
        if (chunk.count(b'":') != least or (apart and key_apart(chunk))) and _repeats_a_key(chunk):
            return True
    return False


def key_apart(data: bytes) -> bool:
    """Whether white space may stand between a key and its colon in data ("percent" :85): a quote
    followed by a space, a tab or a carriage return. `cc` writes none, and such bytes are rare in
    a journal: each is found by memchr and the byte before it looked at, and only past a thousand
    of one kind (a CRLF file, English notes) is the pair searched for (a fifth of a second per
    gigabyte, as the count of `":`)."""
    for ws in (b" ", b"\t", b"\r"):
        at = data.find(ws)
        for _ in range(1000):
            if at < 0:
                break
            if at and data[at - 1] == 0x22:  # a quote before it
                return True
            at = data.find(ws, at + 1)
        else:
            if b'"' + ws in data:
                return True
    return False


def _repeats_a_key(chunk: bytes) -> bool:
    try:
        json.loads(chunk, object_pairs_hook=_no_duplicates)
    except _DuplicateKey:
        return True
    except (ValueError, RecursionError):
        return True
    return False
