"""cc init, cc schema, and the pre-commit hook, through the installed command."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from chuangcheng_cli.store.schemas import schema_texts
from helpers import REPO, cc_env, run_cc, snapshot_files


def test_committed_schemas_are_current():
    for name, text in schema_texts().items():
        assert (REPO / "schemas" / name).read_text(encoding="utf-8") == text, f"运行 cc schema 更新 {name}"


def _jsonable(value):
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, dt.date) else str(v)))


def test_data_validates_against_generated_schemas_with_jsonschema():
    jsonschema = pytest.importorskip("jsonschema")
    schemas = {name: json.loads(text) for name, text in schema_texts().items()}
    for data_file, schema_name in (("tasklist.yaml", "tasklist.schema.json"), ("units.yaml", "units.schema.json")):
        doc = _jsonable(yaml.safe_load((REPO / "data" / data_file).read_text(encoding="utf-8")))
        jsonschema.validate(doc, schemas[schema_name], format_checker=jsonschema.FormatChecker())
    validator = jsonschema.Draft202012Validator(schemas["journal-entry.schema.json"])
    for line in (REPO / "data" / "journal.jsonl").read_text(encoding="utf-8").splitlines():
        validator.validate(json.loads(line))
    bad = _jsonable(yaml.safe_load((REPO / "data" / "tasklist.yaml").read_text(encoding="utf-8")))
    bad["tasks"][0]["leed"] = "sfj"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schemas["tasklist.schema.json"])


def test_data_files_point_at_the_schemas():
    for data_file, schema_name in (("tasklist.yaml", "tasklist.schema.json"), ("units.yaml", "units.schema.json")):
        first = (REPO / "data" / data_file).read_text(encoding="utf-8").splitlines()[0]
        assert first == f"# yaml-language-server: $schema=../schemas/{schema_name}"


def test_bundled_example_equals_data():
    for name in ("tasklist.yaml", "units.yaml", "journal.jsonl"):
        assert (REPO / "src/chuangcheng_cli/example" / name).read_bytes() == (REPO / "data" / name).read_bytes()


def test_init_creates_a_valid_repository_and_refuses_to_overwrite(tmp_path):
    target = tmp_path / "新推进组"
    result = run_cc("init", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for rel in ("data/tasklist.yaml", "data/units.yaml", "data/journal.jsonl", ".gitattributes", ".gitignore",
                ".github/workflows/validate.yml", ".gitlab-ci.yml", ".pre-commit-config.yaml",
                "schemas/tasklist.schema.json"):
        assert (target / rel).is_file(), rel
    assert "merge=union" in (target / ".gitattributes").read_text(encoding="utf-8")
    assert "validate --strict --format github" in (target / ".github/workflows/validate.yml").read_text(encoding="utf-8")
    assert "audit --format github" in (target / ".github/workflows/validate.yml").read_text(encoding="utf-8")
    assert "/data/ @" in (target / "CODEOWNERS").read_text(encoding="utf-8")
    assert run_cc("validate", cwd=target).returncode == 0
    before = snapshot_files(target)
    again = run_cc("init", str(target), cwd=tmp_path)
    assert again.returncode == 2 and "不会覆盖" in again.stderr
    assert snapshot_files(target) == before


def test_init_writes_through_no_symbolic_link_and_leaves_nothing_when_it_fails(tmp_path, monkeypatch):
    """cc init into a folder whose .github linked elsewhere wrote the workflow there, and a dangling
    CODEOWNERS link failed with 文件已存在 naming no file, leaving data/ behind (a hostile-input try)."""
    from chuangcheng_cli.store import scaffold
    from chuangcheng_cli.diagnostics import UsageError

    target, outside = tmp_path / "repo", tmp_path / "outside"
    target.mkdir()
    outside.mkdir()
    (target / ".github").symlink_to(outside)
    linked = run_cc("init", str(target), cwd=tmp_path)
    assert linked.returncode == 2 and "目标目录中有符号链接：.github，cc init 不会经由它写到别处" in linked.stderr
    assert list(outside.iterdir()) == [] and [p.name for p in target.iterdir()] == [".github"]
    (target / ".github").unlink()
    (target / "CODEOWNERS").symlink_to(tmp_path / "nowhere")
    dangling = run_cc("init", str(target), cwd=tmp_path)
    assert dangling.returncode == 2 and "目标目录中有符号链接：CODEOWNERS" in dangling.stderr
    (target / "CODEOWNERS").unlink()
    real_open, calls = open, []

    def failing(path, mode="r", *args, **kwargs):
        if mode == "xb":
            calls.append(path)
            if len(calls) == 4:
                raise PermissionError(13, "Permission denied")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr(scaffold, "open", failing, raising=False)
    with pytest.raises(UsageError, match="无法写入"):
        scaffold.init_repository(target)
    assert len(calls) == 4 and list(target.iterdir()) == []


def test_init_blank_journal(tmp_path):
    done = run_cc("init", "--blank", "x", cwd=tmp_path)
    assert done.returncode == 0 and "示例推进组的记录" not in done.stdout
    assert (tmp_path / "x/data/journal.jsonl").read_bytes() == b""
    assert run_cc("validate", cwd=tmp_path / "x").returncode == 0


def test_a_group_that_keeps_the_sample_journal_is_told_to_empty_it(tmp_path):
    """A new group ran cc init without --blank and wrote its own plan: the sample records name
    tasks it does not have (a fresh-eyes try met 225 errors and a hint to void them one by
    one). init says so first; validate, reads and writes then say it once, instead of cc void."""
    import re

    made = run_cc("init", "x", cwd=tmp_path)
    assert "请清空这个文件（或用 cc init --blank 新建）" in made.stdout
    repo = tmp_path / "x"
    plan = repo / "data/tasklist.yaml"
    plan.write_text(re.sub(r"\bT(\d\d)\b", r"A\1", plan.read_text(encoding="utf-8")), encoding="utf-8")
    hint = "如果它们是 cc init 带来的示例记录，请清空日志文件 journal.jsonl"
    checked = run_cc("validate", cwd=repo)
    assert checked.returncode == 1 and hint in checked.stdout
    read = run_cc("status", "--as-of", "2023-05-01", cwd=repo, CC_NO_CACHE="1")
    assert read.returncode == 0 and hint in read.stderr and "用 cc void 作废" not in read.stderr
    before = snapshot_files(repo)
    write = run_cc("log", "A01", "-u", "sfj", "-p", "10", "-n", "x", "--by", "吴某某", "--as-of", "2023-05-01", cwd=repo)
    assert write.returncode == 1 and hint in write.stderr
    assert snapshot_files(repo) == before
    (repo / "data/journal.jsonl").write_bytes(b"")
    assert run_cc("validate", cwd=repo).returncode == 0


def _git(*args, cwd, env):
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.skipif(shutil.which("pre-commit") is None and shutil.which("git") is None, reason="没有 git/pre-commit")
def test_pre_commit_hook_catches_a_broken_edit(tmp_path):
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    if not Path(pre_commit).exists():
        pytest.skip("未安装 pre-commit")
    target = tmp_path / "repo"
    assert run_cc("init", str(target), cwd=tmp_path).returncode == 0
    env = cc_env(PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
                 GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e",
                 PRE_COMMIT_HOME=str(tmp_path / "pc-home"))
    assert _git("init", "-q", cwd=target, env=env).returncode == 0
    installed = subprocess.run([pre_commit, "install"], cwd=target, env=env, capture_output=True, text=True)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    _git("add", "-A", cwd=target, env=env)
    first = _git("commit", "-qm", "初始数据", cwd=target, env=env)
    assert first.returncode == 0, first.stdout + first.stderr
    tasklist = target / "data/tasklist.yaml"
    tasklist.write_text(tasklist.read_text(encoding="utf-8").replace("lead: mzj", "lead: mzjj", 1), encoding="utf-8")
    _git("add", "-A", cwd=target, env=env)
    broken = _git("commit", "-qm", "改错了", cwd=target, env=env)
    assert broken.returncode != 0
    assert "unknown-unit" in broken.stdout + broken.stderr and "mzjj" in broken.stdout + broken.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="没有 git")
def test_this_repository_hook_definition_runs_through_pre_commit(tmp_path):
    """.pre-commit-hooks.yaml: the hook as other repositories use it (pre-commit try-repo)."""
    pre_commit = shutil.which("pre-commit") or str(Path(sys.executable).with_name("pre-commit"))
    if not Path(pre_commit).exists():
        pytest.skip("未安装 pre-commit")
    if not (REPO / ".git").exists():
        pytest.skip("不是 git 仓库")
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hooks[0]["id"] == "cc-validate" and hooks[0]["entry"] == "chuangcheng validate"
    result = subprocess.run([pre_commit, "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    target = tmp_path / "repo"
    assert run_cc("init", str(target), cwd=tmp_path).returncode == 0
    env = cc_env(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@e", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@e",
                 PRE_COMMIT_HOME=str(tmp_path / "pc-home"))
    _git("init", "-q", cwd=target, env=env)
    _git("add", "-A", cwd=target, env=env)
    # try-repo installs this repository into pre-commit's own virtualenv, as a data repository would.
    clean = subprocess.run([pre_commit, "try-repo", str(REPO), "cc-validate", "--all-files"], cwd=target,
                           env=env, capture_output=True, text=True, timeout=900)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    tasklist = target / "data/tasklist.yaml"
    tasklist.write_text(tasklist.read_text(encoding="utf-8").replace("lead: mzj", "lead: mzjj", 1), encoding="utf-8")
    _git("add", "-A", cwd=target, env=env)
    broken = subprocess.run([pre_commit, "try-repo", str(REPO), "cc-validate", "--all-files"], cwd=target,
                            env=env, capture_output=True, text=True, timeout=900)
    assert broken.returncode != 0 and "unknown-unit" in broken.stdout + broken.stderr
