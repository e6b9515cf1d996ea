"""Reading a 问题清单 spreadsheet (.xlsx or .csv) into checked rows, all valid or none.

暗访 and 督查 lists arrive as the sheets people make by hand: title rows and merged cells above the
header, a 序号 column, blank rows, dates typed as Excel dates or as text, units by their short
names, GBK-encoded CSV from Excel on Chinese Windows (separated by semicolons where the comma is
the decimal mark). This module finds the header row by its known column names (or the user's
`--map 表头=字段`), reads every data row, and either returns them all or raises ImportRefused
naming every bad row by sheet and row number, because a list imported half-way is worse than
none. Each row carries a content key (source, found date, unit, place, description) so the
caller can skip problems already recorded: importing a re-sent sheet, re-ordered or re-numbered,
adds nothing. No clock, no environment, no printing: the caller decides what a blank deadline or
found date means.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import unicodedata
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from ..diagnostics import ImportRefused, UsageError, did_you_mean
from ..domain import models
from ..domain.dates import with_year
from ..textguard import looks_blank
from ..textguard import describe, find_bad, unmarked

# Limits against hostile or mistaken input (module constants so tests can lower them).
MAX_BYTES = 20 * 1024 * 1024  # the file as stored
MAX_UNZIPPED = 100 * 1024 * 1024  # an .xlsx is a zip: its parts once inflated (a zip bomb)
MAX_ROWS = 50_000  # rows of one worksheet or CSV file
MAX_COLUMNS = 200  # columns read; no problem list is wider
HEADER_SCAN = 20  # rows searched for the header row
MAX_DESC = 2000
MAX_PLACE = 200

SOURCES = models.PROBLEM_SOURCES

FIELDS = ("desc", "place", "unit", "co", "deadline", "found", "source", "task")
# What inspection sheets write in the 整改时限 column for a problem to fix at once: read as a
# blank cell, which cc problem import records as 立行立改 with the policy's immediate_days.
IMMEDIATE = ("立行立改", "立即整改", "立即", "马上整改", "即知即改", "立查立改", "即查即改")
LASTING = ("长期整改", "长期", "限期整改", "持续整改", "长期坚持")  # a way to fix it written where its date goes
LABELS = {"desc": "问题描述", "place": "点位", "unit": "责任单位", "co": "配合单位", "deadline": "整改时限",
          "found": "发现时间", "source": "来源", "task": "任务"}
# Other names --map takes for a field: the words cc itself prints for it (整改期限 in every notice and
# problem, 所属任务 in cc problem show), which a user copies into --map 整改时间=整改期限.
MAP_ALIASES = {"整改期限": "deadline", "所属任务": "task", "问题来源": "source", "发现日期": "found",
               "co_units": "co"}
REQUIRED = ("desc", "place", "unit")
SEQ = "seq"  # the 序号 column: read past, never imported
SKIP = "skip"  # a column the user's --map 表头=不导入 leaves out (and is then not named as unread)
SKIP_WORDS = ("不导入", "忽略", "skip")

# Header texts (after _header_key: NFKC, no spaces) for each field. Exact matches only, so that
# 问题类型 is not taken for 问题; a trailing （说明） is dropped before matching. Words that sheets
# use for two things are left out on purpose: 整改时间 and 完成时间 (the deadline, or the day it was
# fixed), 整改完成时间; a sheet's column so headed is named, and refused when it may be the
# deadline or 发现时间 the sheet otherwise lacks (_date_columns), never dropped silently.
HEADERS = {
    "desc": ("问题描述", "存在问题", "问题", "问题内容", "具体问题", "主要问题", "问题情况", "存在的问题", "问题详情",
             "问题表现", "存在问题描述"),
    "place": ("点位", "问题点位", "地点", "点位名称", "检查点位", "问题地点", "具体点位", "检查地点", "具体地点",
              "点位地址", "地址", "位置", "具体位置", "问题位置", "所在位置", "所在地点", "具体地址"),
    "unit": ("责任单位", "整改责任单位", "整改单位", "责任部门", "整改责任部门", "牵头单位", "主责单位", "承办单位",
             "责任主体"),
    # a column of its own for the co-units (they may also follow the responsible unit in its cell)
    "co": ("配合单位", "配合部门", "协办单位", "协助单位", "协同单位", "配合责任单位", "协办部门"),
    "deadline": ("整改时限", "整改期限", "完成时限", "整改完成时限", "完成期限", "时限要求", "整改时限要求",
                 "整改期限要求", "要求完成时间", "要求完成时限", "要求完成日期", "要求整改时间", "要求整改时限",
                 "整改截止时间", "整改截止日期", "截止时间", "截止日期", "办结时限", "办结期限", "期限", "时限"),
    "found": ("发现时间", "发现日期", "检查时间", "检查日期", "暗访时间", "暗访日期", "督查时间", "督查日期",
              "巡查时间", "巡查日期", "发现问题时间"),
    "source": ("来源", "问题来源", "来源渠道", "问题来源渠道", "发现渠道", "信息来源"),
    "task": ("任务", "任务编号", "所属任务", "所属任务编号"),
    SEQ: ("序号",),
}
# Names read only when the sheet has no other column for their field: a sheet often gives a 点位
# and its 地址 side by side, and the 点位 is the one to read (the 地址 is named as not read).
SECONDARY = frozenset({"地址", "具体地址", "位置", "具体位置", "所在位置"})
_HEADER_FIELD = {h: f for f, names in HEADERS.items() for h in names}

# Words that name a source inside a longer description (市创城办暗访, 12345热线 …).
_SOURCE_WORDS = {
    "自查": ("自查", "自检"),
    "互查": ("互查", "互检", "交叉检查"),
    "督查": ("督查", "督导", "巡查"),
    "暗访": ("暗访", "暗查"),
    "测评反馈": ("测评",),
    "群众反映": ("群众", "市民", "12345", "热线", "投诉", "举报", "信访"),
    "媒体曝光": ("媒体", "新闻", "报道", "曝光", "舆情"),
}

ERROR_CODES = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")  # Excel's error values
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and any password-protected Office file
_SAVE_AS = "请在 Excel 或 WPS 中打开，另存为 .xlsx（或 CSV）后再导入。"


@dataclass(frozen=True)
class SheetRow:
    sheet: str  # worksheet name ("" for csv)
    row: int  # row number as Excel/the file shows it (1-based)
    desc: str  # 问题描述, required
    place: str  # 点位, required
    unit: str  # responsible unit id (first unit named in the cell)
    co_units: tuple[str, ...]  # other units named in the same cell, in order
    task: str  # task id, "" when the sheet has none / cell blank
    deadline: dt.date | None  # 整改时限, None when blank or a span (the caller then applies policy, or days)
    found: dt.date | None  # 发现时间, None when blank (caller uses today)
    source: str  # one of SOURCES; "" when neither column nor default
    key: str  # stable content key for idempotent import ("" for a refused row)
    hidden: bool = False  # a row hidden in the workbook (by hand or by a filter): read, and said so
    # A row the reader refuses (given bad_rows) carries its faults, and the fields it could not
    # read: those hold "" or None like blank ones, and the caller must not check them again
    # (an unreadable 发现时间 is not a missing one, an unknown 来源 not an absent one).
    faults: tuple[str, ...] = ()
    unread: frozenset[str] = frozenset()
    # how a refusal names the row (工作表“6月暗访”第3行, 文件“x.csv”第3行), and its place among all
    # the rows read, good and bad (sheets in the workbook's order): bookkeeping, not the row's content
    where: str = dataclasses.field(default="", compare=False)
    order: int = dataclasses.field(default=0, compare=False)
    # 整改时限 written as a span (15天, 10个工作日内完成): the days from the problem's 交办, and
    # whether they are working days (deadline is then None; deadlines.rectification_deadline)
    days: int | None = None
    workdays: bool = False


@dataclass(frozen=True)
class SheetLayout:
    """What of one worksheet's columns an import read: for saying which it did not."""

    sheet: str  # the worksheet's name, as SheetRow.sheet gives it ("" for csv)
    where: str  # 工作表“6月暗访” / 文件“x.csv”
    header: int  # the header row, 1-based
    fields: tuple[str, ...]  # the fields read from a column of it (desc, place, unit …)
    unread: tuple[str, ...]  # the headers of the columns not read, as the sheet writes them
    unnamed: tuple[int, ...] = ()  # 1-based columns with no header over values in problem rows


