"""Time the installed `cc` as real subprocesses at several data sizes; print a table and write BENCHMARKS.md.

    python benchmarks/run.py                 # every size; 5 runs (3 at city size, 1 at 500k)
    python benchmarks/run.py --quick         # 1× and 10× only, 3 runs: a smoke run
    python benchmarks/run.py --sizes 1,full --runs 7

Sizes: 1 = the bundled data/ folder of this repository; 10 and 100 = benchmarks/generate.py --scale N;
10k = the city plan (12 groups, 1,000 tasks, 200 units) with 10,000 journal entries; full = the
same plan with 100,000 entries; fullp = full plus a year's 问题清单 (--problems 20000, about
58,000 more lines); 500k = the plan with 500,000 entries (only the commands the growth target
needs). Generated folders live in a temporary directory, removed at the end.

Every command gets --data DIR and --as-of = the date of the last journal entry, NO_COLOR=1,
COLUMNS=100 and output to /dev/null. Each (size, command) is run once untimed (warm-up: page
cache, .pyc) and then --runs times; the median wall time, median CPU time (user+sys of the child)
and the largest peak RSS (os.wait4 of that one child) are reported, with the ratio to the floor
(benchmarks/floor.py: read + pydantic-validate the same files) of the same size and to `python -c pass`.
Each command is forked by a small helper process so that its peak RSS is its own (see HELPER).
Every command except the warm `cc status` runs with CC_NO_CACHE=1; a private CC_CACHE_DIR is always set,
so ~/.cache is never read or written. Reading the clock (for the report's date) is allowed here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402

CITY = {"groups": 12, "tasks": 1000, "units": 200}
SIZES = {
    "1": None,  # the bundled data/ folder
    "10": generate.scale_args(10),
    "100": generate.scale_args(100),
    "10k": {**CITY, "entries": 10_000},
    "full": {**CITY, "entries": 100_000},
    "fullp": {**CITY, "entries": 100_000, "problems": 20_000},
    "500k": {**CITY, "entries": 500_000},
}
SIZE_NAMES = {"1": "1×（内置数据）", "10": "10×", "100": "100×", "10k": "城市规模·1万条", "full": "城市规模·10万条",
              "fullp": "城市规模·10万条+问题清单", "500k": "城市规模·50万条"}
COMMANDS = ["python -c pass", "modelfloor", "floor", "stdfloor", "cc validate", "cc status（冷）", "cc status（热）",
            "cc status（写入后）", "cc status（拉取后）", "cc units", "cc problem list --overdue", "cc problem list",
            "cc report xlsx", "cc report html", "cc log（冷）", "cc log（热）", "cc log（拉取后）", "cc problem fix（热）",
            "cc problem fix（拉取后）"]
# Sizes whose cold target compares cold status with stdfloor: both timed in turn (measure_pair),
# this many times at least.
PAIRED = {"full": 7, "fullp": 7}
GROWTH_PAIR = ("10k", "500k")  # the sizes whose reads after a pull the growth target compares, timed in turn
PAIRED_GROWTH = 5
# At 500,000 entries only what the growth target compares (a cold run takes ~15 s there).
GROWTH_ONLY = {"python -c pass", "stdfloor", "cc status（冷）", "cc status（热）", "cc status（拉取后）"}


# ------------------------------------------------------------------ running


def cc_command() -> list[str]:
    """The console script next to this interpreter (what a user runs), else python -m."""
    script = Path(sys.executable).parent / "cc"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script)]
    return [sys.executable, "-m", "chuangcheng_cli"]


@dataclass
class Result:
    size: str
    command: str
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    rss_kb: list[int] = field(default_factory=list)
    error: str = ""
    # run k's wall and CPU time over run k of the command it was timed in turn with (measure_pair)
    pair_walls: list[float] = field(default_factory=list)
    pair_cpus: list[float] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(self.walls) if self.walls else float("nan")

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus) if self.cpus else float("nan")

    @property
    def rss_mb(self) -> float:
        return max(self.rss_kb) / 1024 if self.rss_kb else float("nan")


# A child's peak RSS (ru_maxrss) also counts the memory of the process it was forked from, until
# its exec: forked straight from this script (which holds generated data) every command would
# "use" 200 MB. So each command is forked by a small, freshly exec'd helper (python -S -I,
# about 8 MB, less than `python -c pass` itself), which times it and reads its os.wait4 rusage.
HELPER = """
import os, sys, time
out, argv = sys.argv[1], sys.argv[2:]
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execv(argv[0], argv)
    finally:
        os._exit(127)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
