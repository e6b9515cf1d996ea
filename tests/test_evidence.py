"""Evidence archived in the repository (issue 10 §4), through the installed `cc`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from helpers import copy_data, run_cc, snapshot_files

AS_OF = ["--as-of", "2023-12-30"]
LOG = ["log", "T09", "--unit", "人社局", "--percent", "85", "--note", "补充材料"]


def last_entry(repo: Path) -> dict:
    return json.loads((repo / "data" / "journal.jsonl").read_text(encoding="utf-8").splitlines()[-1])


def test_a_file_is_copied_into_the_repository_with_its_hash(tmp_path):
    copy_data(tmp_path)
    photo = tmp_path / "外面" / "现场照片.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"\xff\xd8 a photo")
    digest = hashlib.sha256(photo.read_bytes()).hexdigest()
    result = run_cc(*LOG, "--evidence", str(photo), "--evidence", "https://example.org/a.html", *AS_OF,
                    cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "佐证材料已存入仓库" in result.stdout and "请与日志一起提交" in result.stdout
    evidence = last_entry(tmp_path)["evidence"]
    assert evidence[0] == {"path": f"evidence/2023/{digest[:12]}-现场照片.jpg", "sha256": digest, "size": 10}
    assert evidence[1] == "https://example.org/a.html"  # URLs stay URLs
    assert (tmp_path / evidence[0]["path"]).read_bytes() == photo.read_bytes()
    # the same file again is stored once
    again = run_cc(*LOG[:-1], "再次附上", "--evidence", str(photo), *AS_OF, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert len(list((tmp_path / "evidence" / "2023").iterdir())) == 1
    assert run_cc("validate", "--strict", cwd=tmp_path).returncode == 0
    # a colleague who pulls gets the file: the record points inside the repository
    assert not Path(evidence[0]["path"]).is_absolute() and ".." not in evidence[0]["path"]


def test_refused_evidence_leaves_every_file_unchanged(tmp_path):
    data = copy_data(tmp_path)
    folder = tmp_path / "一个文件夹"
    folder.mkdir()
    big = tmp_path / "大文件.zip"
    big.write_bytes(b"0" * (2 * 1024 * 1024))
    plan = data / "tasklist.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace(
        "  rectification_days: 10", "  evidence_max_mb: 1\n  rectification_days: 10"), encoding="utf-8")
    before = snapshot_files(tmp_path)
    for item, words in ((str(folder), "文件夹"), ("/dev/null", "不是普通文件"), ("没有这个文件.pdf", "不存在"),
                        (str(big), "过大")):
        result = run_cc(*LOG, "--evidence", item, *AS_OF, cwd=tmp_path)
        assert result.returncode == 2, result.stdout + result.stderr
        assert words in result.stderr and "Traceback" not in result.stderr
        assert snapshot_files(tmp_path) == before
    # a refusal after the evidence was checked (a progress decrease) copies nothing either
    small = tmp_path / "小.pdf"
    small.write_bytes(b"%PDF small")
    before = snapshot_files(tmp_path)
    result = run_cc("log", "T09", "--unit", "人社局", "--percent", "10", "--note", "下调", "--evidence", str(small),
                    *AS_OF, cwd=tmp_path)
    assert result.returncode == 2 and "低于上次" in result.stderr
    assert snapshot_files(tmp_path) == before


def test_validate_reports_missing_and_changed_evidence(tmp_path):
    copy_data(tmp_path)
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"original")
    assert run_cc(*LOG, "--evidence", str(photo), *AS_OF, cwd=tmp_path).returncode == 0
    stored = tmp_path / last_entry(tmp_path)["evidence"][0]["path"]
    stored.write_bytes(b"altered!")  # same size, other content: only validate's hash check sees it
    changed = run_cc("validate", cwd=tmp_path)
    assert changed.returncode == 1 and "evidence-changed" in changed.stdout
    stored.unlink()
    missing = run_cc("validate", cwd=tmp_path)
    assert missing.returncode == 0 and "evidence-missing" in missing.stdout and "git lfs" in missing.stdout


def test_dry_run_copies_nothing(tmp_path):
    copy_data(tmp_path)
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"a photo")
    before = snapshot_files(tmp_path)
    result = run_cc(*LOG, "--evidence", str(photo), "--dry-run", *AS_OF, cwd=tmp_path)
    assert result.returncode == 0 and '"sha256"' in result.stdout
    assert snapshot_files(tmp_path) == before


def test_a_changed_evidence_file_is_for_validate_to_report_not_for_reads(tmp_path):
    """The record is judged by the data files alone, with the store or without it (found by a
    hostile-input try: a changed evidence file dropped the report from a run without the store
    and refused writes there, while the store, which never reads such files, counted it). cc
    validate, and so CI, reports the changed file."""
    copy_data(tmp_path)
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"original")
    assert run_cc(*LOG, "--evidence", str(photo), *AS_OF, cwd=tmp_path).returncode == 0
    store = {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path / "store"), "CC_INDEX_MIN_BYTES": "0"}
    status = ["status", "--json", "--unit", "人社局", *AS_OF]
    cached = run_cc(*status, cwd=tmp_path, **store)
    stored = tmp_path / last_entry(tmp_path)["evidence"][0]["path"]
    stored.write_bytes(b"altered and longer")  # its size differs from the record
    assert run_cc("validate", cwd=tmp_path).returncode == 1
    for env in ({}, store):
        result = run_cc(*status, cwd=tmp_path, **env)
        assert result.returncode == 0 and result.stderr == "" and result.stdout == cached.stdout, result.stderr
        assert next(t for t in json.loads(result.stdout)["tasks"] if t["id"] == "T09")["percent"] == 85
    for env in ({}, store):  # a write is not refused for it either
        assert run_cc(*LOG[:-1], "再报", "--dry-run", *AS_OF, cwd=tmp_path, **env).returncode == 0


def test_a_recorded_path_outside_the_repository_is_an_error_of_its_line(tmp_path):
    """An evidence path or a document path a hand edit points outside the repository is the
    line's error on every path (with the store too: a pulled line), and is never opened."""
    data = copy_data(tmp_path)
    journal = data / "journal.jsonl"
    store = {"CC_NO_CACHE": "", "CC_CACHE_DIR": str(tmp_path / "store"), "CC_INDEX_MIN_BYTES": "0"}
    assert run_cc("status", *AS_OF, cwd=tmp_path, **store).returncode == 0  # the store's state of the journal
    lines = journal.read_text(encoding="utf-8").splitlines()
    progress = json.loads(next(line for line in reversed(lines) if '"kind":"progress"' in line))
    outside = {**progress, "id": progress["id"][:9] + "0badf00d", "percent": progress["percent"],
               "evidence": [{"path": "evidence/../../../etc/passwd", "sha256": "0" * 64, "size": 1}]}
    notice = json.loads(next(line for line in reversed(lines) if '"kind":"notice"' in line))
    moved = {**notice, "id": notice["id"][:9] + "0badf00e", "number": 99, "doc_no": "法治督〔2023〕99号",
             "seq": notice["seq"] + 1, "file": "../../../../etc/x.docx"}
    with journal.open("a", encoding="utf-8") as fh:
        for e in (outside, moved):
            fh.write(json.dumps(e, ensure_ascii=False) + "\n")
    checked = run_cc("validate", cwd=tmp_path)
    assert checked.returncode == 1 and checked.stdout.count("[unsafe-name]") == 2, checked.stdout
    assert "佐证材料路径不在仓库的 evidence/ 目录中" in checked.stdout and "文书路径指向仓库之外" in checked.stdout
    full = run_cc("units", "--json", *AS_OF, cwd=tmp_path)
    assert full.returncode == 0 and "2 条记录未计入" in full.stderr
    assert run_cc("units", "--json", *AS_OF, cwd=tmp_path, **store).stdout == full.stdout
    assert run_cc("status", "--json", *AS_OF, cwd=tmp_path, **store).stdout == \
        run_cc("status", "--json", *AS_OF, cwd=tmp_path).stdout