@dataclass
class _Table:
    """One worksheet (or the CSV file) as values, merged ranges already filled in."""

    name: str  # "" for csv
    where: str  # how a message names it: 工作表“6月暗访” / 文件“x.csv”
    rows: list[list]  # rows[i] is row i+1
    notes: set[int]  # 1-based rows whose only content is one merged range over several columns
    epoch: dt.datetime | None = None  # the workbook's date system, for serial numbers
    filled: frozenset = frozenset()  # (row, column), 1-based, of cells showing a merge's top-left value
    across: frozenset = frozenset()  # (row, first column, last column), 1-based: merges over columns
    hidden: frozenset = frozenset()  # 1-based rows hidden in the workbook
    encoding: str = ""  # a CSV's, as it was decoded
    # (row, column), 1-based, of cells holding a formula whose result the file never saved (a
    # workbook written by a script, not yet opened in Excel): read as blank, they are not
    unsaved: frozenset = frozenset()
    state: str = "visible"  # a worksheet's: "hidden" or "veryHidden" ones are not imported, but named


# ------------------------------------------------------------------------------------ entry point


def read_problem_sheet(path: Path, project: models.Project, *, sheet: str | None = None,
                       mapping: dict[str, str] | None = None, source: str = "",
                       bad_rows: list[SheetRow] | None = None, totals: list[str] | None = None,
                       repeats: list[tuple[str, int, str]] | None = None,
                       layout: list[SheetLayout] | None = None, today: dt.date | None = None,
                       hidden_sheets: list[str] | None = None) -> list[SheetRow]:
    """Every problem row of the spreadsheet at path, checked against project's units and tasks.
    today: the day of the import, which stands for a row's 发现时间 when it has none (so a 整改时限
    of 1月5日 read in December is next January's, as after a 发现时间 of December).

    sheet=None reads every visible worksheet whose first rows hold a recognised header (a 说明 or
    汇总 sheet without one is passed over). mapping is the user's 表头 → 字段 pairs; source the
    default 来源 for rows whose 来源 cell is blank. File-level problems raise UsageError; bad rows
    raise ImportRefused listing every one of them, or, given bad_rows, are added to it as SheetRows
    carrying their faults and what could be read of them, and the good rows returned (so that the
    caller's own checks name every row's faults in the same refusal, not in a second round).
    A totals row (合计, 小计 …: a 汇总 sheet with the list's header has one, and month sheets have
    them under the list) is never a problem: it is passed over, and named in totals when given
    (工作表“汇总”第9行（合计）) for the caller to say so. A row the same as one of an earlier sheet
    (source, 发现时间, unit, 点位 and 问题描述) is that problem again, read once, as importing the
    sheets one by one would: a 汇总 sheet copying the month sheets, a month's list carrying over an
    open problem; named in repeats when given, as (its sheet's name as messages give it, its row,
    where the first is). Two such rows in one sheet, or with no 发现时间 (two months' rows alike
    may be the problem found again), are refused as repeated, to be told apart. layout, when
    given, gets each sheet's SheetLayout: which fields it has a column for, and which of its
    columns were not read (the caller names them, so that no column is dropped silently).
    A hidden worksheet (sheet=None) is not read, as Excel does not show it; one whose first rows
    hold the list's header is named in hidden_sheets when given (工作表“7月”（隐藏，2 行）), and
    in the refusal when no visible sheet has the header, so that no problem is left out unsaid
    (a hostile-input try found a hidden sheet's problems passed over without a word).
    """
    path = Path(path)
    default_source = _default_source(source)
    mapped = _mapping(mapping or {})
    tables = _read_tables(path, sheet, mapped)
    unseen = []  # the hidden sheets with the header: 工作表“7月”（隐藏，2 行）
    for table in [t for t in tables if t.state != "visible"]:
        header = _find_header(table, mapped)
        if header is not None:
            count = sum(1 for r in table.rows[header:] if any(not _is_blank(v) for v in r))
            unseen.append(f"{table.where}（{'深度隐藏' if table.state == 'veryHidden' else '隐藏'}，{count} 行）")
    if hidden_sheets is not None:
        hidden_sheets.extend(unseen)
    tables = [t for t in tables if t.state == "visible"]
    resolver = _Resolver(project)
    resolver.today = today
    rows: list[SheetRow] = []
    errors: list[str] = []
    refused: list[SheetRow] = []
    seen: dict[str, tuple[str, str]] = {}  # key → (the sheet, where) it first appeared
    found_header = False
    for table in tables:
        header = _find_header(table, mapped)
        if header is None:
            if sheet is not None or len(tables) == 1:
                raise _no_header(table, mapped, path, hidden=unseen)
            continue
        found_header = True
        columns = _columns(table, header, mapped, path, project.plan.policy.immediate_days)
        seq = _row_fields(table.rows[header - 1], mapped).get(SEQ, [])  # the 序号 column(s)
        headed = {c for c, v in enumerate(table.rows[header - 1]) if _header_key(v)}
        unnamed: set[int] = set()  # columns with no header over a problem row's value
        for number in range(header + 1, len(table.rows) + 1):
            cells = {f: table.rows[number - 1][c] if c < len(table.rows[number - 1]) else None
                     for f, c in columns.items()}
            if said := _total(table.rows[number - 1], cells, seq):
                if totals is not None:  # 合计 …个问题 under the list, or a 汇总 sheet's: no problem of its own
                    totals.append(f"{table.where}第{number}行（{_quoted(said, 20)}）")
                continue
            if number in table.notes:
                continue
            formulas = {f for f, c in columns.items() if (number, c + 1) in table.unsaved and _is_blank(cells[f])}
            if all(_is_blank(v) for v in cells.values()) and not formulas:
                continue
            if all(_field_of(_header_key(v), mapped) == f for f, v in cells.items()):
                continue  # the header again: two lists pasted one under the other, or a page's repeat
            if _is_footer(table.rows[number - 1]):
                continue  # 填表人：… 联系电话：… under the list, as forms end
            unnamed.update(c for c, v in enumerate(table.rows[number - 1]) if c not in headed and not _is_blank(v))
            row = _read_row(table, number, cells, resolver, default_source, formulas)
            reasons = list(row.faults) + _merged_fields(table, number, columns)
            if not reasons:
                here = f"{table.where}第{number}行"
                sheet_of_first, first = seen.setdefault(row.key, (table.where, here))
                if first != here and sheet_of_first != table.where and row.found is not None:
                    if repeats is not None:
                        repeats.append((table.where, number, first))
                    continue
                if first != here:
                    reasons.append(f"与{first}重复（来源、发现时间、责任单位、点位和问题描述都相同）")
            row = dataclasses.replace(row, hidden=number in table.hidden, faults=tuple(reasons),
                                      key="" if reasons else row.key, order=len(rows) + len(refused))
            if reasons:
                errors.append(f"{table.where}第{number}行：" + "；".join(reasons))
                refused.append(row)
            else:
                rows.append(row)
        if layout is not None:
            layout.append(SheetLayout(table.name, table.where, header, tuple(columns),
                                      tuple(text for _, text in unread_columns(table, header, mapped, columns)),
                                      tuple(sorted(c + 1 for c in unnamed))))
    if not found_header:
        raise _no_header(tables[0], mapped, path, others=[t.name for t in tables[1:]])
    if errors and bad_rows is None:
        raise ImportRefused(errors, refused_hint(path, errors))
    if bad_rows is not None:
        bad_rows.extend(refused)
    return rows


def refused_hint(path: Path, errors: list[str]) -> str:
    """What to do about refused rows; for a workbook with an empty cell, the likely cause: a formula
    whose result was never saved (openpyxl reads the values Excel last computed, and there are none)."""
    hint = "请改正这些行后重新导入；所有行都正确时才会导入。"
    if any("是公式，文件中没有保存" in e for e in errors):
        hint += "公式的计算结果要由 Excel（或 WPS）算出并保存：请在其中打开该文件、保存一次后再导入。"
    elif Path(path).suffix.lower() in (".xlsx", ".xlsm") and any(re.search(r"(问题描述|点位|责任单位)为空", e) for e in errors):
        hint += "看着有内容却说“为空”的格，多半是没有存下计算结果的公式：请在 Excel 中打开该文件、保存一次后再导入。"
    return hint


# ----------------------------------------------------------------------------- files and sheets


