"""The leaders' HTML page: content, offline self-containment, well-formedness, the CLI, and a real browser."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest
from typer.testing import CliRunner

from chuangcheng_cli.domain import models, rules
from chuangcheng_cli.reports import rows as reports
from chuangcheng_cli.store.checks import load_checked
from chuangcheng_cli.cli import app
from chuangcheng_cli.reports.html import progress_series, render_html
from helpers import DATA, REPO

TODAY = dt.date(2023, 9, 10)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


@pytest.fixture(scope="module")
def project() -> models.Project:
    proj, warnings = load_checked(DATA)
    assert warnings == []
    return proj


@pytest.fixture(scope="module")
def snap(project) -> rules.Snapshot:
    return rules.snapshot(project, TODAY)


@pytest.fixture(scope="module")
def page(snap) -> str:
    return render_html(snap)


class TagChecker(HTMLParser):
    """Checks that every element is closed in order, and collects the <title> text and ids."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, tuple[int, int]]] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.titles: list[str] = []
        self.tags: dict[str, int] = {}
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.ids += [v for k, v in attrs if k == "id"]
        if tag not in VOID:
            self.stack.append((tag, self.getpos()))
        self._in_title = tag == "title"

    def handle_startendtag(self, tag, attrs):  # <rect .../> inside SVG
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.ids += [v for k, v in attrs if k == "id"]

    def handle_endtag(self, tag):
        self._in_title = False
        if tag in VOID:
            self.errors.append(f"{self.getpos()}: end tag for void element </{tag}>")
        elif not self.stack or self.stack[-1][0] != tag:
            open_tag = self.stack[-1] if self.stack else None
            self.errors.append(f"{self.getpos()}: </{tag}> closes {open_tag}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        if self._in_title:
            self.titles.append(data)


def check_tags(page: str) -> TagChecker:
    checker = TagChecker()
    checker.feed(page)
    checker.close()
    return checker


def figure(page: str, name: str) -> int:
    match = re.search(rf'id="fig-{name}">(\d+)<', page)
    assert match, f"headline figure fig-{name} missing"
    return int(match.group(1))


# ------------------------------------------------------------------- content


def test_page_lists_every_task_in_the_task_table(page, project):
    ids = re.findall(r'<td class="c-id">([^<]+)</td>', page)
    assert ids == [t.id for t in project.plan.tasks]
    assert len(ids) == 14


def test_headline_figures_equal_status_summary(page, snap):
    summary = reports.status_summary(snap, reports.status_rows(snap))
    assert figure(page, "total") == summary["total"] == 14
    assert figure(page, "done") == summary["done"]
    assert figure(page, "red") == summary["lights"]["red"] == 1
    assert figure(page, "yellow") == summary["lights"]["yellow"] == 2  # T08; T13 for 妇联's overdue problem
    assert figure(page, "green") == summary["lights"]["green"] == 11
    assert figure(page, "done-light") == summary["lights"]["done"]
    assert figure(page, "waiting") == summary["lights"]["accept"] + summary["lights"]["review"]
    # the light figures add up to every task (待验收 and 待审核 were left out: found by a fresh-eyes try)
    assert sum(figure(page, k) for k in ("red", "yellow", "green", "done-light", "waiting")) == summary["total"]
    assert figure(page, "days-left") == summary["days_left"] == 112
    assert figure(page, "escalated") == len(summary["escalated_units"]) == 0


def page_and_status(tmp_path, day: str) -> tuple[str, dict]:
    """The leaders' page and cc status --json of a copy of the bundled data on day."""
    from helpers import copy_data, run_cc

    copy_data(tmp_path)
    out = tmp_path / "r.html"
    assert run_cc("report", "html", "--as-of", day, "-o", str(out), cwd=tmp_path).returncode == 0
    return out.read_text(encoding="utf-8"), json.loads(run_cc("status", "--json", "--as-of", day, cwd=tmp_path).stdout)


def test_waiting_figure_counts_what_waits_for_the_lead_unit(tmp_path):
    """On 2023年10月16日 six tasks are reported complete and wait for 验收: the page says so."""
    text, doc = page_and_status(tmp_path, "2023-10-16")
    lights = doc["summary"]["lights"]
    assert lights["accept"] == 6
    assert figure(text, "waiting") == lights["accept"] + lights["review"]
    assert f"待验收{lights['accept']}项，待审核反馈{lights['review']}项" in text
    assert "整改超期未反馈" in text and "整改超期未销号" not in text  # the legend: a reply in time is not red


def test_header_names_group_campaign_date_and_lead_unit(page):
    head = page[page.index('<header class="masthead">'):page.index("</header>")]
    assert "法治环境工作推进组" in head
    assert "2023年创建全国文明城市工作" in head
    assert "截至2023年9月10日" in head
    assert "牵头单位：市司法局" in head
    assert "<title>法治环境工作推进组工作进展情况（截至2023年9月10日）</title>" in page


def test_every_light_is_written_in_words_not_only_colour(page, snap):
    for row in reports.status_rows(snap):
        cell = re.search(rf'<td class="c-id">{row["id"]}</td>.*?</tr>', page, re.S).group(0)
        assert f'<span class="chip {row["light"]}">{rules.LIGHT_NAMES[row["light"]]}</span>' in cell
        assert "；".join(row["reasons"]) in cell
        assert f'{row["expected_percent"]}%' in cell
    # the unit grid writes the light beside each task id
    assert '<span class="chip red">T09 红灯</span>' in page
    assert '<span class="chip yellow">T08 黄灯</span>' in page


def test_notices_per_unit_are_shown(page):
    assert "市人力资源和社会保障局" in page
    assert "督办2次，未销号2次" in page  # 人社局: 法治督〔2023〕2号 and 3号
    assert "督办1次，未销号0次" in page  # 市场监管局: 1号, closed
    assert "法治督〔2023〕3号" in page


def test_the_notice_table_shows_the_deadline_in_force(page):
    """法治督〔2023〕2号 was sent back with a new 整改期限 (8月24日): the table shows it, the first
    one beside it, as the status line counts its lateness from it."""
    row = next(r for r in page.split("<tr>") if "法治督〔2023〕2号" in r and "第1次" in r)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row)
    assert cells[5] == "2023年8月24日（退回后；原2023年8月3日）"
    assert '<td class="warn">' in row  # 17 days past it on 9月10日, no reply