with open(out, "w") as fh:
    fh.write(f"{wall} {ru.ru_utime + ru.ru_stime} {ru.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_once(argv: list[str], env: dict, errfile: Path) -> tuple[float, float, int, int]:
    """(wall seconds, user+sys seconds, max RSS KB, exit code) of one child, measured with os.wait4."""
    report = errfile.with_name("rusage.txt")
    report.unlink(missing_ok=True)
    with open(os.devnull, "wb") as out, open(errfile, "wb") as err:
        code = subprocess.call([sys.executable, "-S", "-I", "-c", HELPER, str(report), *argv],
                               stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=ROOT)
    if code != 0 or not report.exists():
        return 0.0, 0.0, 0, code or 1
    wall, cpu, rss, code = report.read_text().split()
    return float(wall), float(cpu), int(rss), int(code)


def measure(result: Result, argv: list[str], env: dict, runs: int, work: Path, warmup: bool,
            before=None, after=None) -> Result:
    """Run argv (warm-up + runs times); before() prepares each run, after() may veto its outcome."""
    errfile = work / "stderr.txt"
    for i in range(runs + (1 if warmup else 0)):
        if before:
            before()
        wall, cpu, rss, code = run_once(argv, env, errfile)
        problem = "" if code == 0 else f"exit {code}"
        if not problem and after:
            problem = after()
        if problem:
            tail = errfile.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            result.error = f"{problem}: {' | '.join(tail)}"[:300]
            print(f"  失败 {result.size} {result.command}: {result.error}", file=sys.stderr)
            return result
        if warmup and i == 0:
            continue
        result.walls.append(wall)
        result.cpus.append(cpu)
        result.rss_kb.append(rss)
    return result


def restorer(data: Path, copy: Path, store: Path, snapshot: Path, pulled: bytes = b""):
    """A function making copy a fresh copy of data's files and store the snapshot taken after a
    cc status on it, then adding pulled to the copy's journal (a pull since)."""
    def restore() -> None:
        shutil.rmtree(copy, ignore_errors=True)
        copy.mkdir()
        for name in ("units.yaml", "tasklist.yaml", "journal.jsonl"):
            shutil.copyfile(data / name, copy / name)
        shutil.rmtree(store, ignore_errors=True)
        shutil.copytree(snapshot, store)
        if pulled:
            with open(copy / "journal.jsonl", "ab") as fh:
                fh.write(pulled)
    return restore


def measure_pair(a: Result, argv_a: list[str], b: Result, argv_b: list[str], env: dict, runs: int, work: Path,
                 warmup: bool, env_b: dict | None = None, before_a=None, before_b=None) -> None:
    """Time b and a in turn (a, b, a, b …, after a warm-up of each), so that a ratio b / a compares
    runs made under the same conditions: a floor that reads a whole journal into memory varies by
    ±15 % from minute to minute on a shared machine, and timed in a block of its own it may meet a
    quieter or a busier minute than the command held against it. b.pair_walls gets each pair's ratio.
    env_b: b's environment when not env; before_a, before_b: prepare each run of a, of b."""
    errfile = work / "stderr.txt"
    for i in range(runs + (1 if warmup else 0)):
        timed = []
        for result, argv, run_env, before in ((a, argv_a, env, before_a), (b, argv_b, env_b or env, before_b)):
            if before:
                before()
            wall, cpu, rss, code = run_once(argv, run_env, errfile)
            if code != 0:
                tail = errfile.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
                result.error = f"exit {code}: {' | '.join(tail)}"[:300]
                print(f"  失败 {result.size} {result.command}: {result.error}", file=sys.stderr)
                return
            timed.append((result, wall, cpu, rss))
        if warmup and i == 0:
            continue
        for result, wall, cpu, rss in timed:
            result.walls.append(wall)
            result.cpus.append(cpu)
            result.rss_kb.append(rss)
        b.pair_walls.append(timed[1][1] / timed[0][1])
        b.pair_cpus.append(timed[1][2] / timed[0][2])


# ----------------------------------------------------------------- the data


def last_state(data: Path) -> tuple[str, str, str, int, str]:
    """(last journal date, task, its lead unit, next percent, who last reported it: a person the
    roster lets report for that unit) for a `cc log` that must succeed: a task its lead reported
    last (a co-unit's report, which the generated journal holds as older records may, is refused)."""
    percent: dict[str, int] = {}
    unit: dict[str, str] = {}
    reporter: dict[str, str] = {}
    verified: set[str] = set()
    last = ""
    with open(data / "journal.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            e = json.loads(line)
            last = max(last, e["date"])
            kind, task = e["kind"], e.get("task")
            if kind == "progress":
                percent[task], unit[task], reporter[task] = e["percent"], e["unit"], e["by"]
                if e["percent"] < 100:
                    verified.discard(task)
            elif kind == "verify":
                verified.add(task)
            elif kind == "reopen":
                verified.discard(task)
    import yaml  # the task's lead: a co-unit's report is refused (cc log: the lead reports for the task)

    with open(data / "tasklist.yaml", encoding="utf-8") as fh:
        leads = {t["id"]: t["lead"] for t in yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))["tasks"]}
    candidates = sorted(t for t, p in percent.items() if t not in verified and p < 100 and unit[t] == leads.get(t))
    if not candidates:
        raise SystemExit(f"{data}: no task that can take a progress report")
    task = candidates[len(candidates) // 2]
    return last, task, unit[task], percent[task] + 1, reporter[task]


def open_problem(data: Path) -> tuple[str, str] | None:
    """(id, who last reported a fix for its unit) of a problem still 整改中 with no fix waiting, for
    a `cc problem fix` that must succeed; None when the journal has none (no problem list)."""
    unit: dict[str, str] = {}
    waiting: set[str] = set()
    closed: set[str] = set()
    fixer: dict[str, str] = {}
    with open(data / "journal.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            e = json.loads(line)
            kind = e["kind"]
            if kind == "problem":
                unit[e["problem"]] = e["unit"]
            elif kind == "fix":
                waiting.add(e["problem"])
                fixer[e["unit"]] = e["by"]
            elif kind == "recheck":
                waiting.discard(e["problem"])
                if e.get("passed"):
                    closed.add(e["problem"])
            elif kind == "void":
                return None  # a voided entry would need the rules to tell what still counts
    candidates = sorted(p for p, u in unit.items() if p not in waiting and p not in closed and u in fixer)
    if not candidates:
        return None
    pid = candidates[len(candidates) // 2]
    return pid, fixer[unit[pid]]


PULLED = 200  # lines another unit's branch adds before "cc log（拉取后）" (about two days of a city)


def pulled_lines(data: Path, day: str, skip: str, count: int = PULLED) -> bytes:
    """Valid progress reports from elsewhere, as a pull or a union merge would add them: one per
    open task (not skip), at its current percent, reported by the unit that last reported it."""
    percent: dict[str, int] = {}
    unit: dict[str, str] = {}
    reporter: dict[str, str] = {}
    closed: set[str] = set()
    with open(data / "journal.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            e = json.loads(line)
            kind, task = e["kind"], e.get("task")
            if kind == "progress":
                percent[task], unit[task], reporter[task] = e["percent"], e["unit"], e["by"]
            elif kind == "verify":
                closed.add(task)
            elif kind == "reopen":
                closed.discard(task)
    tasks = [t for t in sorted(percent) if t != skip and t not in closed and percent[t] < 100][:count]
    stamp = day.replace("-", "")
    return "".join(json.dumps({"id": f"{stamp}-f{n:07x}", "kind": "progress", "date": day,
                               "at": f"{day}T09:00:00+08:00", "by": reporter[t], "task": t, "unit": unit[t],
                               "percent": percent[t], "note": "基准测试：其他分支的报送"},
                              ensure_ascii=False, separators=(",", ":")) + "\n"
                   for n, t in enumerate(tasks)).encode()


def prepare_sizes(names: list[str], tmp: Path) -> dict[str, Path]:
    folders = {}
    for name in names:
        if SIZES[name] is None:
            folders[name] = ROOT / "data"
            continue
        t0 = time.perf_counter()
        folders[name] = generate.generate(tmp / f"size-{name}", seed=1, **SIZES[name])
        print(f"生成 {SIZE_NAMES[name]}：{SIZES[name]}（{time.perf_counter() - t0:.1f} s）", file=sys.stderr)
    return folders


def entry_count(data: Path) -> int:
    with open(data / "journal.jsonl", "rb") as fh:
        return sum(1 for line in fh if line.strip())


# -------------------------------------------------------------- the machine


def machine() -> dict:
    info = {"cpu": platform.processor() or platform.machine(), "cores": os.cpu_count(), "ram": "?"}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram"] = f"{int(line.split()[1]) / 1048576:.1f} GiB"
                break
    except OSError:
        pass
    versions = {}
    for dist in ("chuangcheng-cli", "pydantic", "pydantic-core", "PyYAML", "typer", "rich", "openpyxl"):
        try:
            versions[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            versions[dist] = "未安装"
    info["versions"] = versions
    info["python"] = f"{platform.python_implementation()} {platform.python_version()}"
    info["os"] = platform.platform()
    try:
        info["git"] = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT, capture_output=True,
                                     text=True, timeout=10).stdout.strip() or "?"
    except (OSError, subprocess.SubprocessError):
        info["git"] = "?"
    info["load"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    return info


# -------------------------------------------------------------- the targets


@dataclass
class Target:
    text: str
    met: bool | None  # None: not measured in this run
    detail: str
    reference: bool = False  # a figure shown beside the targets, not one of them
    within: str = "1 s"  # a reference figure's line


def check_targets(results: dict, entries: dict, growth: tuple | None = None) -> list[Target]:
    """Issue 13's targets (and issue 12's for the problem list), each with its figure. growth: the
    reads after a pull at the two GROWTH_PAIR sizes timed in turn (their ratio decides)."""
    def get(size, cmd) -> Result | None:
        r = results.get((size, cmd))
        return r if r is not None and r.walls else None

    def ratio_text(a: Result, b: Result, name_b: str) -> str:
        return (f"{a.wall:.3f} s / {name_b} {b.wall:.3f} s = {a.wall / b.wall:.2f}×"
                f"（CPU {a.cpu:.3f} s / {b.cpu:.3f} s = {a.cpu / b.cpu:.2f}×）")

    targets = []
    for size in ("full", "fullp"):
        name = SIZE_NAMES[size]
        pull, warm = get(size, "cc status（拉取后）"), get(size, "cc status（热）")
        text = f"{name}：拉取 {PULLED} 条后的 cc status ≤ 0.5 s 且 ≤ 3 × 热缓存"
        if pull is None or warm is None:
            targets.append(Target(text, None, "本次未测"))
        else:
            detail = ratio_text(pull, warm, "热缓存")
            model = get(size, "modelfloor")
            if model is not None:  # what validating the pulled lines with the model costs at least
                detail += f"；3 × 热缓存 = {3 * warm.wall:.3f} s，由 pydantic 生成校验器的下限（modelfloor）{model.wall:.3f} s"
            targets.append(Target(text, pull.wall <= 0.5 and pull.wall <= 3 * warm.wall, detail))
        cold, floor = get(size, "cc status（冷）"), get(size, "stdfloor")
        text = f"{name}：cc status（冷）≤ 2 × 标准库下限（stdfloor）"
        if cold is None or floor is None:
            targets.append(Target(text, None, "本次未测"))
        elif cold.pair_walls:  # timed in turn: the median of the pairs' ratios, and their spread
            ratio = statistics.median(cold.pair_walls)
            targets.append(Target(text, ratio <= 2, (
                f"与 stdfloor 交替计时 {len(cold.pair_walls)} 对，每对之比的中位数 {ratio:.2f}×"
                f"（{min(cold.pair_walls):.2f}–{max(cold.pair_walls):.2f}×；CPU {statistics.median(cold.pair_cpus):.2f}×）；"
                f"中位数 {cold.wall:.3f} s / {floor.wall:.3f} s")))
        else:
            targets.append(Target(text, cold.wall <= 2 * floor.wall, ratio_text(cold, floor, "stdfloor")))
        measured = [r for (sz, cmd), r in results.items() if sz == size and r.rss_kb and cmd.startswith("cc ")]
        text = f"{name}：峰值内存 ≤ 300 MB（所有 cc 命令）"
        if measured:
            top = max(measured, key=lambda r: r.rss_mb)
            targets.append(Target(text, top.rss_mb <= 300, f"最大 {top.rss_mb:.0f} MB（{top.command}）"))
        else:
            targets.append(Target(text, None, "本次未测"))
        xlsx = get(size, "cc report xlsx")
        text = f"{name}：cc report xlsx < 10 s"
        targets.append(Target(text, None, "本次未测") if xlsx is None else
                       Target(text, xlsx.wall < 10, f"{xlsx.wall:.2f} s（CPU {xlsx.cpu:.2f} s）"))
        status = get(size, "cc status（冷）")
        for cmd in ("cc problem list --overdue", "cc units"):
            r = get(size, cmd)
            text = f"{name}：{cmd}（冷）≤ 2 × cc status（冷）（问题 12）"
            targets.append(Target(text, None, "本次未测") if r is None or status is None else
                           Target(text, r.wall <= 2 * status.wall, ratio_text(r, status, "cc status（冷）")))
    base = get("1", "python -c pass")
    for cmd, limit in (("cc status（写入后）", 10), ("cc status（热）", 4)):
        r = get("1", cmd)
        text = f"内置数据：{cmd} ≤ {limit} × python -c pass"
        targets.append(Target(text, None, "本次未测") if r is None or base is None else
                       Target(text, r.wall <= limit * base.wall, ratio_text(r, base, "python -c pass")))
    a, b = "10k", "500k"
    if get(a, "cc status（冷）") and get(b, "cc status（冷）"):
        grow = entries[b] / entries[a]
        cold_a, cold_b = get(a, "cc status（冷）"), get(b, "cc status（冷）")
        g = cold_b.wall / cold_a.wall
        targets.append(Target(f"增长：{SIZE_NAMES[a]} → {SIZE_NAMES[b]}（条数 {grow:.0f}×），cc status（冷）不超过线性",
                              g <= grow, f"{g:.1f}×（CPU {cold_b.cpu / cold_a.cpu:.1f}×）"))
        pa, pb = get(a, "cc status（拉取后）"), get(b, "cc status（拉取后）")
        text = f"增长：{SIZE_NAMES[a]} → {SIZE_NAMES[b]}，拉取后的 cc status 持平（≤ 1.5×）"
        if growth is not None:
            pa, pb = growth
            g, walls = statistics.median(pb.pair_walls), pb.pair_walls
            targets.append(Target(text, g <= 1.5, f"两档交替计时 {len(walls)} 对，每对之比的中位数 {g:.2f}×"
                                  f"（{min(walls):.2f}–{max(walls):.2f}×；CPU {statistics.median(pb.pair_cpus):.2f}×）；"
                                  f"中位数 {pa.wall:.2f} s → {pb.wall:.2f} s"))
        elif pa and pb:
            g = pb.wall / pa.wall
            targets.append(Target(text, g <= 1.5, f"{pa.wall:.2f} s → {pb.wall:.2f} s，{g:.1f}×（CPU {pb.cpu / pa.cpu:.1f}×）"))
    else:
        targets.append(Target("增长：1万条 → 50万条", None, "本次未测"))
    for size in ("full", "fullp"):  # the leaders' page: a weekly chart over the whole campaign
        r = get(size, "cc report html")
        targets.append(Target(f"{SIZE_NAMES[size]}：cc report html < 10 s", None if r is None else r.wall < 10,
                              "本次未测" if r is None else f"{r.wall:.2f} s（CPU {r.cpu:.2f} s）", reference=True,
                              within="10 s"))
    for cmd, limit in (("cc problem list", 5), ("cc problem fix（拉取后）", 2)):
        r = get("fullp", cmd)
        targets.append(Target(f"{SIZE_NAMES['fullp']}：{cmd} < {limit} s", None if r is None else r.wall < limit,
                              "本次未测" if r is None else f"{r.wall:.2f} s（CPU {r.cpu:.2f} s）", reference=True,
                              within=f"{limit} s"))
    for cmd, how in (("cc log（热）", "存储中已有该日志的状态：只查所涉任务"),
                     ("cc log（拉取后）", f"状态之后日志末尾又多了 {PULLED} 条别处的记录，只补查这些")):
        r = get("full", cmd)
        targets.append(Target(f"{SIZE_NAMES['full']} {cmd}（追加一条；{how}）< 1 s", None if r is None else r.wall < 1,
                              "本次未测" if r is None else f"{r.wall:.2f} s（CPU {r.cpu:.2f} s）", reference=True))
    return targets


# ---------------------------------------------------------------- reporting


def fmt_ratio(value: float) -> str:
    return "—" if value != value else f"{value:.2f}×"


def table_rows(results: dict, sizes: list[str], entries: dict) -> list[list[str]]:
    rows = []
    for size in sizes:
        floor = results.get((size, "stdfloor"))
        base = results.get((size, "python -c pass"))
        for cmd in COMMANDS:
            r = results.get((size, cmd))
            if r is None:
                continue
            label = f"{SIZE_NAMES[size]}（{entries[size]:,} 条）"
            if r.error:
                rows.append([label, cmd, "失败", "", "", "", "", r.error])
                continue
            vs_floor = r.wall / floor.wall if floor and floor.walls and cmd != "stdfloor" else float("nan")
            vs_pass = r.wall / base.wall if base and base.walls and cmd != "python -c pass" else float("nan")
            rows.append([label, cmd, f"{r.wall:.3f}", f"{r.cpu:.3f}", f"{r.rss_mb:.0f}", fmt_ratio(vs_floor),
                         fmt_ratio(vs_pass), str(len(r.walls))])
    return rows


HEADER = ["规模", "命令", "墙钟中位数 s", "CPU 中位数 s", "峰值内存 MB", "÷ stdfloor", "÷ python -c pass", "次数"]


def print_table(rows: list[list[str]]) -> None:
    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)

    cols = [max(width(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for row in [HEADER, *rows]:
        print("  ".join(cell + " " * (cols[i] - width(cell)) for i, cell in enumerate(row)).rstrip())


def markdown(info: dict, rows: list[list[str]], targets: list[Target], args, started: dt.datetime,
             seconds: float, entries: dict, sizes: list[str], log_tasks: dict, as_of: dict) -> str:
    v = info["versions"]
    load = info["load"]
    out = [
        "# 性能基准（benchmarks）",
        "",
        "本文件由 `python benchmarks/run.py` 生成，请勿手工编辑；重新运行即可更新。",
        "",
        "## 运行方法",
        "",
        "```bash",
        "python benchmarks/run.py            # 全部规模：1×、10×、100×、城市规模1万条、10万条、10万条+问题清单、50万条",
        "python benchmarks/run.py --quick    # 冒烟：只测 1× 和 10×，每项 3 次",
        "python benchmarks/run.py --sizes 1,full --runs 7",
        "python benchmarks/generate.py OUT_DIR [--groups 12] [--tasks 1000] [--units 200] [--entries 100000] [--seed 1] [--problems 0]",
        "python benchmarks/generate.py OUT_DIR --scale 10   # 10 倍内置数据",
        "python benchmarks/floor.py DATA_DIR     # 下限：只读文件并用同一套 pydantic 模型校验",
        "python benchmarks/stdfloor.py DATA_DIR  # 标准库下限：整本日志一次 json.loads，两个 YAML 用 CSafeLoader",
        "python benchmarks/modelfloor.py         # 校验器下限：导入 pydantic 和记录模型、建好日志的校验器，不读数据",
        "```",
        "",
        "## 测试环境",
        "",
        f"- 运行时间：{started:%Y-%m-%d %H:%M:%S %z}（耗时 {seconds / 60:.1f} 分钟）",
        f"- CPU：{info['cpu']}，{info['cores']} 核；内存 {info['ram']}",
        f"- 系统：{info['os']}；Python：{info['python']}",
        f"- 版本：chuangcheng-cli {v['chuangcheng-cli']}（git {info['git']}），pydantic {v['pydantic']}"
        f"（pydantic-core {v['pydantic-core']}），PyYAML {v['PyYAML']}，typer {v['typer']}，rich {v['rich']}，"
        f"openpyxl {v['openpyxl']}",
        f"- 开始时系统负载（1/5/15 分钟）：{' / '.join(f'{x:.2f}' for x in load) if load else '未知'}；"
        f"结束时：{' / '.join(f'{x:.2f}' for x in os.getloadavg()) if load else '未知'}",
        f"- 每项先空跑 1 次（预热），再计时 {args.runs} 次"
        f"{f'（城市规模 10 万条 {args.full_runs} 次，50 万条 1 次）' if 'full' in sizes else ''}；"
        "墙钟时间与 CPU 时间（子进程 user+sys）取中位数，峰值内存取各次最大 RSS（os.wait4）。",
        f"- 城市规模两档的 stdfloor 与 cc status（冷）交替计时（各 {max(PAIRED.values())} 次以上，每次先下限、后 cc），"
        "冷启动目标取每对之比的中位数：标准库下限把整本日志读进内存，同一台机器上分钟之间就相差 ±15%，"
        "分开成两段计时时，两者可能碰上忙闲不同的时段。",
        f"- 增长目标的拉取后读取也在两档都测完后交替计时（1万条、50万条各 {PAIRED_GROWTH} 次以上），取每对之比的中位数"
        "（分两段计时时，一次 1万条那段恰逢机器慢了四成，比值从 2.0× 变成 1.2×）。",
        "",
        "机器负载较高时墙钟时间会偏大，CPU 时间受影响较小，可对照阅读。",
        "",
        "## 数据规模",
        "",
        "| 规模 | 来源 | 日志条数 | --as-of | cc log 任务 |",
        "|---|---|---|---|---|",
    ]
    for size in sizes:
        src = "仓库 data/ 目录" if SIZES[size] is None else (
            "generate.py " + " ".join(f"--{k} {val}" for k, val in SIZES[size].items()) + " --seed 1")
        out.append(f"| {SIZE_NAMES[size]} | {src} | {entries[size]:,} | {as_of[size]} | {log_tasks.get(size, '')} |")
    out += [
        "",
        "## 结果",
        "",
        "“÷ stdfloor”：与同一规模、同一次运行中 `benchmarks/stdfloor.py`（标准库下限：整本日志一次 json.loads，"
        "两个 YAML 文件用 CSafeLoader，不校验）的墙钟时间之比；“÷ python -c pass”：与空解释器启动时间之比。"
        "floor（`benchmarks/floor.py`）是逐行 json.loads、逐条用同一套模型校验的耗时，作参考。"
        "modelfloor（`benchmarks/modelfloor.py`）只导入 pydantic 和记录模型、由 pydantic 生成日志记录的校验器，不读数据："
        "不用缓存时校验任何一行至少要花这些时间。拉取后的读取用缓存中保存的核心模式建校验器（store/state.py，"
        "约 4 ms，不再由 pydantic 生成），仍要导入 pydantic 和记录模型。",
        "",
        "日志小于 256 KB（约一千条）时不建状态（store/state.py）、直接全量校验，因为那样更快；"
        "所以 1× 规模下 cc log 的“热”“拉取后”与“冷”相差无几，cc status（拉取后）也是全量运行。",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    for row in rows:
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    out += [
        "",
        "命令（均加 `--data 目录 --as-of 日期`，环境变量 NO_COLOR=1、COLUMNS=100，输出重定向到 /dev/null）：",
        "",
        "- 子进程不带 PYTHONDONTWRITEBYTECODE，字节码缓存写到临时目录（PYTHONPYCACHEPREFIX），与用户机器上一样"
        "由预热那一次生成；",
        "- `cc validate`：`cc --as-of 日期 validate --data 目录`（validate 本身不按日期计算）；",
        "- `cc status（冷）`：CC_NO_CACHE=1；`cc status（热）`：新建的 CC_CACHE_DIR，先运行一次同样的命令，再计时"
        "（打印上次的输出）；",
        "- `cc units`、`cc problem list --overdue`、`cc report xlsx --out 临时目录/r.xlsx --force`：CC_NO_CACHE=1；",
        "- 以下各项每次都在数据目录的新副本上运行（复制不计时），存储目录（CC_CACHE_DIR）每次恢复为"
        "“在该副本上运行过一次 cc status 之后”的样子（状态、日志的累积结果 store/folds.py、视图、输出都在）：",
        "  - `cc status（写入后）`：先运行一次 `cc log`（不计时），再计时 `cc status`；",
        f"  - `cc status（拉取后）`：日志末尾先加上 {PULLED} 条（或全部未完成任务数，取少者）其他单位的进度报送"
        "（模拟 git pull / 合并带来的新行；都记在最后一天 09:00，所以其中一些早于同一任务当天已有的记录，"
        "这些任务要从累积结果的标记处重新累积：store/folds.py），再计时 `cc status`；",
        "  - `cc log 任务 --unit 单位 --percent 上次+1 --note … --by 该单位联络员`，并核对日志恰好多了一行："
        "`cc log（冷）` 为 CC_NO_CACHE=1，每次全量校验；`cc log（热）` 使用恢复的存储；"
        f"`cc log（拉取后）` 同样恢复存储，但日志末尾先加上那 {PULLED} 条；",
        "  - 有问题清单时，`cc problem fix 问题 --note … --by 该单位报过整改的人`（一个整改中、未报整改的问题），"
        "`（热）`、`（拉取后）` 与 cc log 相同。",
        "- `cc problem list`：不加筛选的整个问题清单，CC_NO_CACHE=1。",
        "",
        "## 目标",
        "",
        "| 目标 | 是否达到 | 实测 |",
        "|---|---|---|",
    ]
    for t in targets:
        mark = "未测" if t.met is None else ("✅ 达到" if t.met else "❌ 未达到")
        if t.reference and t.met is not None:
            mark = f"参考：在 {t.within} 内" if t.met else f"参考：超过 {t.within}"
        out.append(f"| {t.text} | {mark} | {t.detail} |")
    if any(t.reference for t in targets):
        out += ["", "“参考”行不计入目标，供对照：cc log 两行是上一版的目标；cc report html 两行看领导阅览页的周进度图"
                    "（整个创建周期每周一个点）是否随记录增长变慢；问题清单两行是有问题清单后最常用的两条命令"
                    "（列出清单，单位报整改完成）。"]
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=None, help="timed runs per (size, command); default 5 (3 with --quick)")
    ap.add_argument("--full-runs", type=int, default=None, help="timed runs at the full city size; default min(runs, 3)")
    ap.add_argument("--quick", action="store_true", help="1× and 10× only, 3 runs: a smoke run")
    ap.add_argument("--sizes", help="comma-separated, from: " + ",".join(SIZES))
    ap.add_argument("--no-warmup", action="store_true", help="skip the untimed first run of each command")
    ap.add_argument("--out", type=Path, default=ROOT / "BENCHMARKS.md", help="the Markdown report (default BENCHMARKS.md)")
    ap.add_argument("--keep", action="store_true", help="keep the generated data folders")
    args = ap.parse_args(argv)
    sizes = args.sizes.split(",") if args.sizes else (["1", "10"] if args.quick else list(SIZES))
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        ap.error(f"unknown size {unknown}; choose from {','.join(SIZES)}")
    sizes = [s for s in SIZES if s in sizes]
    args.runs = args.runs or (3 if args.quick else 5)
    args.full_runs = args.full_runs or min(args.runs, 3)

    started = dt.datetime.now().astimezone()
    t_start = time.perf_counter()
    info = machine()
    cc = cc_command()
    tmp = Path(tempfile.mkdtemp(prefix="cc-bench-"))
    print(f"cc = {' '.join(cc)}；临时目录 {tmp}", file=sys.stderr)
    results: dict[tuple[str, str], Result] = {}
    pulls: dict[str, tuple] = {}  # size → (argv, env, prepare) of its read after a pull (GROWTH_PAIR)
    growth = None
    entries: dict[str, int] = {}
    log_tasks: dict[str, str] = {}
    as_of: dict[str, str] = {}
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("CC_") and k != "PYTHONDONTWRITEBYTECODE"}
    # bytecode is cached as on a user's machine, but in the temporary directory, never in the source tree
    base_env.update(NO_COLOR="1", COLUMNS="100", CC_CACHE_DIR=str(tmp / "cache-unused"),
                    PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    try:
        folders = prepare_sizes(sizes, tmp)
        for size in sizes:
            data = folders[size]
            runs = {"full": args.full_runs, "fullp": args.full_runs, "500k": 1}.get(size, args.runs)
            entries[size] = entry_count(data)
            day, task, unit, pct, by = last_state(data)
            as_of[size] = day
            log_tasks[size] = f"{task}（{unit}，{pct}%）"
            work = tmp / f"work-{size}"
            work.mkdir()
            print(f"== {SIZE_NAMES[size]}：{entries[size]:,} 条，--as-of {day}，{runs} 次", file=sys.stderr)
            cold = {**base_env, "CC_NO_CACHE": "1"}
            common = ["--data", str(data), "--as-of", day]
            wanted = GROWTH_ONLY if size == "500k" else set(COMMANDS)

            def go(cmd: str, argv: list[str], env: dict, **kw) -> None:
                if cmd not in wanted:
                    return
                r = measure(Result(size, cmd), argv, env, runs, work, not args.no_warmup, **kw)
                results[(size, cmd)] = r
                if r.walls:
                    print(f"  {cmd:<16} {r.wall:7.3f} s  cpu {r.cpu:6.3f} s  {r.rss_mb:6.0f} MB", file=sys.stderr)

            go("python -c pass", [sys.executable, "-c", "pass"], base_env)
            go("modelfloor", [sys.executable, str(HERE / "modelfloor.py")], base_env)
            go("floor", [sys.executable, str(HERE / "floor.py"), str(data)], base_env)
            floor_argv = [sys.executable, str(HERE / "stdfloor.py"), str(data)]
            if size in PAIRED:  # the cold target's ratio: the floor and cold status timed in turn
                pair = Result(size, "stdfloor"), Result(size, "cc status（冷）")
                measure_pair(pair[0], floor_argv, pair[1], [*cc, "status", *common], cold, max(runs, PAIRED[size]),
                             work, not args.no_warmup)
                for r in pair:
                    results[(size, r.command)] = r
                    if r.walls:
                        print(f"  {r.command:<16} {r.wall:7.3f} s  cpu {r.cpu:6.3f} s  {r.rss_mb:6.0f} MB"
                              f"（与 stdfloor 交替计时）", file=sys.stderr)
            else:
                go("stdfloor", floor_argv, base_env)
            go("cc validate", [*cc, "--as-of", day, "validate", "--data", str(data)], cold)
            if size not in PAIRED:
                go("cc status（冷）", [*cc, "status", *common], cold)
            warm_env = {**base_env, "CC_CACHE_DIR": str(work / "cache")}
            fill = run_once([*cc, "status", *common], warm_env, work / "stderr.txt")
            if fill[3] != 0:
                results[(size, "cc status（热）")] = Result(size, "cc status（热）", error=f"填充缓存失败 exit {fill[3]}")
            else:
                go("cc status（热）", [*cc, "status", *common], warm_env)
            go("cc units", [*cc, "units", *common], cold)
            go("cc problem list --overdue", [*cc, "problem", "list", "--overdue", *common], cold)
            go("cc problem list", [*cc, "problem", "list", *common], cold)
            go("cc report xlsx", [*cc, "report", "xlsx", "--out", str(work / "r.xlsx"), "--force", *common], cold)
            go("cc report html", [*cc, "report", "html", "--out", str(work / "r.html"), "--force", *common], cold)

            copy = work / "copy"
            lines_before = entries[size]

            def fresh_copy() -> None:
                shutil.rmtree(copy, ignore_errors=True)
                copy.mkdir()
                for name in ("units.yaml", "tasklist.yaml", "journal.jsonl"):
                    shutil.copyfile(data / name, copy / name)

            def appended_one() -> str:
                n = entry_count(copy)
                return "" if n == lines_before + 1 else f"日志应为 {lines_before + 1} 行，实际 {n} 行"

            log = [*cc, "log", task, "--unit", unit, "--percent", str(pct), "--note", "基准测试：进度报送",
                   "--by", by, "--data", str(copy), "--as-of", day]
            go("cc log（冷）", log, cold, before=fresh_copy, after=appended_one)
            pulled = pulled_lines(data, day, task)
            n_pulled = pulled.count(b"\n")

            # The store as a day's work leaves it: a status was run on the copy (its state, view and
            # output are there). Each run starts from a fresh copy and from that same store.
            store, store_snapshot = work / "cache-store", work / "cache-store-filled"
            fresh_copy()
            fill = run_once([*cc, "status", "--data", str(copy), "--as-of", day],
                            {**base_env, "CC_CACHE_DIR": str(store)}, work / "stderr.txt")
            store.mkdir(exist_ok=True)
            shutil.copytree(store, store_snapshot)
            store_env = {**base_env, "CC_CACHE_DIR": str(store)}

            fresh_copy_and_store = restorer(data, copy, store, store_snapshot)
            fresh_copy_store_and_pull = restorer(data, copy, store, store_snapshot, pulled)

            def after_a_log() -> None:
                fresh_copy_and_store()
                done = subprocess.run(log, env=store_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                if done.returncode != 0:
                    raise SystemExit(f"cc log failed before cc status（写入后）: exit {done.returncode}")

            def appended_after_pull() -> str:
                n = entry_count(copy)
                want = lines_before + n_pulled + 1
                return "" if n == want else f"日志应为 {want} 行，实际 {n} 行"

            status_copy = [*cc, "status", "--data", str(copy), "--as-of", day]
            if fill[3] != 0:
                for cmd in ("cc status（写入后）", "cc status（拉取后）", "cc log（热）", "cc log（拉取后）"):
                    results[(size, cmd)] = Result(size, cmd, error=f"填充缓存失败 exit {fill[3]}")
            else:
                go("cc status（写入后）", status_copy, store_env, before=after_a_log)
                go("cc status（拉取后）", status_copy, store_env, before=fresh_copy_store_and_pull)
                if size in GROWTH_PAIR:  # timed again in turn with the other size, once both are ready
                    pulls[size] = (status_copy, store_env, fresh_copy_store_and_pull)
                go("cc log（热）", log, store_env, before=fresh_copy_and_store, after=appended_one)
                go("cc log（拉取后）", log, store_env, before=fresh_copy_store_and_pull, after=appended_after_pull)
                problem = open_problem(data)
                if problem is not None:  # the daily write of a unit once the problem list is kept
                    fix = [*cc, "problem", "fix", problem[0], "--note", "基准测试：整改完成", "--by", problem[1],
                           "--data", str(copy), "--as-of", day]
                    go("cc problem fix（热）", fix, store_env, before=fresh_copy_and_store, after=appended_one)
                    go("cc problem fix（拉取后）", fix, store_env, before=fresh_copy_store_and_pull,
                       after=appended_after_pull)
        if all(size in pulls for size in GROWTH_PAIR):
            # the growth target's ratio: a read after a pull at each size, timed in turn (the two
            # sizes are minutes apart, and a minute's load moved the ratio between runs by half)
            a, b = GROWTH_PAIR
            growth = Result(a, "cc status（拉取后）"), Result(b, "cc status（拉取后）")
            (argv_a, env_a, prep_a), (argv_b, env_b, prep_b) = pulls[a], pulls[b]
            measure_pair(growth[0], argv_a, growth[1], argv_b, env_a, max(args.runs, PAIRED_GROWTH), tmp,
                         not args.no_warmup, env_b=env_b, before_a=prep_a, before_b=prep_b)
            if growth[0].error or growth[1].error:
                growth = None
            else:
                print(f"  增长配对 {len(growth[1].pair_walls)} 对，之比中位数 "
                      f"{statistics.median(growth[1].pair_walls):.2f}×", file=sys.stderr)
    finally:
        if args.keep:
            print(f"保留生成的数据：{tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    rows = table_rows(results, sizes, entries)
    print_table(rows)
    targets = check_targets(results, entries, growth)
    print()
    for t in targets:
        mark = "未测" if t.met is None else ("达到" if t.met else "未达到")
        if t.reference and t.met is not None:
            mark = "参考"
        print(f"[{mark}] {t.text}：{t.detail}")
    seconds = time.perf_counter() - t_start
    text = markdown(info, rows, targets, args, started, seconds, entries, sizes, log_tasks, as_of)
    tmp_out = args.out.with_name(f".{args.out.name}.tmp")
    tmp_out.write_text(text, encoding="utf-8")
    os.replace(tmp_out, args.out)
    print(f"\n已写入 {args.out}（{seconds / 60:.1f} 分钟）", file=sys.stderr)
    return 1 if any(r.error for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
