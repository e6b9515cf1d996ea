"""Finding the data folder and the day to report on, and reading dates and percentages as a
hurried user types them; no typer, so the fast path can use it too.

Only os is imported up front: a repeated `cc status` (cli/fast.py) finds its data folder and day
here before anything else is loaded, so pathlib, re and the error classes come in when needed."""

from __future__ import annotations

import os

BUNDLED = os.path.join(os.path.dirname(os.path.dirname(os.path.realpath(__file__))), "example")


class DataDir:
    """The data folder: folder (a str), whether it is the bundled example, and how it was found."""

    __slots__ = ("folder", "bundled", "how")

    def __init__(self, folder, bundled: bool, how: str):
        self.folder, self.bundled, self.how = os.fspath(folder), bundled, how

    @property
    def path(self):
        from pathlib import Path

        return Path(self.folder)

    def __eq__(self, other) -> bool:
        return isinstance(other, DataDir) and (self.folder, self.bundled, self.how) == (
            other.folder, other.bundled, other.how)

    def __repr__(self) -> str:
        return f"DataDir({self.folder!r}, {self.bundled!r}, {self.how!r})"


def _usage(message: str, hint: str = ""):
    from ..diagnostics import UsageError

    return UsageError(message, hint)


def _quoted(text: str) -> str:
    from ..textguard import quoted

    return quoted(text)


def _shown(path: str) -> str:
    from pathlib import Path

    return str(Path(path))  # as pathlib spells it (no trailing slash), as messages always have


def find_data_dir(chosen) -> DataDir:
    """--data, else CC_DATA, else the nearest ancestor holding data/tasklist.yaml, else bundled."""
    how = "--data"
    if chosen is None and os.environ.get("CC_DATA"):
        chosen, how = os.environ["CC_DATA"], "CC_DATA"
    if chosen is not None:
        path = os.path.expanduser(os.fspath(chosen))
        path = path or "."  # --data "": the current folder, as the command line's Path("") makes it
        if not os.path.exists(path):
            from ..store.safepath import separator_hint

            raise _usage(f"数据目录不存在：{_shown(path)}（由 {how} 指定）",
                         separator_hint(path, "请检查路径；新建数据目录可用 cc init。"))
        if not os.path.isdir(path):
            raise _usage(f"不是目录：{_shown(path)}（由 {how} 指定）", "--data 应指向含 tasklist.yaml 的目录。")
        if not os.access(path, os.R_OK | os.X_OK):
            raise _usage(f"没有权限读取数据目录：{_shown(path)}")
        if not os.path.exists(os.path.join(path, "tasklist.yaml")) and \
                os.path.exists(os.path.join(path, "data", "tasklist.yaml")):
            path = os.path.join(path, "data")
        # the bundled example named by its path is still the read-only example in the package
        bundled = os.path.normcase(os.path.realpath(path)) == os.path.normcase(os.path.realpath(BUNDLED))
        return DataDir(path, bundled, how)
    folder = os.getcwd()
    while True:  # a folder of that name is reported, not skipped
        if os.path.exists(os.path.join(folder, "data", "tasklist.yaml")):
            return DataDir(os.path.join(folder, "data"), False, "上级目录")
        parent = os.path.dirname(folder)
        if parent == folder:
            return DataDir(BUNDLED, True, "内置示例")
        folder = parent


_DATE = r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*[日号]?"
_MONTH_DAY = r"(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"  # 9月12日: the year from the data (domain/dates.py)
DATE_FORMS = "YYYY-MM-DD、YYYY/M/D、YYYY.M.D、YYYY年M月D日、YYYYMMDD，或不写年份的 M月D日（年份取 tasklist.yaml 的 campaign.year）"


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation (２０２３／９／１０, ４６％) as ASCII, without the
    invisible characters a copied date brings along (textguard.unmarked: 2023-08-1\u200b5 is
    2023-08-15, where the hint for what followed the date named 2023-08-1)."""
    import unicodedata

    from ..textguard import unmarked

    return unicodedata.normalize("NFKC", unmarked(text)).strip()


def campaign_year(folder) -> int | None:
    """tasklist.yaml's campaign.year in folder (a DataDir, a path), or None when it is not written
    there as `  year: 2023` under `campaign:`; the loader checks the file itself."""
    value = campaign_scalar(folder, "year")
    return int(value) if value is not None and len(value) == 4 and value.isascii() and value.isdigit() else None


def campaign_zone(folder) -> str | None:
    """tasklist.yaml's campaign.timezone in folder, or None when it is not written there."""
    return campaign_scalar(folder, "timezone") or None