def test_evidence_replaced_by_a_link_or_recorded_outside_evidence_is_never_opened(tmp_path):
    """An archived file replaced by a symbolic link (to a file outside the repository) is an error and
    the link is not followed; a recorded path inside the repository but outside evidence/ (a hand edit)
    is the line's unsafe-name error alone: the file it names is not opened or hashed."""
    data = copy_data(tmp_path)
    photo = tmp_path / "照片.jpg"
    photo.write_bytes(b"original")
    assert run_cc(*LOG, "--evidence", str(photo), *AS_OF, cwd=tmp_path).returncode == 0
    stored = tmp_path / last_entry(tmp_path)["evidence"][0]["path"]
    secret = tmp_path.parent / f"{tmp_path.name}-secret.txt"
    secret.write_bytes(b"original")  # same size and content: only a followed link would pass
    stored.unlink()
    stored.symlink_to(secret)
    linked = run_cc("validate", cwd=tmp_path)
    assert linked.returncode == 1 and "佐证材料在登记后被换成了指向别处的链接" in linked.stdout
    stored.unlink()
    (tmp_path / "pipe").write_bytes(b"x")
    journal = data / "journal.jsonl"
    entry = last_entry(tmp_path)
    entry["evidence"][0]["path"] = "pipe"
    lines = journal.read_text(encoding="utf-8").splitlines()
    lines[-1] = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
    journal.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = run_cc("validate", cwd=tmp_path)
    assert "[unsafe-name]" in checked.stdout and "evidence-changed" not in checked.stdout
    assert "evidence-missing" not in checked.stdout


