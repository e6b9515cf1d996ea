"""cc audit: run git over the journal's history and render what audit.py finds.

Four git processes whatever the history's length: the commit list, one batch lookup of the
journal's blob at every commit, one reader of blob contents, and the repository's top level.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Annotated, Optional

import typer

from ..diagnostics import UsageError
from .common import DataOpt, find_data_dir, guarded, note
from .read import Format
from .typer_app import app

GIT_TIMEOUT = 300


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=GIT_TIMEOUT,
                              stdin=None if stdin is not None else subprocess.DEVNULL)
    except FileNotFoundError:
        raise UsageError("找不到 git 命令，无法审计日志的提交历史", "请先安装 git 并确认它在 PATH 中。") from None
    except (OSError, subprocess.SubprocessError) as exc:
        raise UsageError(f"运行 git 失败：{exc}") from None


class _BlobReader:
    """One `git cat-file --batch` for every blob read."""

    def __init__(self, cwd: Path, extra: dict[str, bytes]):
        self.cwd, self.extra, self.proc = cwd, extra, None

    def __call__(self, blob: str) -> bytes:
        if blob in self.extra:
            return self.extra[blob]
        if self.proc is None:
            self.proc = subprocess.Popen(["git", "cat-file", "--batch"], cwd=self.cwd, stdin=subprocess.PIPE,
                                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(blob.encode() + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) != 3:
            raise UsageError(f"git 读取对象 {blob} 失败")
        size = int(header[2])
        content = self.proc.stdout.read(size)
        self.proc.stdout.read(1)  # the newline after the content
        return content

    def close(self) -> None:
        if self.proc is not None:
            if self.proc.stdin:
                self.proc.stdin.close()
            self.proc.wait(timeout=GIT_TIMEOUT)


@app.command()
@guarded
def audit(
    since: Annotated[Optional[str], typer.Option(
        "--since", metavar="REV", help="只审计此版本之后的提交（git 版本号、分支或标签，如 origin/main、v1）。",
        show_default=False)] = None,
    fmt: Annotated[Optional[Format], typer.Option(
        "--format", "-f", help="输出格式：text（默认）、json、github（GitHub Actions 注释；"
                               "GITHUB_ACTIONS=true 时默认）。", show_default=False)] = None,
    data: DataOpt = None,
):
    """审计日志的 git 提交历史：已提交的记录被改写或删除（退出码 1）、记录人与提交人不符、补录。"""
    from ..store import audit as core
    from ..store import loading
    from ..diagnostics import render_github, render_json, render_text, summary_line
    from .plain import ascii_only

    where = find_data_dir(data)
    if where.bundled:
        raise UsageError("未找到数据目录，内置示例数据没有提交历史可审计", "请在数据仓库中运行，或用 --data 指定数据目录。")
    folder = where.path
    journal = folder / loading.JOURNAL
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise UsageError(f"数据目录 {folder} 不在 git 仓库中，没有提交历史可审计",
                         "数据目录须用 git 管理（git init，提交后才有历史）；审计只检查已提交的历史。")
    root = Path(os.fsdecode(top.stdout.strip()))
    try:  # the journal's own path: a symbolic link in its place is not followed (state.LinkedFile)
        rel = (journal.parent.resolve() / journal.name).relative_to(root.resolve()).as_posix()
    except ValueError:
        raise UsageError(f"日志 {journal} 不在 git 仓库 {root} 之内") from None
    display = _shown(journal)
    if os.path.islink(journal):  # its target's history would be audited, and its lines shown (a review)
        raise UsageError(f"日志 {display} 是一个符号链接，不是数据文件本身，不予审计",
                         "数据文件必须是仓库中的普通文件（cc validate 同样报错）。请恢复原文件：git log -- "
                         f"{rel} 查看是哪次提交把它改成了链接。")
    if _git(["rev-parse", "--verify", "-q", "HEAD"], folder).returncode != 0:
        raise UsageError("git 仓库还没有任何提交，没有历史可审计", f"提交 {display} 后再审计。")
    span = "HEAD"
    if since is not None:
        if since.startswith("-") or _git(["rev-parse", "--verify", "-q", f"{since}^{{commit}}"], folder).returncode:
            raise UsageError(f"找不到 --since 指定的版本：{since}", "请写 git 版本号、分支名或标签，如 origin/main。")
        span = f"{since}..HEAD"
    log = _git(["log", "--reverse", "--topo-order", "--format=%H%x1f%P%x1f%an%x1f%ae%x1f%aI", span, "--"], folder)
    if log.returncode != 0:
        raise UsageError("git log 失败：" + log.stderr.decode("utf-8", "replace").strip())
    rows = [line.split("\x1f") for line in log.stdout.decode("utf-8", "replace").splitlines() if line]
    oids = [r[0] for r in rows]
    wanted = list(dict.fromkeys([*oids, *(p for r in rows for p in r[1].split())]))
    blobs = _blobs(folder, wanted, rel)
    commits = [core.Commit(r[0], tuple(r[1].split()), r[2], r[3], r[4], blobs.get(r[0])) for r in rows]
    head = _git(["rev-parse", "HEAD"], folder).stdout.decode().strip()
    blobs.setdefault(head, _blobs(folder, [head], rel).get(head))
    if not any(blobs.values()):
        raise UsageError(f"日志 {display} 还没有提交到 git，没有历史可审计", f"提交 {display} 后再审计。")
    extra: dict[str, bytes] = {}
    reader = _BlobReader(folder, extra)
    try:
        try:
            current = journal.read_bytes() if journal.exists() else None
        except OSError as exc:
            raise UsageError(f"无法读取 {display}（{exc.strerror or exc}）") from None
        committed = reader(blobs[head]) if blobs[head] else None
        if current != committed:  # uncommitted changes are audited too (before anyone commits them)
            key = "<worktree>"
            if current is not None:
                extra[key] = current
            commits.append(core.Commit(core.WORKTREE, (head,), "", "", "", key if current is not None else None))
        if (_git(["rev-parse", "--is-shallow-repository"], folder).stdout.strip() == b"true"):
            note("提示：这是浅克隆（只有部分历史），更早的改写无法发现；CI 中请取完整历史"
                 "（actions/checkout 设 fetch-depth: 0）。")
        identities, backfill_days = _roster(folder)
        older = None
        if since is not None:
            def older(line: str) -> bool:
                """Whether the journal held this line at some commit up to --since (git log -S:
                a commit that added or removed it)."""
                found = _git(["log", "-1", "--format=%H", "-S", line, since, "--", rel], root)  # rel: from the top
                return found.returncode == 0 and bool(found.stdout.strip())
        problems = core.audit(commits, blobs, reader, display, identities, backfill_days, rel, older)
    finally:
        reader.close()
    if fmt is None:
        fmt_name = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    else:
        fmt_name = fmt.value
    audited = sum(1 for c in commits if c.oid != core.WORKTREE)
    if fmt_name == "json":
        print(render_json(problems, [display], ascii_only()))
    else:
        if problems:
            print(render_github(problems) if fmt_name == "github" else render_text(problems) + "\n")
        if problems:
            print(summary_line(problems))
        else:
            print(f"审计通过：{audited} 个提交中，{display} 已提交的记录没有被改写或删除。")
    raise typer.Exit(1 if any(p.is_error for p in problems) else 0)


def _blobs(folder: Path, oids: list[str], rel: str) -> dict:
    """commit → the journal's blob at it (None when the file is absent there)."""
    if not oids:
        return {}
    done = _git(["cat-file", "--batch-check"], folder, stdin="".join(f"{o}:{rel}\n" for o in oids).encode())
    out = done.stdout.decode("utf-8", "replace").splitlines()
    result = {}
    for oid, line in zip(oids, out):
        parts = line.split()
        result[oid] = parts[0] if len(parts) == 3 and parts[1] == "blob" else None
    return result


def _roster(folder: Path) -> tuple[dict, int]:
    """Git identities by name, and policy.backfill_days, from the current YAML files (defaults
    when they cannot be read: the history is audited all the same)."""
    from ..store import loading
    from ..domain import models
    from ..domain.authority import git_identities

    units = loading.load_yaml_model(folder / loading.UNITS, loading.UNITS, models.UnitsFile).model
    plan = loading.load_yaml_model(folder / loading.TASKLIST, loading.TASKLIST, models.Plan).model
    if units is None or plan is None:
        note("提示：tasklist.yaml 或 units.yaml 有错误，未核对记录人与提交人（cc validate 查看）。")
        # the field's default (a Policy cannot be built without the group's own notice_prefix: a
        # traceback when a merge left conflict markers in tasklist.yaml, a fresh-eyes try found)
        return {}, models.Policy.model_fields["backfill_days"].default
    return git_identities(plan, units.units), plan.policy.backfill_days


def _shown(path: Path) -> str:
    try:  # the folder resolved, not the file: a link in its place is named as itself
        return str((path.parent.resolve() / path.name).relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
