"""Who may record what (authority.py): the pure rules, then through the installed command."""

from __future__ import annotations

import datetime as dt
import json
import subprocess

import pytest

from chuangcheng_cli.domain import authority, models
from chuangcheng_cli.store import checks
from helpers import DATA, copy_data, run_cc, snapshot_files

AS_OF = "2023-12-30"


@pytest.fixture(scope="module")
def project():
    checked = checks.check_folder(DATA)
    assert checked.project is not None
    return checked.project


def entry(kind, by, **fields):
    base = {"id": f"x-{kind}-{by}", "date": dt.date(2023, 12, 1),
            "at": dt.datetime(2023, 12, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=8))), "by": by}
    defaults = {
        "assign": {"task": "T10", "unit": "mzj", "section": "社会组织管理科", "person": "汤某"},
        "progress": {"task": "T09", "unit": "rsj", "percent": 90, "note": "说明"},
        "verify": {"task": "T09"},
        "reopen": {"task": "T09", "reason": "原因"},
        "notice": {"year": 2023, "number": 9, "doc_no": "法治督〔2023〕9号", "unit": "rsj", "seq": 4,
                   "level": "红", "deadline": dt.date(2023, 12, 11)},
        "reply": {"notice": "2023-4", "unit": "rsj", "note": "整改情况"},
        "reject": {"notice": "2023-4", "note": "不到位", "deadline": dt.date(2023, 12, 11)},
        "close": {"notice": "2023-4"},
        "escalate": {"unit": "rsj", "notices": ["2023-4"]},
        "void": {"entry": "20230101-00000000", "reason": "记错了"},
        "problem": {"problem": "W2023-0099", "year": 2023, "number": 99, "source": "暗访",
                    "found": dt.date(2023, 11, 30), "place": "点位", "desc": "描述", "unit": "rsj",
                    "mode": "限期整改", "deadline": dt.date(2023, 12, 11)},
        "fix": {"problem": "W2023-0099", "unit": "rsj", "note": "已整改"},
        "recheck": {"problem": "W2023-0099", "passed": True, "note": "到位"},
        "extend": {"problem": "W2023-0099", "deadline": dt.date(2023, 12, 20), "reason": "理由"},
    }[kind]
    return models.make(models.ENTRY_TYPES[kind], kind=kind, **{**base, **defaults, **fields})


def test_roster_is_the_office_and_each_units_people(project):
    ros = authority.roster(project.plan, project.units)
    assert ros.office == ("吴某某", "周某某")  # the lead unit's liaison first, then office_staff
    assert ros.units["mzj"] == ("贺某某", "倪某某")  # liaison and staff
    assert ros.units["rsj"] == ("范某某",)


@pytest.mark.parametrize("kind", sorted(authority.LEAD_KINDS))
def test_lead_acts_only_by_the_office(project, kind):
    ros = authority.roster(project.plan, project.units)
    why = authority.refusal(ros, entry(kind, "范某某"))
    assert why.startswith("“范某某”不能记录") and "推进组办公室人员（吴某某、周某某）" in why
    assert authority.refusal(ros, entry(kind, "周某某")) == ""
    assert authority.refusal(ros, entry(kind, " 吴某某 ")) == ""  # names compare stripped


@pytest.mark.parametrize("kind", sorted(authority.UNIT_KINDS))
def test_unit_acts_by_the_units_people_or_the_office(project, kind):
    ros = authority.roster(project.plan, project.units)
    e = entry(kind, "苏某某")  # 市场监管局's liaison, acting for another unit
    unit = e.unit
    why = authority.refusal(ros, e)
    assert why.startswith(f"“苏某某”不能代{project.unit_label(unit)}记录")
    assert "推进组办公室人员" in why
    own = project.unit(unit).liaison.name
    assert authority.refusal(ros, entry(kind, own)) == ""
    assert authority.refusal(ros, entry(kind, "周某某")) == ""


def test_staff_may_act_for_their_unit(project):
    ros = authority.roster(project.plan, project.units)
    assert authority.refusal(ros, entry("assign", "倪某某")) == ""
    assert "倪某某" in authority.refusal(ros, entry("assign", "倪某某", task="T09", unit="rsj",
                                                       section="劳动保障监察科", person="郎某"))


