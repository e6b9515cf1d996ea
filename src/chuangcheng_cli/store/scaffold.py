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
    existing = [p for p in files if p.exists()]
    if existing:
        shown = "、".join(str(p.relative_to(target)) for p in existing[:5])
        raise UsageError(f"目标目录中已有这些文件：{shown}{' 等' if len(existing) > 5 else ''}，不会覆盖",
                         "请换一个空目录，或先移走这些文件。")
    written = []
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "xb") as fh:
                fh.write(content)
            written.append(path)
    except OSError as exc:
        for path in written:
            path.unlink(missing_ok=True)
        from ..diagnostics import os_error_reason

        raise UsageError(f"无法写入 {target}：{os_error_reason(exc)}") from None
    return written


