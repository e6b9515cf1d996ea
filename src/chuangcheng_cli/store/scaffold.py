"""Creating a new group's data repository from the bundled template (cc init)."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import UsageError

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATES = PACKAGE / "templates"
EXAMPLE = PACKAGE / "example"

# target path → (source file, or None for generated content)
FILES = {
    "data/tasklist.yaml": EXAMPLE / "tasklist.yaml",
    "data/units.yaml": EXAMPLE / "units.yaml",
    "data/journal.jsonl": EXAMPLE / "journal.jsonl",
    ".gitattributes": TEMPLATES / "gitattributes",
    ".gitignore": TEMPLATES / "gitignore",
    ".github/workflows/validate.yml": TEMPLATES / "github-workflow.yml",
    ".gitlab-ci.yml": TEMPLATES / "gitlab-ci.yml",
    ".pre-commit-config.yaml": TEMPLATES / "pre-commit-config.yaml",
    "CODEOWNERS": TEMPLATES / "CODEOWNERS",  # data/ reviewed by the office (README 安全与权限)
}


def plan_files(target: Path, blank_journal: bool) -> dict[Path, bytes]:
    """Every file init would write, with its content."""
    from .schemas import schema_texts

    files = {target / rel: src.read_bytes() for rel, src in FILES.items()}
    if blank_journal:
        files[target / "data/journal.jsonl"] = b""
    for name, text in schema_texts().items():
        files[target / "schemas" / name] = text.encode("utf-8")
    return files


def init_repository(target: Path, blank_journal: bool = False) -> list[Path]:
    """Write the template into target; refuses (writing nothing) if any file already exists."""
    if target.exists() and not target.is_dir():
        raise UsageError(f"不是目录：{target}")
    files = plan_files(target, blank_journal)
    # a symbolic link on the way (.github → elsewhere, or a dangling CODEOWNERS) would have init
    # write outside the target, or fail with 文件已存在 naming no file (a hostile-input try)
    links = sorted({link for p in files if (link := _link_on_the_way(target, p)) is not None})
    if links:
        shown = "、".join(str(p.relative_to(target)) for p in links[:5])
        raise UsageError(f"目标目录中有符号链接：{shown}{' 等' if len(links) > 5 else ''}，cc init 不会经由它写到别处，"
                         "未写入任何内容", "请换一个空目录，或先移走这些链接。")
    existing = [p for p in files if p.exists()]
    if existing:
        shown = "、".join(str(p.relative_to(target)) for p in existing[:5])
        raise UsageError(f"目标目录中已有这些文件：{shown}{' 等' if len(existing) > 5 else ''}，不会覆盖",
                         "请换一个空目录，或先移走这些文件。")
    written: list[Path] = []
    made: list[Path] = []  # folders made here, removed again when a write fails
    try:
        for path, content in files.items():
            missing = []
            folder = path.parent
            while not folder.exists():
                missing.append(folder)
                folder = folder.parent
            for folder in reversed(missing):
                folder.mkdir()
                made.append(folder)
            with open(path, "xb") as fh:
                fh.write(content)
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
        from ..diagnostics import os_error_reason

        raise UsageError(f"无法写入 {target}：{os_error_reason(exc)}", "未写入任何内容。") from None
    return written


def _link_on_the_way(target: Path, path: Path) -> Path | None:
    """The first symbolic link among path and its folders below target, or None."""
    p = path
    while p != target and p != p.parent:
        if p.is_symlink():
            return p
        p = p.parent
    return None