def test_a_unit_voids_only_its_own_reports(project):
    ros = authority.roster(project.plan, project.units)
    own = entry("progress", "范某某")
    notice = entry("notice", "周某某")
    assert authority.refusal(ros, entry("void", "范某某", entry=own.id), own) == ""
    assert "不能记录作废“督办通知”记录" in authority.refusal(ros, entry("void", "范某某", entry=notice.id), notice)
    assert "不能代市人力资源和社会保障局" in authority.refusal(ros, entry("void", "苏某某", entry=own.id), own)
    assert authority.refusal(ros, entry("void", "周某某", entry=own.id), own) == ""
    # a void of a void, or of an entry not found, is the office's
    void = entry("void", "范某某", entry=own.id)
    assert authority.refusal(ros, entry("void", "范某某", entry=void.id), void) != ""
    assert authority.refusal(ros, entry("void", "范某某")) != ""


def test_without_office_staff_the_lead_units_liaison_is_the_office(project):
    plan = project.plan.model_copy(update={"campaign": project.plan.campaign.model_copy(update={"office_staff": []})})
    ros = authority.roster(plan, project.units)
    assert ros.office == ("吴某某",)


def test_git_identities_from_the_roster():
    assert authority.git_email("范某某 <Fan@Example.org>") == "fan@example.org"
    assert authority.git_email("fan@example.org") == "fan@example.org"
    assert authority.git_email("范某某") == ""


# ------------------------------------------------------------ through the command


def added(data, before: bytes) -> list[dict]:
    now = (data / "journal.jsonl").read_bytes()
    assert now.startswith(before)
    return [json.loads(line) for line in now[len(before):].decode().splitlines() if line]


def refused(tmp_path, *args, **env):
    before = snapshot_files(tmp_path)
    result = run_cc(*args, "--as-of", AS_OF, cwd=tmp_path, **env)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "未写入任何内容" in result.stderr
    assert snapshot_files(tmp_path) == before
    return result.stderr


def test_a_unit_cannot_do_the_lead_units_acts(tmp_path):
    data = copy_data(tmp_path)
    before = (data / "journal.jsonl").read_bytes()
    # 人社局 reports T09 done and answers notice 2023-4: its own acts
    assert run_cc("log", "T09", "--unit", "人社局", "-p", "100", "-n", "完成", "--by", "范某某",
                  "--as-of", AS_OF, cwd=tmp_path).returncode == 0
    assert run_cc("reply", "2023-4", "--note", "已整改", "--by", "范某某", "--as-of", AS_OF,
                  cwd=tmp_path).returncode == 0
    assert [e["by"] for e in added(data, before)] == ["范某某", "范某某"]
    # but it cannot accept its own work, close or send back its own notice, or notice anyone
    err = refused(tmp_path, "verify", "T09", "--by", "范某某")
    assert "“范某某”不能记录验收销号" in err and "吴某某、周某某" in err and "campaign.office_staff" in err
    assert "不能记录督办销号" in refused(tmp_path, "close", "2023-4", "--by", "范某某")
    assert "不能记录退回整改" in refused(tmp_path, "reject", "2023-4", "--note", "不行", "--by", "范某某")
    assert "不能记录退回重办" in refused(tmp_path, "reopen", "T09", "--reason", "重办", "--by", "范某某")
    assert "不能记录督办通知" in refused(tmp_path, "notice", "住建局", "--task", "T09", "--reason", "理由",
                                   "--yes", "--by", "范某某")
    # the office can
    assert run_cc("close", "2023-4", "--by", "周某某", "--as-of", AS_OF, cwd=tmp_path).returncode == 0
    assert run_cc("verify", "T09", "--as-of", AS_OF, cwd=tmp_path, CC_USER="吴某某").returncode == 0
    assert run_cc("validate", "--strict", cwd=tmp_path).returncode == 0


