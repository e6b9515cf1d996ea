"""Another working group, with data of its own shape, gets output in its own words.

tests/data/other_group is a second group (市容环境与城市管理工作推进组): another lead unit, a
2025–2026 campaign, ids RW01 / ZB1, 30 units, long indicator names and its own 机关代字. Nothing the
tool prints or writes for it may carry the shipped group's words that its data does not supply.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from helpers import REPO, run_cc as _run_cc


def run_cc(*args, **env):
    """As the other group's own lead-unit liaison (the shipped group's names are not in its roster)."""
    env.setdefault("CC_USER", "冯某某")
    return _run_cc(*args, **env)

OTHER = REPO / "tests" / "data" / "other_group"
AS_OF = "2026-03-01"
SHIPPED_WORDS = ("法治", "司法局", "2023")


def _copy(tmp_path: Path) -> Path:
    shutil.copytree(OTHER, tmp_path / "data")
    return tmp_path


def _file_text(path: Path) -> str:
    """The text a reader sees in a written file (.docx and .xlsx are zip files of XML)."""
    if path.suffix in (".docx", ".xlsx"):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                             if n.endswith((".xml", ".rels")))
    return path.read_text(encoding="utf-8")


def test_the_data_has_none_of_the_shipped_words():
    for path in OTHER.iterdir():
        text = path.read_text(encoding="utf-8")
        assert not [w for w in SHIPPED_WORDS if w in text], path


COMMANDS = [
    ["validate"],
    ["status"],
    ["status", "--unit", "住建局"],
    ["units"],
    ["show", "RW02"],
    ["show", "13"],
    ["show", "rw5"],
    ["history"],
    ["history", "--kind", "督办"],
    ["history", "--unit", "城管局", "--task", "1"],
    ["report", "md"],
    ["log", "RW03", "--unit", "城管局", "--percent", "30%", "--note", "便民疏导点设置完成", "--dry-run"],
    ["notice", "城管局", "--dry-run"],
    ["reply", "市容督[2026]1号", "--note", "已整改", "--dry-run"],
]


HELP = [[], ["status"], ["show"], ["history"], ["log"], ["notice"], ["reply"], ["close"], ["report", "xlsx"],
        ["report", "html"], ["report", "md"], ["init"]]


@pytest.mark.parametrize("args", HELP, ids=[" ".join(a) or "cc" for a in HELP])
def test_help_is_neutral(tmp_path, args):
    """No help text names the shipped group, its units or its year, whatever the data folder."""
    result = run_cc(*args, "--help", cwd=_copy(tmp_path))
    assert result.returncode == 0, result.stderr
    assert not [w for w in SHIPPED_WORDS if w in result.stdout], result.stdout


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_commands_speak_in_the_groups_own_words(tmp_path, args):
    repo = _copy(tmp_path)
    as_of = [] if args[0] == "validate" else ["--as-of", AS_OF]
    result = run_cc(*args, *as_of, cwd=repo, COLUMNS="100")
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout + result.stderr
    # a --dry-run shows the line's recording time, the real clock's: its microseconds may read
    # 072023 (CI failed on that once); the time is no word of the shipped group
    words = re.sub(r'"at":"[^"]*"', '"at":""', out)
    assert not [w for w in SHIPPED_WORDS if w in words], out
    assert "Traceback" not in out


def test_written_documents_and_reports_speak_in_the_groups_own_words(tmp_path):
    repo = _copy(tmp_path)
    for args in (["notice", "城管局", "--out", "notices"], ["notice", "住建局", "--yes", "--out", "notices"],
                 ["reprint", "市容督〔2026〕3号", "--out", "reprinted"],
                 ["report", "xlsx"], ["report", "html"], ["report", "md", "--out", "."]):
        result = run_cc(*args, "--as-of", AS_OF, cwd=repo)
        assert result.returncode == 0, result.stdout + result.stderr
        out = result.stdout + result.stderr
        assert not [w for w in SHIPPED_WORDS if w in out], out
    written = [p for p in repo.rglob("*") if p.is_file() and "data" not in p.relative_to(repo).parts[:1]]
    names = sorted(p.name for p in written)
    assert {"市容环境与城市管理工作推进组台账_2026-03-01.xlsx", "市容环境与城市管理工作推进组进展_2026-03-01.html",
            "市容环境与城市管理工作推进组周报_2026-03-01.md"} <= set(names), names
    assert sum(p.suffix == ".docx" for p in written) >= 2, names
    reprinted = sorted(p.name for p in (repo / "reprinted").iterdir())  # the notice and its report
    assert len(reprinted) == 2 and any("市容督报〔2026〕" in n for n in reprinted), reprinted
    journal = (repo / "data" / "journal.jsonl").read_text(encoding="utf-8")
    for path in [*written, repo / "data" / "journal.jsonl"]:
        text = path.name + "\n" + (journal if path.name == "journal.jsonl" else _file_text(path))
        leaked = [w for w in SHIPPED_WORDS if w in text]
        assert not leaked, f"{path.name}: {leaked}"
