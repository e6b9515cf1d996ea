"""Writing with the journal index (fastappend.py) answers exactly as a full check would."""

from __future__ import annotations

import json
import re

import pytest

from chuangcheng_cli import checks
from helpers import copy_data, run_cc, snapshot_files

SESSION = [
    ("assign", "T09", "--unit", "住建局", "--section", "建筑市场监管科", "--person", "甲", "--as-of", "2023-12-30"),
    ("log", "T09", "--unit", "人社局", "--percent", "85", "--note", "进展", "--as-of", "2023-12-30"),
    ("log", "T09", "--unit", "人社局", "--percent", "80", "--note", "下调", "--as-of", "2023-12-30"),  # refused
    ("log", "T09", "--unit", "人社局", "--percent", "84", "--note", "补登", "--date", "2023-12-19",
     "--as-of", "2023-12-30"),  # refused: the 12-29 report of 80% would then be a decrease
    ("notice", "住建局", "--as-of", "2023-12-30"),
    ("reply", "5", "--note", "已整改", "--as-of", "2023-12-31"),
    ("close", "5", "--as-of", "2023-12-31"),
    ("close", "5", "--as-of", "2023-12-31"),  # refused: already closed
    ("verify", "T09", "--as-of", "2023-12-31"),  # refused: not reported complete
    ("log", "T09", "--unit", "人社局", "--percent", "100", "--note", "完成", "--as-of", "2023-12-31"),
    ("verify", "T09", "--as-of", "2023-12-31"),
    ("reopen", "T09", "--reason", "抽查不合格", "--as-of", "2023-12-31"),
    ("notice", "人社局", "--as-of", "2023-12-31"),
]


def _normalised(path):
    text = (path / "data" / "journal.jsonl").read_text(encoding="utf-8")
    text = re.sub(r'"id":"\d{8}-[0-9a-f]{8}"', '"id":"…"', text)
    return re.sub(r'"at":"[^"]+"', '"at":"…"', text)


def test_session_with_index_equals_session_without(tmp_path):
    plain, fast = tmp_path / "plain", tmp_path / "fast"
    for folder in (plain, fast):
        folder.mkdir()
        copy_data(folder)
    env = {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path / "cache")}
    for args in SESSION:
        a = run_cc(*args, cwd=plain)
        b = run_cc(*args, cwd=fast, **env)
        assert (a.returncode, a.stdout, a.stderr) == (b.returncode, b.stdout, b.stderr), args
        assert "Traceback" not in b.stderr
    assert list((tmp_path / "cache").glob("append-*.pickle"))
    assert _normalised(plain) == _normalised(fast)
    assert not checks.check_folder(fast / "data").errors


def test_hand_edit_is_noticed_even_with_an_index(tmp_path):
    data = copy_data(tmp_path)
    env = {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path / "cache")}
    assert run_cc("log", "T09", "--unit", "人社局", "--percent", "85", "--note", "a", "--as-of", "2023-12-31",
                  cwd=tmp_path, **env).returncode == 0
    with open(data / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"id": "broken"\n')
    before = snapshot_files(tmp_path / "data")
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "86", "--note", "b", "--as-of", "2023-12-31",
                    cwd=tmp_path, **env)
    assert result.returncode == 1 and "journal-json" in result.stderr
    assert snapshot_files(tmp_path / "data") == before


@pytest.mark.parametrize("damage", [b"", b"not a pickle"])
def test_damaged_index_is_ignored(tmp_path, damage):
    data = copy_data(tmp_path)
    env = {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path / "cache")}
    run_cc("log", "T09", "--unit", "人社局", "--percent", "85", "--note", "a", "--as-of", "2023-12-31",
           cwd=tmp_path, **env)
    for f in (tmp_path / "cache").glob("append-*.pickle"):
        f.write_bytes(damage)
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "86", "--note", "b", "--as-of", "2023-12-31",
                    cwd=tmp_path, **env)
    assert result.returncode == 0, result.stderr
    last = json.loads((data / "journal.jsonl").read_text(encoding="utf-8").splitlines()[-1])
    assert last["percent"] == 86
