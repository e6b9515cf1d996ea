"""cc audit over a real git repository: rewritten lines, recorder vs author, 补录, no history."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from helpers import copy_data, run_cc


def git(*args, cwd: Path, who: str = "周某某 <zhou@example.org>") -> str:
    name, email = who[:-1].split(" <")
    env_args = ["-c", f"user.name={name}", "-c", f"user.email={email}", "-c", "commit.gpgsign=false"]
    done = subprocess.run(["git", *env_args, *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def repo(tmp_path: Path) -> Path:
    copy_data(tmp_path)
    (tmp_path / ".gitattributes").write_text("data/journal.jsonl merge=union\n")
    git("init", "-q", "-b", "main", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "数据", cwd=tmp_path)
    return tmp_path


def log(tmp_path: Path, percent: int, by: str = "范某某", date: str = "2023-12-29",
        at: str = "2023-12-29T10:00:00+08:00") -> None:
    """Append a progress line as cc log would, with a fixed recording time (cc log stamps now)."""
    entry = {"id": f"20231229-{percent:08x}", "kind": "progress", "date": date, "at": at, "by": by,
             "task": "T09", "unit": "rsj", "percent": percent, "note": "进展"}
    with open(tmp_path / "data" / "journal.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n")


def test_untouched_history_audits_clean(tmp_path):
    repo(tmp_path)
    log(tmp_path, 85)
    git("commit", "-qam", "报送", cwd=tmp_path, who="范某某 <fan@example.org>")
    git("checkout", "-qb", "other", "HEAD~1", cwd=tmp_path)  # two branches appending, merged by union
    log(tmp_path, 82)
    git("commit", "-qam", "另一分支报送", cwd=tmp_path)
    git("checkout", "-q", "main", cwd=tmp_path)
    git("merge", "-q", "--no-edit", "other", cwd=tmp_path)
    result = run_cc("audit", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "审计通过：4 个提交中，data/journal.jsonl 已提交的记录没有被改写或删除。\n"
    assert result.stderr == ""


def test_a_rewritten_old_line_is_named_with_its_id_and_commit(tmp_path):
    repo(tmp_path)
    journal = tmp_path / "data" / "journal.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    target = json.loads(lines[65])
    lines[65] = lines[65].replace('"by":"周某某"', '"by":"吴某某"')
    del lines[69]
    journal.write_text("".join(lines), encoding="utf-8")
    git("commit", "-qam", "悄悄改一行", cwd=tmp_path, who="某人 <someone@example.org>")
    commit = git("rev-parse", "--short=8", "HEAD", cwd=tmp_path)
    parent = git("rev-parse", "--short=8", "HEAD~1", cwd=tmp_path)
    result = run_cc("audit", cwd=tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert (f"data/journal.jsonl:66: 错误: 已提交的第 66 行（记录 {target['id']}，见提交 {parent}）被提交 {commit}"
            f"（某人 <someone@example.org>，") in out
    assert "改写（现为第 66 行）" in out and "删除；日志只能追加" in out
    assert "[journal-rewritten]" in out and "发现 2 个错误、0 个警告。" in out
    assert "Traceback" not in result.stderr
    # --since past the rewrite: nothing left to find; JSON and GitHub formats
    assert run_cc("audit", "--since", "HEAD", cwd=tmp_path).returncode == 0
    doc = json.loads(run_cc("audit", "--format", "json", cwd=tmp_path).stdout)
    assert doc["error_count"] == 2 and {p["code"] for p in doc["problems"]} == {"journal-rewritten"}
    gh = run_cc("audit", "--format", "github", cwd=tmp_path).stdout
    assert gh.startswith("::error file=data/journal.jsonl,line=66,title=journal-rewritten::")


def test_deleting_committed_lines_that_never_were_records_is_no_rewrite(tmp_path):
    """A merge's conflict markers or half a line committed by mistake: cc validate asks to delete
    them, and audit then called that a rewrite of history (a hostile-input try). A committed line
    that was a record (a JSON object), valid or not, is still named when it goes: cc void it."""
    repo(tmp_path)
    journal = tmp_path / "data" / "journal.jsonl"
    clean = journal.read_text(encoding="utf-8")
    junk = "<<<<<<< HEAD\n=======\n>>>>>>> other\n" + '{"id":"20231229-half","kind":"prog\n' + "[" * 1000 + "]" * 1000 + "\n"
    journal.write_text(clean + junk, encoding="utf-8")
    git("commit", "-qam", "误提交了冲突标记", cwd=tmp_path)
    journal.write_text(clean, encoding="utf-8")
    git("commit", "-qam", "删除冲突标记", cwd=tmp_path)
    result = run_cc("audit", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    bad = '{"id":"20231229-beef0001","kind":"progress","percent":150}\n'
    journal.write_text(clean + bad, encoding="utf-8")
    git("commit", "-qam", "一条无效记录", cwd=tmp_path)
    journal.write_text(clean, encoding="utf-8")
    git("commit", "-qam", "手工删掉它", cwd=tmp_path)
    gone = run_cc("audit", cwd=tmp_path)
    assert gone.returncode == 1 and "记录 20231229-beef0001" in gone.stdout and "[journal-rewritten]" in gone.stdout


def test_uncommitted_rewrites_are_audited_too(tmp_path):
    repo(tmp_path)
    journal = tmp_path / "data" / "journal.jsonl"
    journal.write_bytes(journal.read_bytes().replace(b'"percent":10,', b'"percent":15,', 1))
    result = run_cc("audit", cwd=tmp_path)
    assert result.returncode == 1 and "被工作区中未提交的修改改写" in result.stdout


def test_recorder_against_author_and_backfill(tmp_path):
    repo(tmp_path)
    units = tmp_path / "data" / "units.yaml"
    units.write_text(units.read_text(encoding="utf-8").replace(
        "      name: 范某某\n", "      name: 范某某\n      git: 范某某 <fan@example.org>\n"), encoding="utf-8")
    git("commit", "-qam", "登记 git 身份", cwd=tmp_path)
    log(tmp_path, 85, "范某某", "2023-12-19")  # ten days late: a 补录
    git("commit", "-qam", "代报", cwd=tmp_path, who="周某某 <zhou@example.org>")
    result = run_cc("audit", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr  # warnings only
    assert result.stdout.count("[author-mismatch]") == 1 and "fan@example.org" in result.stdout
    assert "[backfill]" in result.stdout and "业务日期 2023年12月19日" in result.stdout
    log(tmp_path, 86)
    git("commit", "-qam", "本人报送", cwd=tmp_path, who="范某某 <FAN@example.org>")
    assert run_cc("audit", "--since", "HEAD~1", cwd=tmp_path).stdout.startswith("审计通过")


def test_no_git_history_is_a_clear_message(tmp_path):
    copy_data(tmp_path)
    result = run_cc("audit", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("错误：数据目录 ") and "不在 git 仓库中，没有提交历史可审计" in result.stderr
    git("init", "-q", cwd=tmp_path)
    result = run_cc("audit", cwd=tmp_path)
    assert result.returncode == 2 and "还没有任何提交" in result.stderr
    (tmp_path / "README").write_text("x")
    git("add", "README", cwd=tmp_path)
    git("commit", "-qm", "x", cwd=tmp_path)
    result = run_cc("audit", cwd=tmp_path)
    assert result.returncode == 2 and "还没有提交到 git" in result.stderr
    result = run_cc("audit", "--since", "no-such-rev", cwd=tmp_path)
    assert result.returncode == 2 and "找不到 --since 指定的版本" in result.stderr


def test_backfill_is_marked_in_history_and_the_xlsx_log(tmp_path):
    copy_data(tmp_path)
    # recorded now, about a day in 2023: far more than policy.backfill_days late
    assert run_cc("log", "T09", "--unit", "人社局", "-p", "85", "-n", "补报", "--date", "2023-12-29",
                  "--as-of", "2023-12-30", cwd=tmp_path).returncode == 0
    out = run_cc("history", "--unit", "人社局", "--kind", "progress", cwd=tmp_path).stdout
    assert out.count("进度报送（补录）") == 1, out
    import openpyxl

    assert run_cc("report", "xlsx", "--out", "t.xlsx", "--as-of", "2023-12-30", cwd=tmp_path).returncode == 0
    log_sheet = openpyxl.load_workbook(tmp_path / "t.xlsx")["进度日志"]
    assert [row[1].value for row in log_sheet.iter_rows(min_row=3)].count("进度报送（补录）") == 1


def test_a_yaml_file_a_merge_left_broken_is_said_and_the_journal_audited(tmp_path):
    """Conflict markers a merge left in tasklist.yaml (or any YAML error): cc audit said so, then
    raised a traceback building its fallback policy (a fresh-eyes try); it audits the journal with
    the default backfill days."""
    repo(tmp_path)
    plan = tmp_path / "data" / "tasklist.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("rectification_days:", "<<<<<<< HEAD\nrectification_days:", 1),
                    encoding="utf-8")
    git("commit", "-qam", "合并", cwd=tmp_path)
    result = run_cc("audit", cwd=tmp_path)
    assert "Traceback" not in result.stderr and result.returncode == 0, result.stdout + result.stderr
    assert "tasklist.yaml 或 units.yaml 有错误，未核对记录人与提交人" in result.stderr
    assert "审计通过" in result.stdout


def test_a_line_put_back_as_it_was_or_a_doubled_copy_removed_leaves_ci_green(tmp_path):
    """Each commit was judged against its parent alone: a line rewritten by hand and put back as
    the hint says, or one of two identical copies a bad merge left removed as cc validate asks,
    failed cc audit (and CI) for good (a fresh-eyes try). What the journal holds now decides: put
    back, it is a warning naming the commit; a copy removed is nothing; a line still changed is
    an error; and whoever put a line back did not record it (no author warning)."""
    repo(tmp_path)
    log(tmp_path, 60, by="范某某")
    git("commit", "-qam", "报送", cwd=tmp_path, who="范某某 <fan@example.org>")
    journal = tmp_path / "data" / "journal.jsonl"
    original = journal.read_text(encoding="utf-8")
    journal.write_text(original.replace('"note":"进展"', '"note":"进展顺利"'), encoding="utf-8")
    git("commit", "-qam", "改错字", cwd=tmp_path, who="范某某 <fan@example.org>")
    edited = run_cc("audit", cwd=tmp_path)
    assert edited.returncode == 1 and "[journal-rewritten]" in edited.stdout
    journal.write_text(original, encoding="utf-8")
    git("commit", "-qam", "恢复原行", cwd=tmp_path, who="吴某某 <wu@example.org>")
    restored = run_cc("audit", cwd=tmp_path)
    assert restored.returncode == 0, restored.stdout
    assert "[journal-restored]" in restored.stdout and "之后已恢复原样" in restored.stdout
    assert "journal-rewritten" not in restored.stdout and "author-mismatch" not in restored.stdout
    last = original.splitlines()[-1]
    journal.write_text(original + last + "\n", encoding="utf-8")  # what a bad merge leaves
    git("commit", "-qam", "合并", cwd=tmp_path)
    journal.write_text(original, encoding="utf-8")  # cc validate: delete one of the two
    git("commit", "-qam", "删除重复行", cwd=tmp_path)
    assert run_cc("audit", cwd=tmp_path).returncode == 0
    journal.write_text(original.replace('"percent":60', '"percent":65'), encoding="utf-8")
    git("commit", "-qam", "又改", cwd=tmp_path)
    assert run_cc("audit", cwd=tmp_path).returncode == 1


def test_since_a_rewrite_already_merged_the_commit_putting_it_back_passes(tmp_path):
    """A pull request's CI audits --since origin/main: a rewrite already on main, put back in the
    request as the hint says, was the request's own journal-rewritten error (a review found it);
    the history before --since shows the line put back is the original."""
    repo(tmp_path)
    journal = tmp_path / "data" / "journal.jsonl"
    original = journal.read_text(encoding="utf-8")
    journal.write_text(original.replace('"note":"', '"note":"（改）', 1), encoding="utf-8")
    git("commit", "-qam", "改写", cwd=tmp_path)
    git("tag", "main-then", cwd=tmp_path)
    journal.write_text(original, encoding="utf-8")
    git("commit", "-qam", "恢复原行", cwd=tmp_path)
    since = run_cc("audit", "--since", "main-then", cwd=tmp_path)
    assert since.returncode == 0 and "journal-rewritten" not in since.stdout, since.stdout
    journal.write_text(original.replace('"note":"', '"note":"（又改）', 1), encoding="utf-8")
    git("commit", "-qam", "又改写", cwd=tmp_path)
    assert run_cc("audit", "--since", "HEAD~1", cwd=tmp_path).returncode == 1  # a new rewrite still fails


def test_a_journal_committed_as_a_symbolic_link_is_not_audited_through_it(tmp_path):
    """journal.jsonl committed as a link to ../secret.env: audit followed it, audited the secret
    file's history ("审计通过：… secret.env") and would print its lines (a review). It refuses the
    link; once the file is restored, the commit that put the link in its place is named."""
    repo(tmp_path)
    original = (tmp_path / "data" / "journal.jsonl").read_bytes()
    (tmp_path / "secret.env").write_text("SECRET_TOKEN=ghp_x\n", encoding="utf-8")
    (tmp_path / "data" / "journal.jsonl").unlink()
    (tmp_path / "data" / "journal.jsonl").symlink_to(Path("..") / "secret.env")
    git("add", "-A", cwd=tmp_path)
    git("commit", "-qm", "链接", cwd=tmp_path, who="某单位 <x@example.org>")
    refused = run_cc("audit", cwd=tmp_path)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert "日志 data/journal.jsonl 是一个符号链接，不是数据文件本身，不予审计" in refused.stderr
    assert "SECRET_TOKEN" not in refused.stdout + refused.stderr
    (tmp_path / "data" / "journal.jsonl").unlink()
    (tmp_path / "data" / "journal.jsonl").write_bytes(original)
    git("commit", "-qam", "恢复", cwd=tmp_path)
    after = run_cc("audit", cwd=tmp_path)
    assert "[journal-restored]" in after.stdout and "某单位" in after.stdout, after.stdout + after.stderr
    assert "SECRET_TOKEN" not in after.stdout + after.stderr