def _read_tables(path: Path, sheet: str | None, mapped: dict[str, str]) -> list[_Table]:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        from .safepath import separator_hint

        raise UsageError(f"找不到文件：{path}", separator_hint(str(path), "请检查文件路径（相对于当前目录）。")) from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"这是一个文件夹，不是表格文件：{path}", "请给出 .xlsx 或 .csv 文件。")
    suffix = path.suffix.lower()
    if suffix in (".xls", ".xlsm", ".xlsb", ".et", ".ods", ".numbers"):
        raise UsageError(f"不能读取 {suffix} 格式的表格：{path}（只能导入 .xlsx 或 .csv）", _SAVE_AS)
    if suffix not in (".xlsx", ".csv"):
        raise UsageError(f"不是表格文件：{path}（只能导入 .xlsx 或 .csv）", _SAVE_AS)
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"不是普通文件：{path}", "请给出 .xlsx 或 .csv 文件。")
    if info.st_size > MAX_BYTES:
        raise UsageError(f"文件过大：{path}（{info.st_size / 1024 / 1024:.1f} MB，上限 "
                         f"{MAX_BYTES / 1024 / 1024:g} MB）",
                         "问题清单通常不足 1 MB；请确认选对了文件，或拆分后分批导入。")
    if suffix == ".csv":
        if sheet is not None:
            raise UsageError(f"CSV 文件没有工作表，不能指定 --sheet：{path}", "去掉 --sheet 即可。")
        return [_read_csv(path, mapped)]
    return _read_xlsx(path, sheet)


def _read_csv(path: Path, mapped: dict[str, str]) -> _Table:
    import csv
    import io

    data = path.read_bytes()
    text = None
    used = ""
    failed: dict[str, int] = {}  # encoding → the line of its first undecodable byte, after text in it
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode 文本": UTF-16, tab-separated
        try:
            text, used = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    elif (wide := _bomless_utf16(data[:65536])) is not None:
        # NULs in every other byte: UTF-16 whose BOM an editor dropped (its ASCII characters'
        # other halves); read as such (it was called a file of mixed encodings, a hostile-input try)
        try:
            text, used = data.decode(wide), "utf-16"
        except UnicodeDecodeError:
            pass
    if text is None and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Strict decodes, in this order: valid UTF-8 is almost never valid GBK text by accident,
        # and a wrong guess that still decodes shows up as unrecognised (garbled) headers, which
        # the message then puts down to the encoding (a Big5 file read as GBK).
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text, used = data.decode(encoding), encoding
                break
            except UnicodeDecodeError as exc:
                # utf-8-sig counts from after its BOM
                at = exc.start + (3 if encoding == "utf-8-sig" and data.startswith(b"\xef\xbb\xbf") else 0)
                if not data[:at].isascii():  # ASCII lines are every encoding's: no sign of this one
                    failed[encoding] = data.count(b"\n", 0, at) + 1
    if data.startswith(b"PK\x03\x04"):  # a workbook (a zip) renamed .csv
        raise UsageError(f"这个文件实际上是 Excel 工作簿（.xlsx），不是 CSV：{path}",
                         "请把文件的扩展名改为 .xlsx 后再导入。")
    if text is None and failed:
        # lines of one encoding, then one of another: text pasted in from another file
        encoding, line = max(failed.items(), key=lambda item: item[1])
        raise UsageError(f"CSV 文件的编码前后不一致：第 {line} 行之前是 {_ENCODING_NAMES[encoding]} 编码，"
                         f"第 {line} 行不是：{path}",
                         f"多半是从别的文件粘贴进来的文字。请用记事本或 Excel 打开，检查并重新输入第 {line} 行起"
                         "显示为乱码的文字，再另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后导入。")
    if text is not None and "\x00" in text:
        nul = text.index("\x00")
        zeros = [k for k, byte in enumerate(data[:65536]) if byte == 0]
        if len(zeros) < 2 or len({k % 2 for k in zeros}) > 1:  # not every other byte: no BOM-less UTF-16
            raise UsageError(f"CSV 文件第 {text.count(chr(10), 0, nul) + 1} 行含有空字符（\\x00）：{path}",
                             "多半是从别的程序复制来的不可见字符。请用记事本或 Excel 打开，删除这一行中看不见的字符"
                             "（或重新输入这一行）后保存，再导入。")
        text = None  # UTF-16 with no BOM, or not text at all
    if text is None:
        raise UsageError(f"无法识别 CSV 文件的编码：{path}（不是 UTF-8，也不是 GBK/GB18030）",
                         "请在 Excel 或 WPS 中打开，另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入。")
    # Excel's "sep=;" line names the separator, and Excel does not show it as a row
    declared = re.match(r"sep=([,;\t|])\r?\n", text)
    if declared:
        text = text[declared.end():]
    delimiter = declared.group(1) if declared else _delimiter(text, mapped)
    rows: list[list] = []
    # strict: a stray quote (an opening " never closed, or text after a closing one) is refused, not
    # read as one cell running over the following lines (four problems imported as one)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        for record in reader:
            if len(rows) >= MAX_ROWS:
                raise _too_many_rows(f"文件“{path.name}”", len(rows) + 1, path)
            rows.append([v if v.strip() else None for v in record[:MAX_COLUMNS]])
    except csv.Error as exc:
        why = (f"某一格超过 {csv.field_size_limit()} 字" if "field larger than field limit" in str(exc)
               else "引号不成对或格式不规范")  # csv's own words are English
        raise UsageError(f"CSV 文件格式有误：{path}（第 {len(rows) + 1} 条记录，约第 {reader.line_num + bool(declared)} 行：{why}）",
                         _SAVE_AS) from None
    return _Table("", f"文件“{path.name}”", rows, set(), encoding=used)