def campaign_scalar(folder, key: str) -> str | None:
    """The plain value of key under tasklist.yaml's `campaign:` in folder (a DataDir, a path), read
    from its lines (no YAML, no re: the fast path reads the day before anything is loaded), its
    quotes and comment taken off; None when the file or the key is not there. A spelling the lines
    cannot settle (a quoted key, an escape, a tag or anchor, a block or flow
    value, `campaign: {...}`) is read with YAML instead: the day must be the one the loader's
    campaign.timezone gives, which cc validate passes as correct."""
    from ..store.state import open_regular

    path = os.path.join(getattr(folder, "folder", folder), "tasklist.yaml")
    try:
        with open_regular(path) as handle:  # a FIFO or /dev/zero in its place: not read (cc validate says so)
            found = _campaign_line_value(_lines(handle), key)  # stops where the campaign block ends
            if found is not _UNSURE:
                return found
            handle.seek(0)
            raw = handle.read(_ALL_BYTES)
    except OSError:
        return None
    return _campaign_yaml_value(raw.decode("utf-8-sig", "replace"), key)


_ALL_BYTES = 8 * 1024 * 1024  # as much as the loader reads (store/loading.py MAX_YAML_BYTES)


def _lines(handle):
    """The text lines of the first _ALL_BYTES of handle, as str.splitlines gives them of the text,
    read as they are used: campaign: is near the top of a tasklist written by hand, and a city's
    is megabytes long."""
    left, first = _ALL_BYTES, True
    while left > 0:
        raw = handle.readline(left)
        if not raw:
            return
        left -= len(raw)
        yield from raw.decode("utf-8-sig" if first else "utf-8", "replace").splitlines()
        first = False


_UNSURE = object()
_PLAIN = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+-/")


# Plain words YAML reads as no string (null, true, no…): the loader's value is not the word.
_YAML_WORDS = frozenset("null ~ true false yes no on off y n".split())


def _is_plain(value: str) -> bool:
    """value reads the same as text and as YAML: letters, digits, _ + - / only, and either all
    digits (2023) or not begun as YAML begins a number or a date (0x7E7, 2_023, 2023-04-14)."""
    return bool(value) and set(value) <= _PLAIN and value.lower() not in _YAML_WORDS and (
        value.isdigit() and value[0] != "0" or not (value[0].isdigit() or value[0] in "+-"))


