"""File names built from data, made safe on every system, and output paths kept inside their folder.

A unit name, a notice prefix or a date ends up in the name of a .docx or a report. Data is written
by many hands, so a name may hold "/", "..", a control character or a Windows-reserved word: here
it becomes one plain file name that fits in 255 bytes of UTF-8 (the limit of ext4, NTFS and APFS
alike), and a path that would land outside its folder is refused.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from ..diagnostics import UsageError
from ..textguard import BAD_SINGLE_LINE

MAX_NAME_BYTES = 255
# Windows refuses these in a file name; "/" and "\\" separate folders everywhere.
_RESERVED_CHARS = re.compile(r'[<>:"/\\|?*]')
_WINDOWS_NAMES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)), *(f"LPT{i}" for i in range(10)),
                  "CONIN$", "CONOUT$"}


def windows_device(name: str) -> bool:
    """Whether Windows takes a file of this name for a device (NUL.xlsx, con, COM1.txt …)."""
    return name.split(".")[0].strip().upper() in _WINDOWS_NAMES


def safe_file_name(text: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """text as one file name: separators, reserved and invisible characters become "_", a name that
    starts with a dot (hidden, or dots alone) or a Windows device name is prefixed with "_", trailing dots and spaces (which Windows
    drops) go, and a name over max_bytes of UTF-8 is cut before its extension (the extension kept)."""
    name = unicodedata.normalize("NFC", text)
    name = BAD_SINGLE_LINE.sub("_", name)
    name = _RESERVED_CHARS.sub("_", name)
    name = name.strip().rstrip(". ")
    if not name or name.startswith("."):  # nothing, dots alone, or a hidden file's name
        name = "_" + name
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        stem, dot, ext = name, "", ""
    if windows_device(stem):
        stem = "_" + stem
    suffix = (dot + ext).encode("utf-8")
    room = max_bytes - len(suffix)
    encoded = stem.encode("utf-8")
    if len(encoded) > room:
        stem = encoded[:room].decode("utf-8", errors="ignore").rstrip(". ")  # never half a character
    return stem + dot + ext


def inside(folder: Path, path: Path) -> Path:
    """path, once resolved (symlinks and ".." followed), when it lies inside folder; else UsageError."""
    base = Path(os.path.realpath(folder))
    target = Path(os.path.realpath(path))
    if target != base and base not in target.parents:
        raise UsageError(f"拒绝写入目录之外的文件：{path}（应在 {folder} 之内）",
                         "文件名来自数据；请检查单位名称、文号前缀中是否含有 / 或 ..，并运行 cc validate。")
    return path


def output_in(folder: Path, name: str) -> Path:
    """The path of a file named (after safe_file_name) name inside folder, checked to stay there."""
    return inside(folder, folder / safe_file_name(name))


def separator_hint(path: str, hint: str) -> str:
    """hint, preceded by a word on the separator when path was typed the Windows way (C:\\创城\\data,
    ..\\演示) on Linux or macOS, where it names no folder."""
    if "\\" in path and os.sep != "\\":
        return "这台电脑的路径用 / 分隔，不是 \\（Windows 的写法）；" + hint
    return hint


def refuse_windows_path(option: str, value, example: str) -> None:
    """UsageError for an output path typed the Windows way on Linux or macOS (C:\\报表\\周报.md,
    .\\周报.md, reports\\领导.html): there a backslash separates no folder, and the file would be
    made, silently, under that odd name in the current folder (a dot-file .\\周报.md is even hidden
    from ls; a fresh-eyes try). example: the option written the right way, for a path with a
    drive or a share (the same path with / would not name a folder here either)."""
    if value is not None and os.sep != "\\" and "\\" in str(value):
        import re

        from ..diagnostics import UsageError

        text = str(value)
        if not re.match(r"[A-Za-z]:|\\\\", text):  # .\周报.md, reports\领导.html: the same with /
            example = text.replace("\\", "/")
        raise UsageError(f"{option} {value} 是 Windows 的路径写法",
                         f"这台电脑的路径用 / 分隔，不是 \\，例如 {option} {example}。")


def remove_stale_temps(path: Path) -> None:
    """Remove the temporary files a killed run left beside path (.name.<hex>.tmp, documents/docx.py):
    one killed between linking a finished document to its name and removing its temporary file
    leaves the document whole and the temporary file behind, and no later save of that name
    (cc reprint skips a document that exists) would come by to remove it. Safe while path exists:
    a process building a document of that name now fails at its link (FileExistsError) anyway."""
    import contextlib
    import glob

    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        with contextlib.suppress(OSError):
            stale.unlink()