def test_escalation_shows_once_a_unit_is_reported(project):
    snap = rules.snapshot(project, dt.date(2023, 12, 31))
    page = render_html(snap)
    summary = reports.status_summary(snap, reports.status_rows(snap))
    assert figure(page, "escalated") == len(summary["escalated_units"]) == 1
    assert "已于10月16日报告市领导" in page
    assert figure(page, "done") == summary["done"]


def test_before_the_campaign_starts_there_is_no_trend_yet(project):
    page = render_html(rules.snapshot(project, dt.date(2023, 4, 1)))
    assert "尚无进度数据" in page
    assert "尚未下发督办通知" in page
    assert check_tags(page).errors == []


def test_after_the_campaign_ends_the_page_says_so(project):
    page = render_html(rules.snapshot(project, dt.date(2024, 3, 1)))
    assert "创建活动已结束" in page
    assert "活动结束（2023年12月31日）" in page  # marker on the trend chart, in another year than the page
    assert check_tags(page).errors == []


# ----------------------------------------------------- offline, print, markup


def test_page_is_self_contained(page):
    lowered = page.lower()
    assert "<script" not in lowered
    assert "http://" not in lowered and "https://" not in lowered
    assert "src=" not in lowered
    assert "@import" not in lowered
    assert "url(" not in lowered
    assert "<link" not in lowered and "<img" not in lowered and "<iframe" not in lowered
    assert not re.search(r"\son[a-z]+=", lowered) and "javascript:" not in lowered  # no event handlers


def test_page_prints_on_a4_with_chinese_fonts(page):
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert "@page { size: A4; margin: 12mm; }" in page
    assert "break-inside: avoid" in page
    # the eight headline cards share the A4 width: a grid column of 1fr would not shrink below its
    # text, and the row ran past the right margin when printed (a fresh-eyes try)
    assert page.count("grid-template-columns: repeat(8, minmax(0, 1fr))") == 2 and "repeat(8, 1fr)" not in page
    assert '"Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "SimSun", sans-serif' in page