def _unquoted(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"" else text


def _without_comment(line: str) -> str:
    """line without a comment: YAML's starts at a # after a space or a tab."""
    for i, ch in enumerate(line):
        if ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return line[:i].rstrip()
    return line.rstrip()


def _campaign_line_value(lines, key: str):
    """key's value under campaign: as lines (an iterable of str) plainly spell it; None when it is
    not there; _UNSURE when the lines alone cannot tell (see campaign_scalar). Sure only of a
    block mapping at the top, each key a plain word at the start of its line and each value on its
    own line: a document in JSON or flow style, indented, with a `?` key, a value continued on
    later lines, or anything else the lines do not settle is _UNSURE, and YAML reads it."""
    inside, indent, seen = False, None, False
    for line in lines:
        bare = _without_comment(line)
        if not bare.strip() or (not seen and bare.rstrip() == "---"):
            continue
        if bare[:1] not in (" ", "\t"):  # a top-level key
            if inside:
                return None  # campaign has no such key of its own
            name, colon, rest = bare.partition(":")
            if not colon or not _is_key(_unquoted(name.strip())):
                return _UNSURE  # { "campaign": … } (JSON), ? campaign, a value continued at column 0
            seen = True
            if _unquoted(name.strip()) == "campaign":
                if rest.strip() or name.strip() != "campaign":
                    return _UNSURE  # campaign: {year: 2023}, "campaign":, campaign: !!map
                inside = True
            continue
        if not seen:
            return _UNSURE  # the whole document indented
        if not inside:
            continue
        depth = len(bare) - len(bare.lstrip())
        indent = depth if indent is None else indent
        if depth > indent:
            continue  # within a value of campaign's (a block scalar, a list, contact:'s keys)
        if depth < indent:
            return _UNSURE
        name, colon, value = bare.strip().partition(":")
        value = value.strip()
        if not colon or not _is_key(_unquoted(name.strip())) or _open(value):
            return _UNSURE  # {year: 2023} on its own line, ? timezone, a quote or bracket closed on a later line
        if _unquoted(name.strip()) == key:
            plain = _unquoted(value).strip()
            if not value or name.strip() != key or not _is_plain(plain) or (value[:1] == '"' and "\\" in value):
                return _UNSURE  # timezone: and its value on the next line; "timezone"; an escape
            return plain
    return None


_KEY_CHARS = _PLAIN - {"+", "/"}


def _is_key(name: str) -> bool:
    """A plain key word (campaign, timezone, office_staff): ASCII letters, digits, _ and -, not
    begun by a digit or -."""
    return bool(name) and set(name) <= _KEY_CHARS and not (name[0].isdigit() or name[0] == "-")


def _open(value: str) -> bool:
    """Whether value (a line's, its comment off) goes on after the line: a quote or a flow
    collection not closed on it."""
    if value[:1] in ("'", '"'):
        return len(value) < 2 or value[-1] != value[0]
    if value[:1] in ("{", "["):
        return value[-1] != {"{": "}", "[": "]"}[value[0]]
    return False


def _campaign_yaml_value(text: str, key: str) -> str | None:
    """key's value under campaign: as YAML reads text; None when it is not a plain value there
    (or the file is no YAML: cc validate explains that)."""
    from ..store import loading

    try:
        data, _ = loading.parse_yaml(loading.Source(loading.Path("tasklist.yaml"), "tasklist.yaml", text))
        value = data["campaign"][key]
    except Exception:  # no mapping there, a syntax error: as if the key were not written
        return None
    return str(value).strip() if isinstance(value, (str, int)) and not isinstance(value, bool) else None


def parse_date(text: str, option: str = "--as-of", where=None, after=None):
    """2023-09-10, 2023-9-10, 2023/9/10, 2023.9.10, 2023年9月10日 (or 10号), 20230910 (full-width
    digits too), or 9月10日: a date without its year takes the campaign's (domain/dates.py, as cc
    problem import reads a sheet's 6月8日). where: the data folder whose tasklist.yaml gives that
    year, or the year itself; after: for a deadline, the day it is set from (1月5日 set in December
    is next January)."""
    import datetime as dt
    import re

    if len(text) == 10 and text.isascii() and text[4] == "-" and text[7] == "-" and \
            (text[:4] + text[5:7] + text[8:]).isdigit():
        try:  # the common spelling, without loading re and unicodedata
            day = dt.date.fromisoformat(text)
        except ValueError:
            pass  # explained below, as any other
        else:
            return _in_range(day, text, option)
    plain = halfwidth(text)
    bare = plain.strip("“”‘’\"'「」『』")
    if bare != plain and bare:  # “2023-06-30” pasted with its quotes: read as --unit “人社局” is
        return parse_date(bare, option, where, after)
    m = re.fullmatch(_DATE, plain) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", plain)
    short = None if m else re.fullmatch(_MONTH_DAY, plain)
    try:
        if short is not None:
            year = where if isinstance(where, int) else campaign_year(where) if where is not None else None
            if year is None:
                raise _usage(f"{option} 的日期没有写年份：{_quoted(text)}",
                             "数据目录的 tasklist.yaml 中没有 campaign.year，无法补全年份：请写全年份，如 "
                             f"YYYY年{int(short[1])}月{int(short[2])}日。")
            from ..domain.dates import with_year

            return _in_range(with_year(int(short[1]), int(short[2]), year, after), text, option)
        if m is None:
            raise ValueError
        return _in_range(dt.date(int(m[1]), int(m[2]), int(m[3])), text, option)
    except ValueError:
        pass
    # 2023-06-30。 or 2023-06-30（年中）, copied with the words after it: the date named, not guessed
    from ..diagnostics import UsageError

    head = re.match(r"[\d年月日号/.\-]*\d[年月日号]?", plain)  # a date ends in a digit or its unit: 2023-06-30.
    if head is not None and head.group() != plain:
        try:
            parse_date(head.group(), option, where, after)
        except UsageError:
            pass
        else:
            typed = text.strip()
            extra = typed[head.end():] if len(typed) == len(plain) else plain[head.end():]  # as typed: （年中）
            raise _usage(f"{option} 的日期无效：{_quoted(text)}",  # a zero-width space in extra: seen
                         f"日期后面多了{_quoted(extra)}，应写作：{option} {head.group()}")
    raise _usage(f"{option} 的日期无效：{_quoted(text)}", f"请写成 {DATE_FORMS}，并确认该日期存在。")


def _in_range(day, text: str, option: str):
    """A date a working group can mean: the years 1900 to 2999 (0001-01-01 or 9999-12-31 is a typo,
    and the day before or a year after it does not exist)."""
    if not 1900 <= day.year <= 2999:
        raise _usage(f"{option} 的日期超出范围：{_quoted(text)}", "年份应在 1900 到 2999 之间；请检查日期。")
    return day


def parse_percent(text: str, option: str = "--percent") -> int:
    """46, 46% or ４６％ as the whole number 46."""
    import re

    value = halfwidth(text).removesuffix("%").strip()
    if not re.fullmatch(r"-?\d+", value):
        raise _usage(f"{option} 的值 {_quoted(text)} 不是整数", "写完成百分比的整数，例如 60 或 60%。")
    if len(value.lstrip("-").lstrip("0")) > 9:  # Python reads no more than 4,300 digits: a traceback
        raise _usage(f"{option} 的值超出范围（{len(value)} 位数字）", "写 0 到 100 之间的整数，例如 60 或 60%。")
    return int(value)  # the range is checked where the entry is made, with its own message


def report_day(value: str | None, where=None):
    """The only place that reads the clock: --as-of's day, else today where the campaign is (its
    campaign.timezone in where's tasklist.yaml; a server or CI machine keeps UTC, where 北京时间
    00:00–08:00 is still yesterday). where: as parse_date's (a --as-of of 9月12日)."""
    import datetime as dt

    if value is not None:  # --as-of "" is a mistake
        return parse_date(value, "--as-of", where)
    zone = campaign_zone(where) if where is not None and not isinstance(where, int) else None
    return campaign_day(dt.datetime.now(dt.timezone.utc), zone)


# The zones of 北京时间 (UTC+8 all year since 1992): their day needs no time zone database.
CHINA_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC",
                         "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei", "Asia/Urumqi"})


def campaign_day(now, zone: str | None):
    """The date at the moment now (an aware datetime) in zone (campaign.timezone; None: not
    written, its default Asia/Shanghai); the machine's own date when the zone is unknown here
    (cc validate names an unknown zone)."""
    import datetime as dt

    if zone is None or zone in CHINA_ZONES:
        return now.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    try:
        from zoneinfo import ZoneInfo

        return now.astimezone(ZoneInfo(zone)).date()
    except Exception:  # ZoneInfoNotFoundError, a name that is no path: as the record's times do (recording.local_time)
        return now.astimezone().date()


BUNDLED_NOTE = "提示：正在使用内置示例数据（只读；找不到数据目录时默认用它）。用 cc init 创建自己的数据目录。"


def cache_root() -> str | None:
    """The folder of the store (store/state.py: outside git), or None when it is off."""
    if os.environ.get("CC_NO_CACHE"):
        return None
    if os.environ.get("CC_CACHE_DIR"):
        return os.environ["CC_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "chuangcheng-cli")