def test_one_liaison_cannot_log_for_another_unit(tmp_path):
    copy_data(tmp_path)
    for args in (["log", "T09", "--unit", "人社局", "-p", "90", "-n", "代报"],  # the fast path
                 ["log", "T09", "--unit", "人社局", "-p", "90", "-n", "代报", "--evidence", "https://x.org/a"],
                 ["assign", "T09", "--unit", "人社局", "--section", "劳动关系科", "--person", "彭某某"]):
        err = refused(tmp_path, *args, "--by", "苏某某")
        assert "“苏某某”不能代市人力资源和社会保障局记录" in err
        assert "只有该单位的人员（范某某）或推进组办公室人员（吴某某、周某某）可以办理" in err
    # CC_USER is the recorder when there is no --by
    assert "“苏某某”" in refused(tmp_path, "log", "T09", "--unit", "人社局", "-p", "90", "-n", "代报",
                                CC_USER="苏某某")


def test_a_unit_cannot_void_the_offices_records(tmp_path):
    data = copy_data(tmp_path)
    assert "不能记录作废“督办通知”记录" in refused(tmp_path, "void", "法治督〔2023〕4号", "--reason", "不认",
                                          "--by", "范某某")
    own = [json.loads(line) for line in (data / "journal.jsonl").read_text().splitlines()
           if '"kind":"progress"' in line and '"unit":"rsj"' in line][-1]
    before = (data / "journal.jsonl").read_bytes()
    assert run_cc("void", own["id"], "--reason", "报错了", "--by", "范某某", "--as-of", AS_OF,
                  cwd=tmp_path).returncode == 0
    assert added(data, before)[0]["entry"] == own["id"]


def test_the_recorder_defaults_to_git_user_name(tmp_path):
    data = copy_data(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "config", "user.name", "苏某某"], cwd=tmp_path, check=True)
    assert "“苏某某”" in refused(tmp_path, "log", "T09", "--unit", "人社局", "-p", "90", "-n", "代报", CC_USER="")
    subprocess.run(["git", "config", "user.name", "范某某"], cwd=tmp_path, check=True)
    before = (data / "journal.jsonl").read_bytes()
    assert run_cc("log", "T09", "--unit", "人社局", "-p", "90", "-n", "本单位报送", "--as-of", AS_OF,
                  cwd=tmp_path, CC_USER="").returncode == 0
    assert added(data, before)[0]["by"] == "范某某"


def test_a_refusal_says_where_the_recorders_name_was_taken_from(tmp_path):
    """With no --by and no CC_USER, a git user.name like "Seed 9445effd maintainers" was refused as
    “Seed 9445effd maintainers”不能代…记录 without a word of where that name came from (a new
    user's try). The refusal names the source (git, CC_USER; --by's is the user's own typing and
    is said in the hint) and the hint says how to give the right name; nothing is written."""
    copy_data(tmp_path)
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    subprocess.run(["git", "config", "user.name", "Seed 9445effd maintainers"], cwd=tmp_path, check=True)
    log = ("log", "T09", "--unit", "人社局", "-p", "90", "-n", "代报")
    for extra in ((), ("--evidence", "https://x.org/a")):  # the fast path, then the typer app
        err = refused(tmp_path, *log, *extra, CC_USER="")
        assert err.startswith("错误：“Seed 9445effd maintainers”（取自 git config user.name）不能代市人力资源和社会保障局"
                              "记录进度报送：")
        assert ("提示：没有写 --by，也没有设置环境变量 CC_USER，记录人取自 git config user.name（本机 git 的用户名）："
                "请在命令后加 --by 姓名，或把环境变量 CC_USER 设为名册中本人的姓名（Windows 命令提示符：setx CC_USER 姓名，"
                "重新打开窗口后生效）；也可运行 git config --global user.name 姓名。") in err
    err = refused(tmp_path, *log, CC_USER="苏某某")
    assert err.startswith("错误：“苏某某”（取自环境变量 CC_USER）不能代市人力资源和社会保障局记录进度报送：")
    # 苏某某 is 市场监管局's: who does it instead, then, for a colleague's name on a shared PC, how to change it
    assert ("提示：苏某某 是名册中市市场监督管理局的人员，这项不由其办理：市人力资源和社会保障局的记录请由该单位的人员（范某某）"
            "或推进组办公室人员（吴某某、周某某）办理。如果您不是苏某某：没有写 --by，记录人取自环境变量 CC_USER："
            "请把 CC_USER 改为名册中本人的姓名") in err
    err = refused(tmp_path, *log, "--by", "苏某某")
    assert err.startswith("错误：“苏某某”不能代") and "如果您不是苏某某：记录人由 --by 指定：请写名册中本人的姓名。" in err
    err = refused(tmp_path, *log, "--by", "路人甲")  # no one of the roster: the name is what to fix
    assert "提示：记录人由 --by 指定：请写名册中本人的姓名。如确应授权此人，请在 units.yaml 该单位的 staff" in err
    # a lead unit's act refused before the record is read, and an import, say it alike
    err = refused(tmp_path, "verify", "T09", CC_USER="")
    assert err.startswith("错误：“Seed 9445effd maintainers”（取自 git config user.name）不能记录验收销号")
    assert "git config --global user.name 姓名。这项由推进组办公室办理" in err