def test_page_is_well_formed(page):
    checker = check_tags(page)
    assert checker.errors == []
    assert checker.stack == []
    assert len(checker.ids) == len(set(checker.ids))
    assert checker.tags["svg"] >= 4  # indicator chart, trend, notices, and one progress bar per task
    assert checker.tags["polyline"] == 2  # actual and expected lines of the trend chart


def test_charts_are_inline_svg_with_titles(page):
    for label in ("各创建指标平均进度与序时进度", "全部任务平均进度与序时进度走势", "各单位被督办情况"):
        assert f'aria-label="{label}"><title>{label}</title>' in page


def test_data_is_escaped(project):
    evil_title = '<script>alert("x")</script> & 测试'
    tasks = [t.model_copy(update={"title": evil_title, "short_title": "<i>短</i>"}) if t.id == "T01" else t
             for t in project.plan.tasks]
    units = [u.model_copy(update={"name": '市<b>司法局</b>"&'}) if u.id == "sfj" else u for u in project.units]
    evil = models.Project(plan=project.plan.model_copy(update={"tasks": tasks}), units=units,
                          journal=project.journal)
    page = render_html(rules.snapshot(evil, TODAY))
    assert "<script" not in page and "<b>" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 测试" in page
    assert "牵头单位：市&lt;b&gt;司法局&lt;/b&gt;&quot;&amp;" in page
    assert check_tags(page).errors == []


# -------------------------------------------------------------------- series


def test_progress_series_ends_at_today_with_the_status_means(project, snap):
    series = progress_series(project, TODAY)
    rows = reports.status_rows(snap)
    day, actual, expected = series[-1]
    assert day == TODAY
    assert actual == pytest.approx(sum(r["percent"] for r in rows) / len(rows))
    assert expected == pytest.approx(sum(r["expected_percent"] for r in rows) / len(rows))


def test_progress_series_is_weekly_from_the_campaign_start(project):
    series = progress_series(project, TODAY)
    days = [d for d, _a, _e in series]
    assert days[0] == project.plan.campaign.start == dt.date(2023, 4, 14)
    assert all((b - a).days == 7 for a, b in zip(days, days[1:-1]))
    assert 0 < (days[-1] - days[-2]).days <= 7
    assert series[0][1:] == (0, 0)
    assert all(0 <= a <= 100 and 0 <= e <= 100 for _d, a, e in series)
    assert [d for d, *_ in progress_series(project, TODAY, step_days=30)][:3] == [
        dt.date(2023, 4, 14), dt.date(2023, 5, 14), dt.date(2023, 6, 13)]


def test_progress_series_before_start_is_one_point(project):
    assert progress_series(project, dt.date(2023, 4, 1)) == [(dt.date(2023, 4, 1), 0, 0)]
    with pytest.raises(ValueError):
        progress_series(project, TODAY, step_days=0)


# ----------------------------------------------------------------------- CLI


def test_cli_writes_the_page(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["--data", "data", "report", "html", "--out", str(out),
                                      "--as-of", "2023-09-10"])
    assert result.exit_code == 0, result.output
    assert out.exists()
    assert "已生成" in result.output
    text = out.read_text(encoding="utf-8")
    assert "截至2023年9月10日" in text
    assert text == render_html(rules.snapshot(load_checked(DATA)[0], TODAY))