def _bomless_utf16(sample: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" when sample looks like UTF-16 without its BOM: NULs frequent
    (the other halves of a CSV's commas, digits and line ends), most at one parity (not all: 一
    is U+4E00, its NUL on the other one, a review found), and it decodes so without a NUL left;
    else None."""
    zeros = [k % 2 for k, byte in enumerate(sample) if byte == 0]
    if len(zeros) < max(2, len(sample) // 50):
        return None
    odd = sum(zeros)
    if odd * 2 == len(zeros):
        return None
    codec = "utf-16-le" if odd * 2 > len(zeros) else "utf-16-be"
    try:
        text = sample[:len(sample) // 2 * 2].decode(codec)
    except UnicodeDecodeError:  # a surrogate cut at the sample's end reads as one too
        text = sample[:len(sample) // 2 * 2].decode(codec, "replace")
    return codec if "\x00" not in text else None


_ENCODING_NAMES = {"utf-8-sig": "UTF-8", "gb18030": "GBK/GB18030"}
DELIMITERS = (",", "\t", ";")  # Excel's CSV: a comma, or a semicolon where the comma is the decimal
# mark (German, French … Windows settings, and WPS so set); its "Unicode 文本": tabs


def _delimiter(text: str, mapped: dict[str, str]) -> str:
    """The separator with which the header row is found naming most fields (the first of
    DELIMITERS on a tie, a comma when none finds it). Not the first line's commas against its
    tabs: a title row above the header has none of either, or only the semicolons of its empty
    cells, and a 问题描述 may hold commas in a file separated by semicolons."""
    import csv
    import io

    best, best_score = ",", 1
    start = text[:1 << 20]  # the header is among the first rows: no copy of a 20 MB file for each guess
    for delimiter in DELIMITERS:
        if delimiter not in start:
            continue
        head: list[list] = []
        try:
            for record in csv.reader(io.StringIO(start, newline=""), delimiter=delimiter):
                head.append(record[:MAX_COLUMNS])
                if len(head) >= HEADER_SCAN:
                    break
        except csv.Error:  # a malformed file: the full read below says what is wrong with it
            pass
        scores = [len([f for f in _row_fields(r, mapped) if f not in (SEQ, SKIP)]) for r in head]
        if scores and max(scores) > best_score:
            best, best_score = delimiter, max(scores)
    return best


def _read_xlsx(path: Path, sheet: str | None) -> list[_Table]:
    import warnings
    import zipfile

    with open(path, "rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise UsageError(f"文件是旧版 Excel（.xls）格式或设置了打开密码：{path}",
                         "请在 Excel 或 WPS 中打开，去掉密码并另存为 .xlsx 后再导入。")
    try:
        with zipfile.ZipFile(path) as zf:
            inflated = sum(i.file_size for i in zf.infolist())
    except zipfile.BadZipFile:
        raise UsageError(f"不是有效的 .xlsx 文件（可能已损坏）：{path}", _SAVE_AS) from None
    if inflated > MAX_UNZIPPED:
        raise UsageError(f"文件解压后过大：{path}（{inflated / 1024 / 1024:.0f} MB，上限 "
                         f"{MAX_UNZIPPED / 1024 / 1024:g} MB）", "请确认选对了文件，或拆分后分批导入。")

    import openpyxl

    def load(read_only: bool):
        try:
            with warnings.catch_warnings():  # openpyxl warns about extensions it skips; we never print
                warnings.simplefilter("ignore")
                # data_only: the values Excel last computed, never formula text
                return openpyxl.load_workbook(path, data_only=True, read_only=read_only)
        except OSError:
            raise
        except Exception as exc:  # a malformed workbook fails in many ways inside openpyxl
            raise UsageError(f"无法读取 .xlsx 文件（可能已损坏）：{path}（{type(exc).__name__}）", _SAVE_AS) from None

    # First the sheets' sizes as the file declares them (read-only: nothing loaded), so that a
    # sheet of 60,000 rows is refused at once, not after a minute and a quarter of a gigabyte.
    glance = load(True)
    unsaved: dict[str, frozenset] = {}
    hidden: set[str] = set()  # hidden sheets read to be named (not imported); one too large is left out
    try:
        for ws in _chosen(glance, sheet, path) + _hidden(glance, sheet):
            try:
                declared = ws.max_row  # the <dimension> the writer recorded; None when it left none
            except Exception:  # a malformed dimension: the full load below reports what is wrong
                declared = None
            # counted too: a writer may leave no size (scripts, some exporters) or a false one (a
            # <dimension> of two rows over a million and a half: refused after 20 s and 800 MB)
            counted = _count_rows(path, getattr(ws, "_worksheet_path", None))
            if counted is not None:
                declared = max(declared or 0, counted)
            if ws.sheet_state != "visible" and sheet is None:
                if declared is None or declared <= MAX_ROWS:
                    hidden.add(ws.title)
                continue
            if declared is not None and declared > MAX_ROWS:
                raise _too_many_rows(sheet_where(ws.title), declared, path)
            unsaved[ws.title] = _unsaved_formulas(path, getattr(ws, "_worksheet_path", None))  # a sheet not refused
    finally:
        glance.close()
    book = load(False)
    tables = [dataclasses.replace(_sheet_table(ws, book.epoch, path), unsaved=unsaved.get(ws.title, frozenset()))
              for ws in _chosen(book, sheet, path)]
    for ws in _hidden(book, sheet):
        if ws.title in hidden:
            try:
                tables.append(dataclasses.replace(_sheet_table(ws, book.epoch, path), state=ws.sheet_state))
            except UsageError:  # a hidden sheet that could not be read: not imported anyway
                pass
    return tables


def _hidden(book, sheet: str | None) -> list:
    """The hidden worksheets _chosen passes over (none when a sheet is named)."""
    if sheet is not None:
        return []
    chosen = {id(ws) for ws in _chosen(book, None, Path())}
    return [ws for ws in book.worksheets if id(ws) not in chosen]


def _unsaved_formulas(path: Path, part: str | None) -> frozenset:
    """(row, column), 1-based, of the worksheet part's cells that hold a formula (<f>) and no saved
    value (<v>): openpyxl reads them as empty. Empty when there are none, or the part cannot be
    read so (the full load says what is wrong)."""
    import zipfile

    if not part:
        return frozenset()
    try:
        with zipfile.ZipFile(path) as zf, zf.open(part.lstrip("/")) as fh:
            data = fh.read(MAX_UNZIPPED + 1)
    except (KeyError, OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
        return frozenset()
    if not _FORMULA_TAG.search(data):
        return frozenset()
    from openpyxl.utils import column_index_from_string

    out = set()
    for m in _CELL.finditer(data):
        inner = m.group(2)
        if not inner or not _FORMULA_TAG.search(inner):
            continue
        value = _VALUE.search(inner)
        # saved: a value, or an empty one of a text result (t="str": the formula gave ""); openpyxl
        # and other scripts write <v></v> or none for a result they did not compute
        if value is None or not value.group(1) and not _TEXT_RESULT.search(m.group(1)):
            at = _CELL_REF.search(m.group(1))
            if at is not None:
                out.add((int(at.group(2)), column_index_from_string(at.group(1).decode())))
    return frozenset(out)


_NS = rb"(?:[A-Za-z_][\w.-]*:)?"  # a namespace prefix, as some writers put on every element
_CELL = re.compile(rb"<" + _NS + rb"c\b([^>]*?)(?:/>|>(.*?)</" + _NS + rb"c>)", re.S)
_FORMULA_TAG = re.compile(rb"<" + _NS + rb"f[\s>/]")
_VALUE = re.compile(rb"<" + _NS + rb"v(?:\s[^>]*)?(?:/>|>(.*?)</" + _NS + rb"v>)", re.S)
_TEXT_RESULT = re.compile(rb'\bt="str"')
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})([0-9]+)"')


def _count_rows(path: Path, part: str | None) -> int | None:
    """How many rows a worksheet part of the .xlsx holds, read as a stream (a quick search for its
    <row> elements, however namespaced); None when the part cannot be read so (the full load says
    what is wrong)."""
    import re
    import zipfile

    if not part:
        return None
    pattern = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
    count, tail = 0, b""
    try:
        with zipfile.ZipFile(path) as zf, zf.open(part.lstrip("/")) as fh:
            while chunk := fh.read(1 << 20):
                block = tail + chunk
                found = list(pattern.finditer(block))
                cut = max(len(block) - 64, 0)  # a tag cut by the chunk's end is found with the next one
                count += sum(1 for m in found if m.start() < cut)
                tail = block[cut:]
            count += len(pattern.findall(tail))
    except (KeyError, OSError, zipfile.BadZipFile, RuntimeError, ValueError, EOFError):
        return None
    return count


def _chosen(book, sheet: str | None, path: Path) -> list:
    """The worksheets to read: the one named (exactly, else alike in NFKC, else as the list below
    shows a name with a control character or bidi mark: escaped, \\x0a, since the name itself
    cannot be typed or passed), or every visible one."""
    from ..textguard import for_terminal

    names = book.sheetnames
    if sheet is not None:
        chosen = ([n for n in names if n == sheet] or [n for n in names if _nfkc(n).strip() == _nfkc(sheet).strip()]
                  or [n for n in names if for_terminal(n) == sheet])
        if not chosen:
            raise UsageError(f"工作表“{sheet}”不存在：{path}", "文件中的工作表有：" + "、".join(f"“{n}”" for n in names))
        return [book[chosen[0]]]
    return [ws for ws in book.worksheets if ws.sheet_state == "visible"] or book.worksheets[:1]


def sheet_where(name: str) -> str:
    """工作表“name”, as every message shows a sheet: a control, bidi or line-separator character a
    crafted workbook put in its name shown as an escape (\\u202e), never acted on by a terminal
    (a hostile-input try found the success lines of an import printing them raw)."""
    from ..textguard import for_terminal

    return f"工作表“{for_terminal(name)}”"


def _sheet_table(ws, epoch, path: Path) -> _Table:
    where = sheet_where(ws.title)
    if ws.max_row > MAX_ROWS:
        raise _too_many_rows(where, ws.max_row, path)
    width = min(ws.max_column, MAX_COLUMNS)
    rows = [[_ooxml_text(v) if type(v) is str and "_x" in v else v for v in values]
            for values in ws.iter_rows(max_col=width, values_only=True)]
    merges = [m for m in ws.merged_cells.ranges if m.min_row <= len(rows) and m.min_col <= width]
    for merged in merges:  # every cell of a merge shows its top-left value, as Excel draws it
        top = rows[merged.min_row - 1][merged.min_col - 1]
        for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
            for c in range(merged.min_col, min(merged.max_col, width) + 1):
                rows[r - 1][c - 1] = top
    notes: set[int] = set()
    for merged in merges:  # a title, group heading or note typed across the table: not a problem
        if merged.max_col > merged.min_col and not _is_blank(rows[merged.min_row - 1][merged.min_col - 1]):
            for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1):
                if all(_is_blank(v) for c, v in enumerate(rows[r - 1], 1)
                       if not merged.min_col <= c <= merged.max_col):
                    notes.add(r)
    filled = frozenset((r, c) for merged in merges
                       for r in range(merged.min_row, min(merged.max_row, len(rows)) + 1)
                       for c in range(merged.min_col, min(merged.max_col, width) + 1)
                       if (r, c) != (merged.min_row, merged.min_col))
    across = frozenset((r, m.min_col, min(m.max_col, width)) for m in merges if m.max_col > m.min_col
                       for r in range(m.min_row, min(m.max_row, len(rows)) + 1))
    hidden = frozenset(r for r, dim in ws.row_dimensions.items() if dim.hidden and isinstance(r, int))
    return _Table(ws.title, where, rows, notes, epoch, filled, across, hidden)


_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _ooxml_text(text: str) -> str:
    """A cell's text with the workbook's escapes decoded (ECMA-376 ST_Xstring: _xHHHH_ is the
    character U+HHHH, _x005F_ a literal "_"), which openpyxl leaves as they are: Excel writes a
    line break typed in a cell as _x000D_ and a newline, and a control character so too, which
    the import must see as what it is (a line break, or a character it refuses), not as text."""
    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _too_many_rows(where: str, count: int, path: Path) -> UsageError:
    return UsageError(f"{where}行数过多：{path}（{count} 行以上，上限 {MAX_ROWS} 行）",
                      "请确认选对了文件，或拆分后分批导入。")


# ---------------------------------------------------------------------------------- the header


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _header_key(value) -> str:
    """A header cell as matched: NFKC, no spaces or line breaks, no trailing ：or * (必填)."""
    if value is None:
        return ""
    return re.sub(r"\s+", "", _nfkc(str(value))).strip("*").rstrip(":")


def _field_of(key: str, mapped: dict[str, str]) -> str | None:
    if not key:
        return None
    if key in mapped:
        return mapped[key]
    if key in _HEADER_FIELD:
        return _HEADER_FIELD[key]
    bare = re.sub(r"\([^()]*\)$", "", key)  # 整改时限（年月日）
    return _HEADER_FIELD.get(bare)


def _mapping(mapping: dict[str, str]) -> dict[str, str]:
    """The user's 表头 → 字段 pairs with header keys normalised and fields as field names."""
    by_label = {label: f for f, label in LABELS.items()} | MAP_ALIASES
    out: dict[str, str] = {}
    for header, target in mapping.items():
        name = target.strip()
        field = name if name in FIELDS else by_label.get(_nfkc(name).replace(" ", ""))
        if field is None and _nfkc(name).replace(" ", "").lower() in SKIP_WORDS:
            field = SKIP
        if field is None:
            raise UsageError(f"--map {header}={target}：不认识字段“{target}”",
                             "字段可写：" + "、".join(f"{LABELS[f]}（{f}）" for f in FIELDS)
                             + "；不导入这一列写 不导入")
        key = _header_key(header)
        if not key:
            raise UsageError(f"--map {header}={target}：表头不能为空", "写法：--map 表头=字段，如 --map 地址=点位")
        out[key] = field
    return out


def _row_fields(row: list, mapped: dict[str, str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for col, value in enumerate(row):
        field = _field_of(_header_key(value), mapped)
        if field is not None:
            found.setdefault(field, []).append(col)
    return found


def _find_header(table: _Table, mapped: dict[str, str]) -> int | None:
    """The 1-based header row: of the first HEADER_SCAN rows, the one naming most fields (at least
    two; the first on a tie); None when no row does."""
    best, best_score = None, 1
    for number, row in enumerate(table.rows[:HEADER_SCAN], 1):
        fields = _row_fields(row, mapped)
        score = len([f for f in fields if f not in (SEQ, SKIP)])
        if score > best_score:
            best, best_score = number, score
    return best


def _cells_seen(table: _Table) -> list[str]:
    """The texts of the fullest of the first rows, for a message saying what was there."""
    fullest: list[str] = []
    for row in table.rows[:HEADER_SCAN]:
        texts = [str(v).strip()[:20] for v in row if not _is_blank(v)]
        if len(dict.fromkeys(texts)) > len(fullest):
            fullest = list(dict.fromkeys(texts))
    return fullest[:12]


def _no_header(table: _Table, mapped: dict[str, str], path: Path, others: list[str] = (),
               hidden: list[str] = ()) -> UsageError:
    # the first names of each field: the list of all of them is longer than a terminal's screen
    looked = "；".join("/".join(HEADERS[f][:5]) + ("等" if len(HEADERS[f]) > 5 else "") for f in FIELDS)
    seen = _cells_seen(table)
    where = "工作表" + "、".join(f"“{n}”" for n in (table.name, *others)) if others else table.where
    hint = f"要找的表头：{looked}。"
    hint += ("看到的是：" + "、".join(f"“{s}”" for s in seen) + "。") if seen else "这些行都是空的。"
    unknown = [text for text in seen if _field_of(_header_key(text), mapped) is None]
    hint += f"表头不同时可用 --map 原列名=字段名 指定，如 {map_example(unknown, REQUIRED)}；"
    if table.encoding == "gb18030":  # the one guess that can garble: Big5, Shift-JIS … decode as GBK too
        hint += ("文件不是 UTF-8 编码，已按 GBK/GB18030 读取：如看到的是乱码，文件是别的编码（如繁体的 Big5），"
                 "请在 Excel 或 WPS 中打开，另存为“CSV UTF-8（逗号分隔）”或 .xlsx 后再导入。")
    else:
        hint += "表头是乱码时请另存为 UTF-8 CSV 或 .xlsx。"
    if hidden:
        hint += "文件中有表头的隐藏工作表：" + "、".join(hidden) + "；要导入请用 --sheet 工作表名。"
    return UsageError(f"{where}的前 {HEADER_SCAN} 行中找不到表头行：{path}", hint)


def _columns(table: _Table, header: int, mapped: dict[str, str], path: Path, days: int = 0) -> dict[str, int]:
    """field → 0-based column of the header row; UsageError for a missing required column, a
    mapped header that is not there, two columns claiming one field, or a column not known that
    looks like the 整改时限 or 发现时间 the sheet has no column for (see _date_columns). days: the
    policy's 立行立改 days, for saying what a dropped deadline column would do."""
    row = table.rows[header - 1]
    keys = [_header_key(v) for v in row]
    texts = [str(v).strip()[:20] for v in row if not _is_blank(v)]
    shown = "、".join(f"“{t}”" for t in dict.fromkeys(texts))
    for key in mapped:
        if key not in keys:
            raise UsageError(f"{table.where}的表头行（第{header}行）中没有“{key}”（--map 指定）：{path}",
                             f"表头行有：{shown}。")
    fields = _row_fields(row, mapped)
    columns: dict[str, int] = {}
    for field, cols in fields.items():
        if field in (SEQ, SKIP):
            continue
        chosen = [c for c in cols if keys[c] in mapped] or cols  # the user's choice wins
        if len(set(keys[c] for c in chosen)) > 1:  # 点位 beside 地址: the 点位
            chosen = [c for c in chosen if keys[c] not in SECONDARY] or chosen
        if len(set(keys[c] for c in chosen)) > 1:
            a, b = (str(row[c]).strip() for c in chosen[:2])
            raise UsageError(f"{table.where}的表头“{a}”和“{b}”都可作为{LABELS[field]}列：{path}",
                             f"请用 --map 指定其中一个，如 --map {map_name(a)}={LABELS[field]}。")
        twice = [c for c in chosen[1:] if (header, c + 1) not in table.filled]
        if twice:  # the same header in two columns of its own (not one cell merged across them)
            a = str(row[chosen[0]]).strip()
            raise UsageError(f"{table.where}的表头“{a}”出现在两列（第{chosen[0] + 1}列和第{twice[0] + 1}列）：{path}",
                             "请删去其中一列，或把不用的那一列改个表头名称后重新导入。")
        # one header merged across columns: the one column under it that holds the values
        columns[field] = _one_column_under(table, header, chosen, str(row[chosen[0]]).strip(), path) \
            if len(chosen) > 1 else chosen[0]
    unread = [text for _, text in unread_columns(table, header, mapped, columns)]
    missing = [f for f in REQUIRED if f not in columns]
    if missing:
        # the file in brackets: after a list, "：问题描述：暗访.csv" read as two lists (a fresh-eyes try)
        raise UsageError(f"{table.where}的表头（第{header}行）缺少必需的列：{'、'.join(LABELS[f] for f in missing)}"
                         f"（{path}）",
                         f"表头行有：{shown}。表头不同时可用 --map 原列名=字段名 指定，如 {map_example(unread, missing)}。")
    dates = _date_columns(unread, columns)
    if dates:
        lacks = list(dict.fromkeys(f for _, f in dates))
        dropped = {"deadline": "每个问题都会按立行立改登记" + (f"（整改期限为登记后 {days} 天）" if days else ""),
                   "found": "每个问题的发现时间都会记为导入当天"}
        if len(dates) == 1:
            (text, field), = dates
            what = f"的“{_quoted(text, 20)}”列不知道是不是{LABELS[field]}"
        else:
            what = "的" + "、".join(f"“{_quoted(t, 20)}”" for t, _ in dates) + "这几列不知道是什么日期"
        raise UsageError(
            f"{table.where}{what}；表中没有{'、'.join(LABELS[f] for f in lacks)}列，略过的话，"
            f"{'；'.join(dropped[f] for f in lacks)}（{path}）",
            "；".join(f"如“{_quoted(t, 20)}”是{LABELS[f]}，加 --map {map_name(t)}={LABELS[f]}" for t, f in dates)
            + f"；如不用导入（如整改完成的日期），加 --map {map_name(dates[0][0])}=不导入。")
    return columns


def unread_columns(table: _Table, header: int, mapped: dict[str, str],
                   columns: dict[str, int]) -> list[tuple[int, str]]:
    """(0-based column, header text) of each column of the header row that no field is read from
    (columns: those that are) and that --map … =不导入 does not leave out, each header text once:
    the columns an import does not read, which it must name (a column dropped silently was a
    deadline column). A header merged over several columns is read from one of them: not named."""
    row = table.rows[header - 1]
    read = {_header_key(row[c]) for c in columns.values()}
    out: list[tuple[int, str]] = []
    seen: set[str] = set()
    for col, value in enumerate(row):
        key = _header_key(value)
        if key and key not in read and _field_of(key, mapped) not in (SEQ, SKIP) and key not in seen:
            seen.add(key)
            out.append((col, re.sub(r"\s+", " ", str(value).strip())))  # a line break in it shows as a space
    return out


# What a header the reader does not know may name: the first pattern that matches, in this order
# (整改时间 is a date before it is 整改). For a hint's example, and for the date columns that must
# not be dropped; never to read a column (a guess there would decide deadlines).
_LIKELY = (
    ("deadline", re.compile(r"期限|时限|截止|(?:要求|完成|整改|办结|限办).*(?:时间|日期)")),
    ("found", re.compile(r"(?:发现|检查|暗访|督查|巡查|测评|反映|登记).*(?:时间|日期)")),
    ("source", re.compile(r"来源|渠道")),
    ("task", re.compile(r"任务")),
    ("unit", re.compile(r"单位|部门|主体")),
    ("place", re.compile(r"点位|地点|地址|位置|场所|区域|片区|部位|路段")),
    ("desc", re.compile(r"^(?!.*(?:整改|类型|类别|分类|编号|序号|措施|结果)).*(?:问题|描述|情况|内容|现象)")),
)
_DATE_WORDS = re.compile(r"期限|时限|日期|时间")


def likely_field(header: str) -> str | None:
    """The field a header not known most likely names (检查结果情况 none, 暗访发现时间 found), or None."""
    key = _header_key(header)
    return next((field for field, pattern in _LIKELY if pattern.search(key)), None)


def map_name(header: str) -> str:
    """A header as --map takes it: spaces and a 必填 * left out (matching ignores them), quoted when
    a shell would read something in it (an ASCII bracket or quote)."""
    name = re.sub(r"\s+", "", str(header)).strip("*＊").rstrip(":：")
    return f'"{name}"' if re.search(r"""[()<>|&;$`'"\\!*?\[\]{}#~]""", name) else name


def map_example(headers: list[str], fields) -> str:
    """--map pairs for an example: each field of fields with the first header of headers likely
    to name it (--map 问题情况=问题描述); --map 原列名=<the first field> when none is."""
    pairs, used = [], set()
    for field in fields:
        header = next((h for h in headers if h not in used and likely_field(h) == field), None)
        if header is not None:
            used.add(header)
            pairs.append(f"--map {map_name(header)}={LABELS[field]}")
    return " ".join(pairs) if pairs else f"--map 原列名={LABELS[list(fields)[0]]}" if fields else "--map 原列名=字段名"


def _date_columns(unread: list[str], columns: dict[str, int]) -> list[tuple[str, str]]:
    """(header, the field it may be) of each column not read whose header speaks of a date
    (期限, 时限, 日期, 时间) and may be the 整改时限 or 发现时间 the sheet has no column for: dropping
    it would put 立行立改 deadlines, or the day of import, in place of the sheet's dates. One whose
    field the sheet has (整改完成时间 beside 整改时限) is only named as not imported."""
    out = []
    for header in unread:
        if not _DATE_WORDS.search(_header_key(header)):
            continue
        likely = likely_field(header)
        if likely not in ("deadline", "found"):  # 日期, 填报时间: the date the sheet lacks
            likely = "found" if "found" not in columns else "deadline"
        if likely not in columns:
            out.append((header, likely))
    return out


def _one_column_under(table: _Table, header: int, cols: list[int], name: str, path: Path) -> int:
    """The column to read under one header merged across cols: one that holds the value of every
    row that has one there (the first when it does; it may be empty and another hold them).
    UsageError when no column does: two hold different values in one row (the header was merged
    over columns of their own, 发现时间 over 整改时限 too), or the values are spread over several
    (reading one would drop the others silently). A row with nothing outside cols (a 备注 typed
    under the table) is no problem row and is not looked at."""
    fits = set(cols)  # the columns that hold every row's value so far
    for r, values in enumerate(table.rows[header:], start=header + 1):
        cells = {c: values[c] if c < len(values) else None for c in cols}
        if all(_is_blank(v) for c, v in enumerate(values) if c not in cells):
            continue
        held = {c: v for c, v in cells.items() if not _is_blank(v) and (c == cols[0] or (r, c + 1) not in table.filled)}
        if not held:
            continue
        fits &= set(held)
        if len({str(v).strip() for v in held.values()}) > 1 or not fits:
            raise UsageError(
                f"{table.where}的表头“{name}”合并了第{cols[0] + 1}至{cols[-1] + 1}列，但到第{r}行这几列的内容对不上，"
                f"不知道该取哪一列：{path}",
                "请拆开这个合并的表头单元格，给每一列写上自己的表头后重新导入。")
    return min(fits, key=cols.index)


# ------------------------------------------------------------------------------------- the rows


_TOTAL = r"(?:合计|总计|小计|共计|汇总|累计|总合计|本页小计|本页合计)"


def _total(row: list, cells: dict, seq: list[int]) -> str:
    """The words that make a row a totals row, or "". A totals row is one whose 序号 cell starts
    with 合计, 总计, 小计, 共计, 汇总 or 累计 (the column holds numbers, nothing else); or whose first
    filled cell is such a word alone or with a colon or bracket after it (合计：9个问题, 小计(3)),
    whatever the other cells hold (a 汇总 sheet's 合计 row names a unit and 人民广场等9处: it was
    imported as a problem); or one that names neither a 点位 nor a 责任单位 with such a word alone in
    some cell. Not a 问题描述 that merely starts so (累计3次投诉未办结), spaces aside."""
    def key(v) -> str:
        return re.sub(r"\s+", "", _nfkc(v)) if isinstance(v, str) else ""

    def alone(v) -> bool:
        return re.fullmatch(_TOTAL + r":?", key(v)) is not None

    for c in seq:
        if c < len(row) and re.match(_TOTAL, key(row[c])):
            return key(row[c])
    first = next((v for v in row if not _is_blank(v)), None)
    if alone(first) or re.match(_TOTAL + r"[:(\[【]", key(first)):
        return key(first)
    unit = cells.get("unit")
    if _is_blank(cells.get("place")) and (_is_blank(unit) or alone(unit)):
        return next((key(v) for v in row if alone(v)), "")
    return ""


# The labels a form's last rows carry (填表人：张三  联系电话：…  备注：…), a colon after each.
_FOOTER = re.compile(r"(?:备注|注|说明|填表说明|填表人|填报人|制表人|制表|审核人|审核|复核人|联系人|联系电话|电话|"
                     r"填表日期|填报日期|制表日期|报送日期|填报单位|报送单位|单位负责人|负责人|分管领导|签字|签名|盖章)"
                     r"\s*[:：]")


def _is_footer(row: list) -> bool:
    """A form's footer row: each cell that holds anything starts with one of _FOOTER's labels and
    a colon (填表人：张三 | 联系电话：…). A problem's row never does: its 问题描述, 点位 and 责任单位
    are not labelled so (one that is, is refused as it was, not skipped)."""
    texts = [_nfkc(v).strip() if isinstance(v, str) else v for v in row if not _is_blank(v)]
    return bool(texts) and all(isinstance(t, str) and _FOOTER.match(t) for t in texts)


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, dt.datetime):
        value = value.date() if value.time() == dt.time() else value
    return str(value).replace("\r\n", "\n").replace("\r", "\n").strip()


def _quoted(text: str, limit: int = 40) -> str:
    """A cell's text as a message quotes it: at most limit characters (a cell of 5,000 nines or
    a 309-digit number is named by its beginning)."""
    return text if len(text) <= limit else text[:limit] + f"…（共 {len(text)} 字）"


def _bad_char(text: str, what: str, multiline: bool = False) -> str:
    at = find_bad(text, multiline=multiline)
    return f"{what}含有不可见的字符 {describe(text[at])}" if at >= 0 else ""


class _Resolver:
    """Unit names and task ids of one project, as spreadsheet cells spell them."""

    def __init__(self, project: models.Project):
        self.year = project.plan.campaign.year
        self.today: dt.date | None = None  # the day of import (read_problem_sheet)
        self.units: dict[str, str] = {}
        self.names: dict[str, str] = {}  # every spelling → the unit's full name, for did-you-mean
        self.spellings: list[tuple[str, str]] = []  # (a name or short name, its unit's id)
        for unit in project.units:  # ids first, as rows.resolve_unit takes them
            self.units.setdefault(unit.id.lower(), unit.id)
        for unit in project.units:
            for spelling in (unit.name, *unit.short_names):
                key = _unit_key(spelling)
                self.units.setdefault(key, unit.id)
                self.spellings.append((key, unit.id))
                self.names.setdefault(spelling, unit.name)
        self.tasks = {t.id.upper(): t.id for t in project.plan.tasks}
        self.task_numbers: dict[tuple[str, int], str] = {}
        for t in project.plan.tasks:
            m = re.fullmatch(r"([A-Z]*)0*(\d+)", t.id.upper())
            if m:
                self.task_numbers.setdefault((m.group(1), int(m.group(2))), t.id)

    def unit(self, name: str) -> str | None:
        key = _unit_key(name)
        found = self.units.get(key) or self.units.get(key.lower())
        if found is None and key.startswith("市"):  # 市宣传部 for 宣传部
            found = self.units.get(key[1:])
        if found is None and not key.startswith("市"):  # 民政局 for 市民政局
            found = self.units.get("市" + key)
        if found is None and len(key) >= 2:  # 民政 for 市民政局, when only one unit's names hold it, as --unit takes it
            within = {uid for spelling, uid in self.spellings if key in spelling}
            found = within.pop() if len(within) == 1 else None
        return found

    def unit_hint(self, name: str) -> str:
        # the closest spelling only, named by the unit's full name: 市民正局 → 市民政局, not also 市监局
        best = re.findall(r'"([^"]*)"', did_you_mean(name, list(self.names)))[:1]
        return f"是否为“{self.names[best[0]]}”？" if best and best[0] in self.names else ""

    def task(self, text: str) -> str | None:
        key = re.sub(r"\s+", "", unmarked(_nfkc(text))).upper()
        if key in self.tasks:
            return self.tasks[key]
        m = re.match(r"([A-Z]*)0*(\d{1,9})(?![\d.A-Z])", key)  # T5, T05 人民调解… (no int() of 5,000 digits)
        return self.task_numbers.get((m.group(1), int(m.group(2)))) if m else None


def _unit_key(name: str) -> str:
    return re.sub(r"\s+", "", _nfkc(name))


_UNIT_SPLIT = re.compile(r"[、,;/\n]+")  # after NFKC: ， ； ／ are , ; /
_UNIT_LABEL = re.compile(r"^(牵头单位|主责单位|责任单位|配合单位|协办单位|牵头|配合|协办)[:]?")
_UNIT_ROLE = re.compile(r"\((牵头|主责|配合|协办|协助|参与)(单位)?\)$")


def _units(cell: str, resolver: _Resolver) -> tuple[list[str], list[str]]:
    """(unit ids in order, the lead one first; reasons for names not known)."""
    ids: list[str] = []
    lead: str | None = None
    reasons: list[str] = []
    parts = []
    for part in _UNIT_SPLIT.split(unmarked(_nfkc(cell))):
        words = part.split()
        # "市民政局 市残联": spaces between names that each resolve separate them; otherwise
        # spaces are padding ("市 民政局")
        if len(words) > 1 and all(resolver.unit(_UNIT_ROLE.sub("", _UNIT_LABEL.sub("", w))) for w in words):
            parts += words
        else:
            parts.append("".join(words))
    for name in parts:
        label = _UNIT_LABEL.match(name)
        role = _UNIT_ROLE.search(name)
        name = _UNIT_ROLE.sub("", _UNIT_LABEL.sub("", name))
        if not name:
            continue
        unit = resolver.unit(name)
        if unit is None:
            hint = resolver.unit_hint(name)
            reasons.append(f"责任单位“{_quoted(name)}”不存在" + (f"（{hint}）" if hint else ""))
            continue
        if unit not in ids:
            ids.append(unit)
        marks = {m.group(1) for m in (label, role) if m}
        if lead is None and marks & {"牵头", "牵头单位", "主责", "主责单位"}:
            lead = unit
    if lead is not None:
        ids.remove(lead)
        ids.insert(0, lead)
    return ids, reasons


def _source(text: str) -> str | None:
    key = re.sub(r"\s+", "", unmarked(_nfkc(text)))
    if key in SOURCES:
        return key
    named = {s for s, words in _SOURCE_WORDS.items() if any(w in key for w in words)}
    return named.pop() if len(named) == 1 else None


def _default_source(source: str) -> str:
    if not source.strip():
        return ""
    found = _source(source)
    if found is None:
        raise UsageError(f"--source“{source}”无法识别", "来源可写：" + "、".join(SOURCES))
    return found


_DATE_FORMS = (
    (re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})"), (1, 3, 4)),
    (re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"), (1, 2, 3)),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), (1, 2, 3)),
    (re.compile(r"(\d{1,2})月(\d{1,2})[日号]?"), (None, 1, 2)),  # the campaign's year (domain/dates.py)
)
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"  # "2023/6/5 0:00" from Excel's CSV
# How inspection sheets write a deadline's date: 7月20日前, 2023年7月20日前完成, 7月20日之前整改到位
# (by that day, the day itself included, as a 整改期限 always is).
_BY_DAY = r"(?:之?前(?:完成整改|整改完成|整改到位|完成|整改|办结)?)?"


# How inspection sheets write a deadline as a span from the day the problem is handed over (交办):
# 15天, 15日内, 限15天, 限期15天整改, 10个工作日内完成, 三天内整改到位.
_ZERO_WIDTH = re.compile("[\u200b-\u200d\u2060\ufeff]")
_SPAN = re.compile(r"(限期整改|限期|限|须在|须|要求在|要求)?(\d+|[一二两三四五六七八九十]{1,3})(个)?(工作日|自然日|天|日)"
                   r"(内|以内|之内)?(?:完成整改|整改完成|整改到位|整改完毕|完成|完毕|整改|办结)?")
_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
MAX_SPAN_DAYS = 365  # a 整改期限 is at most a year away (workflow.within_a_year)


def _span(said: str) -> tuple[int, bool] | None:
    """(days, whether working days) of a 整改时限 written as a span (see _SPAN), said without
    white space; None when it is not one."""
    m = _SPAN.fullmatch(said)
    if m is None or (m[3] and m[4] not in ("工作日", "自然日")):  # 15个日: no such word
        return None
    if m[4] == "日" and not (m[1] or m[5]):  # 15日 alone may be the 15th of a month: not a guess
        return None
    number, workdays = m[2], m[4] == "工作日"
    if number.isdigit():
        return (int(number) if len(number) <= 6 else 10 ** 6), workdays  # out of range either way
    tens, ten, ones = number.rpartition("十")  # 十五 → ("", 十, 五), 二十 → (二, 十, ""), 五 → ("", "", 五)
    if "十" in tens or "十" in ones or (not ten and len(number) > 1):
        return None
    try:
        value = (_CN_DIGITS[tens] if tens else 1 if ten else 0) * 10 + (_CN_DIGITS[ones] if ones else 0)
    except KeyError:
        return None
    return value, workdays


def _date(value, what: str, table: _Table, year: int, after: dt.date | None = None) -> tuple[dt.date | None, str]:
    """(the date, "") or (None, the reason it is not one); (None, "") for a blank cell. A date
    without its year (6月8日) is completed as the command line's are (domain/dates.py): year, the
    campaign's; after, for a 整改时限, the row's 发现时间."""
    if _is_blank(value):
        return None, ""
    if isinstance(value, dt.datetime):
        return value.date(), ""
    if isinstance(value, dt.date):
        return value, ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if float(value).is_integer() and 19000101 <= value <= 21001231:  # 20230705 typed as a number
            value = str(int(value))
        elif 36526 <= value < 73051:  # an Excel serial number, 2000 … 2099
            from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, from_excel

            return from_excel(value, table.epoch or CALENDAR_WINDOWS_1900).date(), ""
        else:
            days = f"；如指 {value:g} 天内整改，请写成 {value:g}天" if what == "整改时限" and 1 <= value <= 365 else ""
            return None, f"{what}“{_quoted(_text(value))}”不是日期{days}"
    text = _text(value)
    key = re.sub(r"\s+(?=[年月日号前之])|(?<=[年月])\s+", "", _ZERO_WIDTH.sub("", _nfkc(text)))
    tail = _BY_DAY if what == "整改时限" else ""
    for pattern, (y, m, d) in _DATE_FORMS:
        match = re.fullmatch(pattern.pattern + _TIME + tail, key)
        if match:
            try:
                if not y:
                    return with_year(int(match.group(m)), int(match.group(d)), year, after), ""
                return dt.date(int(match.group(y)), int(match.group(m)), int(match.group(d))), ""
            except ValueError:
                return None, f"{what}“{_quoted(text)}”不是有效日期"
    forms = "2023-7-5、2023/7/5、2023年7月5日" + ("，或写天数，如 15天、10个工作日" if what == "整改时限" else "")
    return None, f"{what}“{_quoted(text)}”无法识别为日期（可写 {forms}）"


def _merged_fields(table: _Table, number: int, columns: dict) -> list[str]:
    """One cell merged over the columns of two fields of a problem's row (问题描述 over 点位): each
    would read the same text, so the row is refused rather than half guessed."""
    out = []
    for r, first, last in table.across:
        if r == number:
            inside = [f for f, c in columns.items() if first <= c + 1 <= last]
            if len(inside) > 1:
                from openpyxl.utils import get_column_letter

                names = "、".join(LABELS[f] for f in sorted(inside, key=columns.get))
                span = f"{get_column_letter(first)}{number}:{get_column_letter(last)}{number}"
                out.append(f"{names}是同一个合并单元格（{span}），无法分开；请取消合并，各填各的")
    return out


def _read_row(table: _Table, number: int, cells: dict, resolver: _Resolver, default_source: str,
              formulas: set = frozenset()) -> SheetRow:
    """The row as read; with faults (every one) and the fields they make unreadable when it is bad.
    formulas: the fields whose cell is a formula the file holds no result of (read as blank)."""
    unread = {f for f, v in cells.items() if isinstance(v, str) and v.strip() in ERROR_CODES}
    # openpyxl gives #VALUE! for a number in a date-formatted cell beyond Excel's dates too (no
    # formula there: a hostile-input try was sent to look for one)
    reasons = [f"{LABELS[f]}是错误值 {cells[f].strip()}" + ("（公式出错，或设为日期格式的格中是超出日期范围的数字）"
                                                      if f in ("found", "deadline") and cells[f].strip() == "#VALUE!"
                                                      else "（公式出错）")
               for f in cells if f in unread]
    unsaved = [f for f in cells if f in formulas]  # never a blank 整改时限 (立行立改) or 来源 (the default) for them
    if unsaved:
        reasons.append("、".join(LABELS[f] for f in unsaved) + "是公式，文件中没有保存"
                       + ("它的" if len(unsaved) == 1 else "它们的") + "计算结果")
        unread.update(unsaved)
    texts = {f: _text(cells[f]) for f in ("desc", "place", "unit", "co", "source", "task") if f in cells and f not in unread}

    desc = re.sub(r"[ \t]*\n\s*", "\n", texts.get("desc", ""))  # blank lines and line-end spaces
    place = re.sub(r"\s+", " ", texts.get("place", ""))
    for field, value, what, limit, multiline in (("desc", desc, "问题描述", MAX_DESC, True),
                                                 ("place", place, "点位", MAX_PLACE, False)):
        if field in unread:
            continue
        if not value:
            reasons.append(f"{what}为空")
        elif looks_blank(value):  # only invisible characters or blank fillers (U+3164, U+2800)
            reasons.append(f"{what}为空（只有看不见的字符）")
        elif bad := _bad_char(value, what, multiline):
            reasons.append(bad)
        elif len(value) > limit:
            reasons.append(f"{what}过长（{len(value)} 字，上限 {limit} 字）")

    units: list[str] = []
    unit_cell = texts.get("unit", "")
    if "unit" in unread:
        pass
    elif not unit_cell:
        reasons.append("责任单位为空")
    elif bad := _bad_char(unit_cell, "责任单位", multiline=True):
        reasons.append(bad)
    else:
        units, unknown = _units(unit_cell, resolver)
        reasons += unknown
        if not units and not unknown:
            reasons.append("责任单位为空")
        if unknown:  # a co-unit not known: the row's units are not what it says
            units = []
    if not units:
        unread.add("unit")
    co_cell = texts.get("co", "")
    if co_cell and "co" not in unread:
        if bad := _bad_char(co_cell, "配合单位", multiline=True):
            reasons.append(bad)
        else:
            co, unknown = _units(co_cell, resolver)
            reasons += [why.replace("责任单位", "配合单位", 1) for why in unknown]
            if units:  # after those the 责任单位 cell names; the responsible unit is no co-unit of its own
                units += [u for u in co if u not in units]

    for field in ("task", "source"):
        if bad := _bad_char(texts.get(field, ""), LABELS[field]):
            reasons.append(bad)
            unread.add(field)

    task = ""
    if (task_cell := texts.get("task", "")) and "task" not in unread:
        task = resolver.task(task_cell) or ""
        if not task:
            shown = "、".join(sorted(resolver.tasks.values())[:3])
            reasons.append(f"任务“{_quoted(task_cell)}”不存在（任务编号如 {shown}…）")
            unread.add("task")

    source = default_source
    if "source" in unread:
        source = ""
    elif source_cell := texts.get("source", ""):
        source = _source(source_cell) or ""
        if not source:
            reasons.append(f"来源“{_quoted(source_cell)}”无法识别（应为 {'、'.join(SOURCES)} 之一）")
            unread.add("source")

    found = deadline = days = None
    workdays = False
    if "found" not in unread:
        found, why = _date(cells.get("found"), "发现时间", table, resolver.year)
        if why:
            reasons.append(why)
            unread.add("found")
    if "deadline" not in unread:
        deadline_cell = cells.get("deadline")
        # spaces and zero-width characters taken out (１５ 天), not those between digits (1 5天 is no 15天)
        said = re.sub(r"(?<!\d)\s+|\s+(?!\d)", "", _ZERO_WIDTH.sub("", _nfkc(deadline_cell))) \
            if isinstance(deadline_cell, str) else ""
        if said in IMMEDIATE:
            deadline_cell = None  # 立行立改: no date of its own, the policy's days for it (as a blank cell)
        span = _span(said)
        if span is not None:
            days, workdays = span
            deadline, why = None, "" if 1 <= days <= MAX_SPAN_DAYS else \
                f"整改时限“{_quoted(said)}”超出范围（应为 1 到 {MAX_SPAN_DAYS} 天）"
        else:
            # without a 发现时间 the day of import stands for it (cc problem import), here too
            after = found if found is not None or "found" in unread else resolver.today
            deadline, why = _date(deadline_cell, "整改时限", table, resolver.year, after)
            day_alone = re.fullmatch(r"(\d{1,2}|[一二三四五六七八九十]{1,3})[日号]", said)
            if why and day_alone:  # the 15th of a month, or 15 days: which is for the sheet to say
                why = (f"整改时限“{said}”不明确：是某月{day_alone[1]}日，还是{day_alone[1]}日内？请写明日期"
                       f"（如 7月{day_alone[1]}日）或期限（如 {day_alone[1]}日内、{day_alone[1]}天）")
        if why and said in LASTING:  # a mode, not a date: say what such a problem needs
            why = (f"整改时限“{said}”不是日期：请写明完成期限（长期整改的问题另须整改计划，请用 "
                   "cc problem add --mode 长期整改 --plan … --deadline 日期 逐个登记）")
        if why:
            reasons.append(why)
            unread.add("deadline")
            days = None
    if found and deadline and deadline < found:
        from ..domain.views import cn_date

        reasons.append(f"整改时限（{cn_date(deadline)}）早于发现时间（{cn_date(found)}）")

    unit = units[0] if units else ""
    return SheetRow(sheet=table.name, row=number, desc=desc, place=place, unit=unit, co_units=tuple(units[1:]),
                    task=task, deadline=deadline, days=days, workdays=workdays,
                    found=found, source=source,
                    key="" if reasons else problem_key(source, found, unit, place, desc),
                    faults=tuple(dict.fromkeys(reasons)), unread=frozenset(unread),
                    where=f"{table.where}第{number}行")


def problem_key(source: str, found: dt.date | None, unit: str, place: str, desc: str) -> str:
    """First 16 hex of sha256 over the normalised (source, found, unit, place, desc): the same
    problem in a re-sent sheet (re-ordered, re-numbered, re-wrapped) gets the same key."""
    parts = (source, found.isoformat() if found else "", unit, place, desc)
    # without the invisible characters the record drops (textguard.unmarked): a row differing by a
    # zero-width space or a soft hyphen alone is the same problem (a fairness review found it
    # recorded twice, its unit charged twice)
    text = "\x1f".join(re.sub(r"\s+", "", _nfkc(unmarked(p))) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