def test_recording_time_is_local_with_the_campaigns_offset(tmp_path):
    data = copy_data(tmp_path)
    before = (data / "journal.jsonl").read_bytes()
    assert run_cc("log", "T09", "--unit", "人社局", "-p", "90", "-n", "说明", "--as-of", AS_OF,
                  cwd=tmp_path, TZ="UTC").returncode == 0
    at = added(data, before)[0]["at"]
    assert at.endswith("+08:00"), at
    assert abs(dt.datetime.fromisoformat(at) - dt.datetime.now(dt.timezone.utc)) < dt.timedelta(minutes=10)


def test_a_unit_records_only_its_own_self_found_problems(project):
    ros = authority.roster(project.plan, project.units)
    own = entry("problem", "范某某", source="自查")
    assert authority.refusal(ros, own) == ""
    found_by_others = authority.refusal(ros, entry("problem", "范某某"))
    assert found_by_others.startswith("“范某某”不能登记来源为“暗访”的问题") and "推进组办公室人员" in found_by_others
    assert "不能代市人力资源和社会保障局" in authority.refusal(ros, entry("problem", "苏某某", source="自查"))
    assert authority.refusal(ros, entry("problem", "周某某")) == ""
    # what to do about a refusal: a unit's own act may be opened to its staff, the office's only to office_staff
    assert "该单位的 staff" in authority.hint(own) and "该单位的 staff" not in authority.hint(entry("problem", "范某某"))
    assert "campaign.office_staff" in authority.hint(entry("problem", "范某某"))


def test_the_office_acting_on_its_own_unit_s_matter_is_said(tmp_path):
    """The lead unit's liaison is office staff: it voided the notice to its own unit and verified
    its own task without a word (a fairness review). Each such act is written (the office sits in
    the lead unit) and the recorder is told; the same acts by other office staff say nothing."""
    from helpers import early_copy

    repo = early_copy(tmp_path, "2023-05-01")

    def run(*args, by="周某某"):
        result = run_cc(*args, "--by", by, cwd=repo)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        return result.stderr

    assert "本单位自己的" not in run("notice", "司法局", "--yes", "--as-of", "2023-06-10")
    # a notice asks first and builds its entries twice: each note is said once (it was twice)
    again = run("notice", "司法局", "--reason", "复查", "--force", "--yes", "--as-of", "2023-06-10", by="吴某某")
    assert again.count("本单位自己的督办通知") == 1, again
    said = run("void", "法治督〔2023〕1号", "--reason", "不应督办", "--as-of", "2023-06-10", by="吴某某")
    assert "提示：记录人 吴某某 是市司法局的人员，这条作废（督办通知）办理的是本单位自己的督办通知法治督〔2023〕1号。" in said
    run("log", "T01", "--unit", "司法局", "--percent", "100", "--note", "完成", "--as-of", "2023-06-11", by="吴某某")
    said = run("verify", "T01", "--note", "验收", "--as-of", "2023-06-11", by="吴某某")
    assert "这条验收销号办理的是本单位自己的任务T01" in said
    run("log", "T04", "--unit", "司法局", "--percent", "100", "--note", "完成", "--as-of", "2023-06-11", by="吴某某")
    assert "本单位自己的" not in run("verify", "T04", "--as-of", "2023-06-12")  # by other office staff
    # a unit's own acts by its own people are what they are for: nothing said
    assert "本单位自己的" not in run("log", "T09", "--unit", "人社局", "--percent", "20", "--note", "推进",
                                  "--as-of", "2023-06-12", by="范某某")


