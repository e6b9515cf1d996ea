"""Evidence files archived in the data repository, so colleagues who pull get the file, not a path.

`--evidence 现场照片.jpg` copies the file to evidence/<year>/<first 12 hex of its sha256>-<name>
beside data/ and the journal records that repo-relative path with the file's sha256 and size.
The name is content-addressed: the same file given twice is stored once, two different files of
one name never collide, and a copy left by an interrupted command is harmless (the next run
reuses it). URLs stay URLs. validate reports archived files that are missing or changed.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

FOLDER = "evidence"


@dataclass(frozen=True)
class Archived:
    path: str  # repo-relative, with forward slashes
    sha256: str
    size: int


def is_url(text: str) -> bool:
    """An http(s) address (the scheme in any case: HTTPS://… is one too), not a file path."""
    return text[:8].lower().startswith(("http://", "https://"))


def url_problem(text: str) -> str:
    """Why text, meant as an address, cannot be recorded as one ("" when it can): no host, or a
    scheme other than http(s) (javascript:, file:, ftp: …: nothing a colleague can open safely).
    A space is kept: an address copied from a browser's bar may hold one, and browsers open it."""
    import re
    from urllib.parse import urlsplit

    if is_url(text):
        try:
            host = urlsplit(text).hostname
        except ValueError:  # an invalid IPv6 literal, a bad port
            host = None
        if not host:
            return "网址不完整：没有网站地址"
        return ""
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", text)  # one letter is a Windows drive (C:/…)
    if scheme and len(scheme[1]) > 1 and (text[scheme.end():].startswith("//")
                                          or scheme[1].lower() in ("javascript", "vbscript", "data", "file", "mailto")):
        return "只接受 http:// 或 https:// 开头的网址"
    return ""


def inspect(source: Path, max_mb: int) -> tuple[str, int]:
    """(sha256, size) of a regular file no larger than max_mb; UsageError (Chinese) otherwise."""
    from ..diagnostics import UsageError

    check_file(source, max_mb)
    limit = max_mb * 1024 * 1024
    # hashed and measured by what is read, not by what stat says: a file may report 0 bytes and
    # hold more (/proc), or grow while read; never more than the limit is read
    digest, size = hashlib.sha256(), 0
    try:
        with open(source, "rb") as fh:
            while chunk := fh.read(min(1 << 20, limit + 1 - size)):
                size += len(chunk)
                if size > limit:
                    raise UsageError(f"佐证材料过大：{source}（超过上限 {max_mb} MB）", _TOO_LARGE_HINT)
                digest.update(chunk)
    except OSError as exc:
        raise UsageError(f"无法读取佐证材料：{source}（{exc.strerror}）") from None
    return digest.hexdigest(), size


def check_file(source: Path, max_mb: int) -> int:
    """The size of a regular file no larger than max_mb; UsageError (Chinese) otherwise."""
    from ..diagnostics import UsageError

    try:
        info = os.stat(source)
    except FileNotFoundError:
        from .safepath import separator_hint

        import re

        text = str(source).replace("\\", "/")
        if re.match(r"(www\.|[A-Za-z0-9-]+\.(gov|com|cn|org|net|edu)(\.cn)?/)", text):  # www.gov.cn/a: a web page
            raise UsageError(f"佐证材料不存在：{source}",
                             f"如果这是网址，请写完整：https://{text}（网址以 http:// 或 https:// 开头）。") from None
        raise UsageError(f"佐证材料不存在：{source}",
                         separator_hint(str(source), "请检查文件路径（相对于当前目录），或改用网址。")) from None
    except OSError as exc:
        raise UsageError(f"无法读取佐证材料：{source}（{exc.strerror}）") from None
    if stat.S_ISDIR(info.st_mode):
        raise UsageError(f"佐证材料是一个文件夹：{source}", "请逐个文件附上，或先压缩成一个文件。")
    if not stat.S_ISREG(info.st_mode):
        raise UsageError(f"佐证材料不是普通文件：{source}", "设备、管道等不能作为佐证材料。")
    if info.st_size > max_mb * 1024 * 1024:
        raise UsageError(f"佐证材料过大：{source}（{info.st_size / 1024 / 1024:.1f} MB，上限 {max_mb} MB）",
                         _TOO_LARGE_HINT)
    return info.st_size


_TOO_LARGE_HINT = ("大文件请放在共享位置并附上网址，或调整 tasklist.yaml 的 policy.evidence_max_mb"
                   "（并考虑 git LFS，见 README）。")


def target_of(name: str, sha256: str, year: int) -> str:
    """The repo-relative archive path of a file of this name and content."""
    from .safepath import safe_file_name

    return f"{FOLDER}/{year}/{safe_file_name(f'{sha256[:12]}-{name}', 200)}"


def archive(source: Path, root: Path, year: int, max_mb: int) -> Archived:
    """Where source goes in root/evidence/<year>/, with its hash and size (nothing copied yet:
    copy_in does that once the record is written)."""
    from .safepath import inside

    sha256, size = inspect(source, max_mb)
    relative = target_of(source.name, sha256, year)
    inside(root, root / relative)  # the archive path never leaves the repository
    return Archived(relative, sha256, size)


def copy_in(source: Path, target: Path, size: int, sha256: str) -> bool:
    """Copy source to target if it still is what was measured (size, sha256); True when a new file
    was made. A file already there with that content is kept (content-addressed names). Reads at
    most size + 1 bytes; UsageError when the file changed since it was measured."""
    from ..diagnostics import UsageError
    from .journal import atomic_write_bytes

    if target.is_file() and target.stat().st_size == size and digest_of(target) == sha256:
        return False
    with open(source, "rb") as fh:
        payload = fh.read(size + 1)
    if len(payload) != size or hashlib.sha256(payload).hexdigest() != sha256:
        raise UsageError(f"佐证材料在登记过程中被改动：{source}", "请确认文件内容后重试。")
    atomic_write_bytes(target, payload)
    return True


def digest_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def check_archive(journal, root: Path, hashes: bool = False) -> list:
    """Problems with the archived evidence the journal records: a missing file is a warning (not
    pulled yet, or kept in git LFS); a file whose size (or, with hashes, content) differs from the
    record is an error: the evidence was changed after it was filed."""
    from ..diagnostics import ERROR, WARNING
    from .checks import unsafe_path

    problems = []
    for i, entry in enumerate(journal.entries):
        for item in getattr(entry, "evidence", ()):
            if isinstance(item, str) or unsafe_path(item.path) or not item.path.startswith("evidence/"):
                continue  # the latter two: check_journal's error, never opened
            path = root / item.path
            linked, size = False, None
            try:
                # an archived file is a copy: a link in its place (to anywhere) is never followed
                linked = path.is_symlink() or (path.exists() and not path.resolve().is_relative_to(root.resolve()))
                size = path.stat().st_size if not linked and path.is_file() else None
            except RuntimeError:  # a loop of links
                linked = True
            except OSError:
                pass
            if linked:
                problems.append(journal.problem_at(
                    i, "evidence", "evidence-changed", f"佐证材料在登记后被换成了指向别处的链接：{item.path}",
                    "已登记的佐证材料应是仓库中的文件本身；请用 git 恢复原文件。", ERROR))
                continue
            if size is None:
                problems.append(journal.problem_at(
                    i, "evidence", "evidence-missing", f"佐证材料不在仓库中：{item.path}",
                    "可能尚未拉取（或存放在 git LFS 中，需 git lfs pull）；如确已丢失，请重新报送并附上材料。",
                    WARNING))
            elif size != item.size or (hashes and digest_of(path) != item.sha256):
                problems.append(journal.problem_at(
                    i, "evidence", "evidence-changed", f"佐证材料在登记后被改动：{item.path}",
                    "已登记的佐证材料不应修改；请用 git 恢复原文件，新的材料请重新报送。", ERROR))
    return problems