def test_evidence_is_measured_by_what_is_read_not_by_what_stat_says(tmp_path, monkeypatch):
    """A file that reports 0 bytes and holds more (/proc/self/environ) was recorded as size 0 and
    past the size limit, and /proc/self/pagemap was read without end (found by a hostile-input
    try): the size is what is read, and no more than the limit is ever read."""
    import pytest

    from chuangcheng_cli.diagnostics import UsageError
    from chuangcheng_cli.store import evidence

    monkeypatch.setattr(evidence, "check_file", lambda source, max_mb: 0)  # as stat says of /proc files
    small = tmp_path / "环境.txt"
    small.write_bytes(b"x" * 1344)
    done = evidence.archive(small, tmp_path / "repo", 2023, 1)
    assert done.size == 1344 and done.sha256 == hashlib.sha256(b"x" * 1344).hexdigest()
    target = tmp_path / "repo" / done.path
    assert evidence.copy_in(small, target, done.size, done.sha256) and target.read_bytes() == b"x" * 1344
    assert not evidence.copy_in(small, target, done.size, done.sha256)  # already there: kept
    big = tmp_path / "大.bin"
    big.write_bytes(b"y" * (1024 * 1024 + 1))
    with pytest.raises(UsageError, match="佐证材料过大"):
        evidence.archive(big, tmp_path / "repo", 2023, 1)
    # grown between the hash and the copy: refused, not archived under the first hash
    small.write_bytes(b"x" * 2000)
    with pytest.raises(UsageError, match="被改动"):
        evidence.copy_in(small, tmp_path / "other" / done.path, done.size, done.sha256)
    assert not (tmp_path / "other").exists()


def test_addresses_are_http_with_a_host_and_other_schemes_are_refused():
    """http:// (no host) was recorded as an address, HTTPS://… was looked for as a file, javascript:
    and ftp:// as missing files (found by a hostile-input try). A space stays allowed: an address
    copied from a browser may hold one (tests/test_hostile.py records one)."""
    from chuangcheng_cli.store.evidence import is_url, url_problem

    assert is_url("HTTPS://WWW.GOV.CN/x") and url_problem("HTTPS://WWW.GOV.CN/x") == ""
    assert url_problem("https://www.gov.cn/a?b=1#c") == ""
    assert url_problem("https://example.com/a b?c=1") == ""
    for bad in ("http://", "https:///x", "http://[::1"):
        assert url_problem(bad) == "网址不完整：没有网站地址", bad
    for other in ("javascript:alert(1)", "ftp://x/y", "file:///etc/passwd", "data:text/html,x", "smb://srv/a"):
        assert url_problem(other) == "只接受 http:// 或 https:// 开头的网址", other
    for path in ("C:/材料/照片.jpg", r"D:\\材料\\a.pdf", "会议纪要.pdf", "note:1.txt", "./a:b.txt"):
        assert url_problem(path) == "" and not is_url(path), path


def test_a_bad_address_is_refused_and_writes_nothing(tmp_path):
    copy_data(tmp_path)
    before = snapshot_files(tmp_path)
    result = run_cc(*LOG, "--evidence", "javascript:alert(1)", *AS_OF, cwd=tmp_path)
    assert result.returncode == 2 and "佐证材料的网址无效" in result.stderr, result.stderr
    assert snapshot_files(tmp_path) == before