def test_an_office_member_who_heads_a_section_of_the_unit_is_one_of_its_people(tmp_path):
    """Office staff who is a 科室 head of the unit (not its liaison or staff) closed its own problem
    without a word (a try of a new group): a unit's head, deputy and 科室 heads are its people too."""
    from helpers import early_copy

    repo = early_copy(tmp_path, "2023-05-01")
    plan = repo / "data" / "tasklist.yaml"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("    - 周某某      ", "    - 周某某\n    - 陈某某      ", 1), encoding="utf-8")
    assert "    - 周某某\n    - 陈某某 " in plan.read_text(encoding="utf-8")

    def run(*args, by="周某某"):
        result = run_cc(*args, "--by", by, cwd=repo)
        assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
        return result.stderr

    run("problem", "add", "--unit", "司法局", "--source", "暗访", "--place", "法律服务站", "--desc", "无人值守",
        "--deadline", "2023-06-20", "--as-of", "2023-06-10")
    run("problem", "fix", "1", "--note", "已安排值守", "--as-of", "2023-06-12", by="吴某某")
    said = run("problem", "recheck", "1", "--pass", "--note", "复查通过", "--as-of", "2023-06-13", by="陈某某")
    assert "提示：记录人 陈某某 是市司法局的人员，这条问题复查办理的是本单位自己的问题W2023-0001" in said.replace("\n", ""), said


def test_the_recorder_s_name_is_recorded_as_the_roster_compares_it(tmp_path):
    """--by ' 吴某某 ' passed the roster (names compare trimmed) and was written with its spaces
    (a hostile-input try): the journal names the person as the roster does."""
    data = copy_data(tmp_path)
    before = (data / "journal.jsonl").read_bytes()
    done = run_cc("log", "T09", "--unit", "人社局", "-p", "90", "-n", "说明", "--by", " 范某某\u3000", "--as-of", AS_OF,
                  cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert added(data, before)[0]["by"] == "范某某"


def test_a_unit_refused_for_an_error_in_the_record_is_told_the_office_fixes_it(tmp_path):
    """A merge left an error (one 文号 twice): every write is refused until it is fixed, and the
    hint names a cc void only the office may run. A unit's liaison was told to run it (a
    fresh-eyes try); the refusal now says the office makes the fix, naming them. The office's
    own refusal says no such thing."""
    data = copy_data(tmp_path)
    lines = (data / "journal.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(next(ln for ln in lines if '"kind":"notice"' in ln))
    again = {**first, "id": first["id"][:9] + "0badf00d", "at": first["at"].replace("10:05", "16:05")}
    (data / "journal.jsonl").write_text("\n".join(lines + [json.dumps(again, ensure_ascii=False)]) + "\n", encoding="utf-8")
    before = snapshot_files(data)
    unit = run_cc("log", "T09", "--unit", "人社局", "--percent", "95", "--note", "推进中。", "--as-of", "2023-12-29",
                  "--by", "范某某", cwd=tmp_path)
    assert unit.returncode == 1 and "duplicate-notice-number" in unit.stderr
    assert "由推进组办公室（吴某某、周某某）办理" in unit.stderr and "Traceback" not in unit.stderr
    office = run_cc("log", "T09", "--unit", "人社局", "--percent", "95", "--note", "推进中。", "--as-of", "2023-12-29",
                    "--by", "周某某", cwd=tmp_path)
    assert office.returncode == 1 and "由推进组办公室" not in office.stderr
    assert snapshot_files(data) == before