# ------------------------------------------------------------------- browser

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    exe = shutil.which("chromium")
    if exe is None:
        pytest.skip("未安装 chromium，跳过浏览器渲染测试")
    profile = tmp_path / "profile"
    profile.mkdir(exist_ok=True)
    return subprocess.run([exe, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                          capture_output=True, text=True, timeout=120)


def _console_problems(stderr: str) -> list[str]:
    """Console messages and uncaught errors; chromium's own dbus/gpu/sandbox noise is ignored."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line]


def test_chromium_renders_the_page(tmp_path, page):
    html_file = tmp_path / "r.html"
    html_file.write_text(page, encoding="utf-8")
    shot = tmp_path / "shot.png"
    result = _chromium(tmp_path, f"--screenshot={shot}", "--window-size=1280,2000", html_file.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.exists()
    assert shot.stat().st_size > 10_000

    result = _chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", html_file.as_uri())
    assert result.returncode == 0, result.stderr[-2000:]
    assert "<title>法治环境工作推进组工作进展情况（截至2023年9月10日）</title>" in result.stdout
    assert "T14" in result.stdout
    assert _console_problems(result.stderr) == []


def test_console_check_would_catch_a_script_error(tmp_path):
    """Guards the filter above: chromium must report a broken page's console errors the way we look for."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><title>坏页面</title><script>undefinedFn();</script>", encoding="utf-8")
    result = _chromium(tmp_path, "--enable-logging=stderr", "--v=0", "--dump-dom", bad.as_uri())
    assert result.returncode == 0
    assert any("Uncaught" in line for line in _console_problems(result.stderr))


def test_long_indicator_names_wrap_inside_the_chart():
    """The second group's indicator names run to 40 characters: every line of the label fits left of
    the bars (x 290), and together the lines give the whole name."""
    from chuangcheng_cli.reports.html import _text_width

    proj, _ = load_checked(REPO / "tests" / "data" / "other_group")
    page = render_html(rules.snapshot(proj, dt.date(2026, 3, 1)))
    chart = page[page.index('aria-label="各创建指标平均进度与序时进度"'):]
    chart = chart[:chart.index("</svg>")]
    labels = re.findall(r'<text x="278.0" y="[\d.]+" font-size="13.5" text-anchor="end"[^>]*>([^<]*)</text>', chart)
    for ind in proj.plan.indicators:
        assert f"{ind.id} {ind.name}" in "".join(labels)
    assert len(labels) > len(proj.plan.indicators)  # some did wrap
    assert all(_text_width(line, 13.5) <= 290 - 24 for line in labels)
    assert "2025年3月1日" in page and "最近报送2025年9月30日" in page  # another year than the as-of day's


# ------------------------------------------------------ 问题清单 (problem_scenario)


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    from problem_scenario import snapshot

    snap = snapshot(tmp_path_factory.mktemp("html"))
    return snap, render_html(snap)


def problems_section(page: str) -> str:
    return page[page.index('<section class="block problems" id="problems">'):].split("</section>", 1)[0]


def table_rows(html: str, heading: str) -> list[list[str]]:
    """The cells of the table under an <h3>heading</h3>, tags stripped."""
    part = html.split(f"<h3>{heading}</h3>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", part.split("<tbody>", 1)[1], re.S)
    return [[re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
            for row in rows]


def test_problem_rates_by_unit_and_by_source(scenario):
    _, page = scenario
    section = problems_section(page)
    assert "共6个问题：已销号2，待复查1，整改中3（逾期1）" in section
    assert "结案率 <strong>50%</strong>　按期结案率 <strong>50%</strong>　返工率 <strong>66.7%</strong>" in section
    # worst first: the unit with an overdue problem
    assert table_rows(section, "各责任单位") == [
        ["人社局", "4", "2", "1", "1", "1", "66.7%", "66.7%", "50%", "25%"],
        ["民政局", "2", "0", "0", "2", "0", "0%", "0%", "100%", "50%"],
    ]
    assert table_rows(section, "按问题来源") == [["暗访", "6", "2", "1", "3", "1", "50%", "50%", "66.7%", "33.3%"]]


def test_problem_trend_counts_found_and_closed_per_week(scenario):
    snap, page = scenario
    from chuangcheng_cli.reports.html import problem_periods

    unit, periods = problem_periods(snap)
    assert unit == "周" and periods[-1][:2] == (dt.date(2023, 7, 25), dt.date(2023, 7, 31))
    assert periods[0][:2] == (dt.date(2023, 6, 6), dt.date(2023, 6, 12))
    assert [(p[1].isoformat()[5:], p[2], p[3]) for p in periods if p[2] or p[3]] == [
        ("06-12", 1, 0), ("07-03", 3, 0), ("07-10", 0, 1), ("07-24", 1, 0), ("07-31", 1, 1)]
    assert 'aria-label="问题清单：每周（截至当日的7天）新交办与销号"' in page


def test_problem_trend_goes_by_month_over_a_long_span(scenario):
    snap, _ = scenario
    from chuangcheng_cli.reports.html import problem_periods

    later = rules.snapshot(snap.project, dt.date(2023, 12, 31))
    unit, periods = problem_periods(later)
    assert unit == "月"
    assert [(p[0], p[1]) for p in periods][:2] == [(dt.date(2023, 6, 1), dt.date(2023, 6, 30)),
                                                   (dt.date(2023, 7, 1), dt.date(2023, 7, 31))]
    assert periods[-1][1] == dt.date(2023, 12, 31)
    assert sum(p[2] for p in periods) == 6 and sum(p[3] for p in periods) == 2


def test_overdue_problems_are_listed(scenario):
    _, page = scenario
    section = problems_section(page)
    assert "<h3>逾期未整改（1个）</h3>" in section
    item = section.split('<ul class="overdue">', 1)[1].split("</ul>", 1)[0]
    assert re.sub(r"<[^>]+>", "", item) == "W2023-0002人社局（暗访）点位2问题2逾期16天（整改期限2023年7月15日）"


def test_page_with_problems_stays_self_contained_and_well_formed(scenario):
    _, page = scenario
    test_page_is_self_contained(page)
    checker = check_tags(page)
    assert checker.errors == [] and checker.stack == []
    assert len(checker.ids) == len(set(checker.ids))


def test_before_the_first_problem_the_section_says_so(scenario):
    snap, _ = scenario
    page = render_html(rules.snapshot(snap.project, dt.date(2023, 6, 9)))
    assert "<h2>问题清单</h2><p class=\"quiet\">截至2023年6月9日，尚未登记问题。</p>" in page


def _series_by_snapshots(project, end, step_days):
    """The series as its definition says: a whole snapshot of each day (what progress_series
    computes in one pass)."""
    days, day = [], project.plan.campaign.start
    while day < end:
        days.append(day)
        day += dt.timedelta(days=step_days)
    days.append(end)
    out = []
    for day in days:
        tasks = rules.snapshot(project, day).tasks
        out.append((day, sum(t.percent for t in tasks) / len(tasks), sum(t.expected for t in tasks) / len(tasks)))
    return out


@pytest.mark.parametrize("step", [1, 3, 7, 30])
def test_progress_series_in_one_pass_is_each_day_s_snapshot_even_with_voids(project, step):
    """Folded once and read at each point, but a void makes earlier entries stop counting (and a
    void of it, count again): every point must still be that day's own snapshot."""
    reports_ = [e for e in project.journal if e.kind == "progress"]
    first, second = reports_[len(reports_) // 3], reports_[len(reports_) // 2]
    end = max(e.date for e in project.journal)

    def void(n, target, on):
        at = dt.datetime(on.year, on.month, on.day, 18, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        return models.make(models.Void, id=f"{on:%Y%m%d}-ffff{n:04x}", kind="void", date=on, at=at,
                           by="范某某", entry=target, reason="录入错误")

    later = first.date + dt.timedelta(days=10)
    voids = [void(1, first.id, later),  # voided ten days on
             void(2, second.id, second.date),  # voided the very day it was reported
             void(3, f"{later:%Y%m%d}-ffff0001", later + dt.timedelta(days=20))]  # the first void undone
    voided = models.Project(project.plan, project.units, [*project.journal, *voids])
    for proj in (project, voided):
        assert progress_series(proj, end, step) == _series_by_snapshots(proj, end, step)
        assert progress_series(proj, TODAY, step) == _series_by_snapshots(proj, TODAY, step)
    assert progress_series(voided, end, 7) != progress_series(project, end, 7)  # the voids did count


def test_unit_lights_never_show_a_unit_lagging_for_anothers_delay(page):
    """In 各单位任务灯色, a co-unit's chip for a task red for the lead unit's lag (T09, 人社局's
    late notice) is grey and says the cause is not its own; the lead's chip is red. The same
    for a lead whose task is yellow for a co-unit's problem (T13: 妇联's overdue problem)."""
    section = page[page.index("各单位任务灯色"):]
    section = section[:section.index("</table>")]
    rows = dict(re.findall(r'<th scope="row" class="c-unit">([^<]*)</th>(.*?)</tr>', section))
    assert '<span class="chip red">T09 红灯</span>' in rows["市人力资源和社会保障局"]
    assert '<span class="chip other">T09 红灯（非本单位原因）</span>' in rows["市住房和城乡建设局"]
    assert '<span class="chip other">T08 黄灯（非本单位原因）</span>' in rows["市总工会"]
    assert '<span class="chip yellow">T13 黄灯</span>' in rows["市妇女联合会"]
    assert '<span class="chip other">T13 黄灯（非本单位原因）</span>' in rows["市民政局"]
    assert "chip red" not in rows["市住房和城乡建设局"] and "chip yellow" not in rows["市总工会"]


def test_waiting_card_gives_the_lead_units_whole_queue(tmp_path):
    """On 2023年12月31日 no task waits for 验收 or review, but two problems wait for the lead unit's
    复查, one past the review time limit (a fresh-eyes try read “待牵头单位 0” as nothing pending):
    the card's note counts them, as the 牵头单位待办 list below does."""
    text, doc = page_and_status(tmp_path, "2023-12-31")
    queue = doc["summary"]["lead_queue"]
    assert [q["kind"] for q in queue] == ["recheck", "recheck"]
    assert sum(q["overdue"] > 0 for q in queue) == 1
    assert figure(text, "waiting") == 0  # tasks: the light figures still add up
    assert "待验收0项，待审核反馈0项；另有2个问题待复查；1件超过审核时限" in text


def test_a_unit_reported_twice_is_shown_twice_and_a_unit_s_own_red_is_counted(tmp_path):
    """A unit reported to 市领导 twice showed the latest day alone (status, units, the leaders'
    page, the ledger); and the page's 红灯 card said 0 above a unit's own red row in 需要关注 (a
    fresh-eyes try). Both days are given, with how often, and the card says there is more."""
    import openpyxl

    from helpers import copy_data, run_cc

    copy_data(tmp_path)

    def cc(*args):
        result = run_cc(*args, "--as-of", "2023-12-31", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        return result.stdout

    # a notice to 妇联 on its problem on no task, left past its 整改期限: its own row is red
    assert run_cc("notice", "妇联", "--yes", "--by", "周某某", "--as-of", "2023-12-01", cwd=tmp_path).returncode == 0
    assert run_cc("notice", "人社局", "--yes", "--by", "周某某", "--as-of", "2023-12-30", cwd=tmp_path).returncode == 0
    assert "已报告市领导：市人力资源和社会保障局（共2次：2023年10月16日、2023年12月30日），" in cc("status").replace("\n", "")
    assert "已报告2次，最近12月30日" in cc("units", "--unit", "人社局")
    cc("report", "html", "--out", str(tmp_path / "r.html"))
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "市人力资源和社会保障局（共2次：10月16日、12月30日）" in page and "已2次报告市领导（最近12月30日）" in page
    cc("report", "xlsx", "--out", str(tmp_path / "r.xlsx"))
    sheet = openpyxl.load_workbook(tmp_path / "r.xlsx")["单位汇总"]
    assert any(c.value == "已报告（共2次：2023年10月16日、2023年12月30日）" for row in sheet.iter_rows() for c in row)
    unit = json.loads(cc("units", "--unit", "人社局", "--json"))["units"][0]
    assert (unit["escalation_count"], unit["escalation_dates"]) == (2, ["2023-10-16", "2023-12-30"])
    assert "另有1个单位自身亮红灯（不在任务上，见需要关注）" in page


def test_charts_keep_a_legible_size_on_a_phone(page):
    """At 390 px the charts (drawn 900 wide, labels 11-13) were scaled to about 4 px text (a
    fresh-eyes try, Chromium): on a narrow screen a chart keeps at least 760 px, or its own width
    when narrower, and scrolls sideways within its figure."""
    phone = page[page.index("@media (max-width: 560px)"):]
    phone = phone[:phone.index("@media", 10)]
    assert "figure.chart { overflow-x: auto; }" in phone
    assert ".chart-svg { min-width: min(760px, var(--w, 760px)); }" in phone
    assert page.count('<figure class="chart">') == page.count('class="chart-svg"') >= 3
    narrow = re.findall(r'<svg style="max-width: (\d+)px; --w: (\d+)px" class="chart-svg"', page)
    assert narrow and all(a == b for a, b in narrow)
