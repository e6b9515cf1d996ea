"""Time the installed `cc` as real subprocesses at several data sizes; print a table and write BENCHMARKS.md.

    python benchmarks/run.py                 # 1×, 10×, 100×, 10k entries, full city size; 5 runs (3 at full)
    python benchmarks/run.py --quick         # 1× and 10× only, 3 runs: a smoke run
    python benchmarks/run.py --sizes 1,full --runs 7

Sizes: 1 = the bundled data/ folder of this repository; 10 and 100 = benchmarks/generate.py --scale N;
10k = the city plan (12 groups, 1,000 tasks, 200 units) with 10,000 journal entries; full = the
same plan with 100,000 entries. Generated folders live in a temporary directory, removed at the end.

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
}
SIZE_NAMES = {"1": "1×（内置数据）", "10": "10×", "100": "100×", "10k": "城市规模·1万条", "full": "城市规模·10万条"}
COMMANDS = ["python -c pass", "floor", "cc validate", "cc status（冷）", "cc status（热）", "cc units",
            "cc report xlsx", "cc log（冷）", "cc log（热）", "cc log（拉取后）"]


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


# ----------------------------------------------------------------- the data


def last_state(data: Path) -> tuple[str, str, str, int, str]:
    """(last journal date, task, its lead-or-reporting unit, next percent, who last reported it:
    a person the roster lets report for that unit) for a `cc log` that must succeed."""
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
    candidates = sorted(t for t, p in percent.items() if t not in verified and p < 100)
    if not candidates:
        raise SystemExit(f"{data}: no task that can take a progress report")
    task = candidates[len(candidates) // 2]
    return last, task, unit[task], percent[task] + 1, reporter[task]


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


def check_targets(results: dict, entries: dict) -> list[Target]:
    def get(size, cmd) -> Result | None:
        r = results.get((size, cmd))
        return r if r is not None and r.walls else None

    targets = []
    floor_full = get("full", "floor")
    for cmd in ("cc status（冷）", "cc validate"):
        r = get("full", cmd)
        if r is None or floor_full is None:
            targets.append(Target(f"城市规模（10万条）{cmd} ≤ 1.6 × floor 且 < 3 s", None, "本次未测"))
            continue
        ratio = r.wall / floor_full.wall
        targets.append(Target(f"城市规模（10万条）{cmd} ≤ 1.6 × floor 且 < 3 s", ratio <= 1.6 and r.wall < 3,
                              f"{r.wall:.2f} s，floor {floor_full.wall:.2f} s，{ratio:.2f}×"
                              f"（按 CPU 时间：{r.cpu:.2f} s / {floor_full.cpu:.2f} s = {r.cpu / floor_full.cpu:.2f}×）"))
    full = [r for (size, _), r in results.items() if size == "full" and r.rss_kb]
    if full:
        top = max(full, key=lambda r: r.rss_mb)
        targets.append(Target("城市规模峰值内存 < 400 MB（所有命令）", top.rss_mb < 400,
                              f"最大 {top.rss_mb:.0f} MB（{top.command}）"))
    else:
        targets.append(Target("城市规模峰值内存 < 400 MB（所有命令）", None, "本次未测"))
    for cmd, how, reference in (
            ("cc log（热）", "缓存中已有该日志的索引：追加不再全量校验", False),
            ("cc log（拉取后）", f"索引之后日志末尾又多了 {PULLED} 条别处的记录，只补查这些", True),
            ("cc log（冷）", "没有缓存（首次运行或 CC_NO_CACHE=1）：必须全量校验一次，与 cc validate 同量级", True)):
        r = get("full", cmd)
        failed = results.get(("full", cmd))
        name = f"城市规模 {cmd}（追加一条；{how}）< 1 s"
        if r is not None:
            targets.append(Target(name, r.wall < 1, f"{r.wall:.2f} s（CPU {r.cpu:.2f} s）", reference))
        else:
            targets.append(Target(name, False if failed and failed.error else None,
                                  f"失败：{failed.error}" if failed and failed.error else "本次未测", reference))
    small = "10k" if get("10k", "cc status（冷）") else "100"
    rows = []
    ok = True
    for cmd in ("cc validate", "cc status（冷）", "cc units", "cc report xlsx", "cc log（冷）", "cc log（热）"):
        a, b = get(small, cmd), get("full", cmd)
        if a is None or b is None:
            continue
        growth, limit = b.wall / a.wall, entries["full"] / entries[small]
        ok &= growth <= limit
        rows.append(f"{cmd} {growth:.2f}×（CPU {b.cpu / a.cpu:.2f}×）")
    if rows:
        targets.append(Target(f"时间增长不超过线性（{SIZE_NAMES[small]} → 10万条，条数 "
                              f"{entries['full'] / entries[small]:.1f}×）", ok, "；".join(rows)))
    else:
        targets.append(Target("时间增长不超过线性（1万 → 10万条）", None, "本次未测"))
    base = get("1", "python -c pass")
    for cmd, limit in (("cc status（冷）", 20), ("cc status（热）", 10)):
        r = get("1", cmd)
        name = f"内置数据 {cmd} ≤ {limit} × python -c pass"
        if r is None or base is None:
            targets.append(Target(name, None, "本次未测"))
            continue
        ratio = r.wall / base.wall
        targets.append(Target(name, ratio <= limit, f"{r.wall:.3f} s / {base.wall:.3f} s = {ratio:.1f}×"
                                                    f"（CPU {r.cpu / base.cpu:.1f}×）"))
    r = get("full", "cc status（热）")
    targets.append(Target("城市规模热缓存 cc status < 0.5 s", None if r is None else r.wall < 0.5,
                          "本次未测" if r is None else f"{r.wall:.2f} s（CPU {r.cpu:.2f} s）"))
    return targets


# ---------------------------------------------------------------- reporting


def fmt_ratio(value: float) -> str:
    return "—" if value != value else f"{value:.2f}×"


def table_rows(results: dict, sizes: list[str], entries: dict) -> list[list[str]]:
    rows = []
    for size in sizes:
        floor = results.get((size, "floor"))
        base = results.get((size, "python -c pass"))
        for cmd in COMMANDS:
            r = results.get((size, cmd))
            if r is None:
                continue
            label = f"{SIZE_NAMES[size]}（{entries[size]:,} 条）"
            if r.error:
                rows.append([label, cmd, "失败", "", "", "", "", r.error])
                continue
            vs_floor = r.wall / floor.wall if floor and floor.walls and cmd != "floor" else float("nan")
            vs_pass = r.wall / base.wall if base and base.walls and cmd != "python -c pass" else float("nan")
            rows.append([label, cmd, f"{r.wall:.3f}", f"{r.cpu:.3f}", f"{r.rss_mb:.0f}", fmt_ratio(vs_floor),
                         fmt_ratio(vs_pass), str(len(r.walls))])
    return rows


HEADER = ["规模", "命令", "墙钟中位数 s", "CPU 中位数 s", "峰值内存 MB", "÷ floor", "÷ python -c pass", "次数"]


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
        "python benchmarks/run.py            # 全部规模：1×、10×、100×、城市规模1万条、城市规模10万条",
        "python benchmarks/run.py --quick    # 冒烟：只测 1× 和 10×，每项 3 次",
        "python benchmarks/run.py --sizes 1,full --runs 7",
        "python benchmarks/generate.py OUT_DIR [--groups 12] [--tasks 1000] [--units 200] [--entries 100000] [--seed 1]",
        "python benchmarks/generate.py OUT_DIR --scale 10   # 10 倍内置数据",
        "python benchmarks/floor.py DATA_DIR  # 下限：只读文件并用同一套 pydantic 模型校验",
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
        f"{f'（城市规模 10 万条 {args.full_runs} 次）' if 'full' in sizes else ''}；"
        "墙钟时间与 CPU 时间（子进程 user+sys）取中位数，峰值内存取各次最大 RSS（os.wait4）。",
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
        "“÷ floor”：与同一规模、同一次运行中 `benchmarks/floor.py` 的墙钟时间之比；"
        "“÷ python -c pass”：与空解释器启动时间之比。",
        "",
        "floor 是“最直接的读法”（逐行 json.loads、逐条用同一套模型校验）的耗时，不是理论下限："
        "cc 把整本日志交给 pydantic-core 一次校验、校验期间暂停循环垃圾回收，所以小规模时可以比 floor 还快。"
        "日志小于 256 KB（约一千条）时 cc log 不建索引、直接全量校验，因为那样更快；"
        "所以 1× 规模下“热”“拉取后”与“冷”相差无几。",
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
        "- `cc status（冷）`：CC_NO_CACHE=1；`cc status（热）`：新建的 CC_CACHE_DIR，先运行一次填充缓存，再计时；",
        "- `cc units`、`cc report xlsx --out 临时目录/r.xlsx --force`：CC_NO_CACHE=1；",
        "- `cc log 任务 --unit 单位 --percent 上次+1 --note … --by 该单位联络员`：每次在数据目录的新副本上运行"
        "（复制不计时），并核对日志恰好多了一行。`cc log（冷）`：CC_NO_CACHE=1，每次全量校验；"
        "`cc log（热）`：先用 `--dry-run` 在缓存中建立该日志的索引（fastappend），每次运行前恢复这份缓存"
        "（真正追加后索引会扩展到新日志，所以必须恢复）。"
        f"`cc log（拉取后）`：同样恢复这份缓存，但日志末尾先加上 {PULLED} 条（或全部未完成任务数，取少者）"
        "其他单位的进度报送（模拟 git pull / 合并带来的新行），索引只需补查这些新行。",
        "",
        "## 目标",
        "",
        "| 目标 | 是否达到 | 实测 |",
        "|---|---|---|",
    ]
    for t in targets:
        mark = "未测" if t.met is None else ("✅ 达到" if t.met else "❌ 未达到")
        if t.reference and t.met is not None:
            mark = "参考：" + ("在 1 s 内" if t.met else "超过 1 s")
        out.append(f"| {t.text} | {mark} | {t.detail} |")
    if any(t.reference for t in targets):
        out += ["", "“参考”行不计入目标：没有缓存时（新克隆的仓库、CC_NO_CACHE=1）第一次写入只能全量校验，"
                    "之后的追加都走已校验日志索引；拉取或合并带来新行时，索引只补查新行（新行涉及的任务越多越慢）。"]
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
            runs = args.full_runs if size == "full" else args.runs
            entries[size] = entry_count(data)
            day, task, unit, pct, by = last_state(data)
            as_of[size] = day
            log_tasks[size] = f"{task}（{unit}，{pct}%）"
            work = tmp / f"work-{size}"
            work.mkdir()
            print(f"== {SIZE_NAMES[size]}：{entries[size]:,} 条，--as-of {day}，{runs} 次", file=sys.stderr)
            cold = {**base_env, "CC_NO_CACHE": "1"}
            common = ["--data", str(data), "--as-of", day]

            def go(cmd: str, argv: list[str], env: dict, **kw) -> None:
                r = measure(Result(size, cmd), argv, env, runs, work, not args.no_warmup, **kw)
                results[(size, cmd)] = r
                if r.walls:
                    print(f"  {cmd:<16} {r.wall:7.3f} s  cpu {r.cpu:6.3f} s  {r.rss_mb:6.0f} MB", file=sys.stderr)

            go("python -c pass", [sys.executable, "-c", "pass"], base_env)
            go("floor", [sys.executable, str(HERE / "floor.py"), str(data)], base_env)
            go("cc validate", [*cc, "--as-of", day, "validate", "--data", str(data)], cold)
            go("cc status（冷）", [*cc, "status", *common], cold)
            warm_env = {**base_env, "CC_CACHE_DIR": str(work / "cache")}
            fill = run_once([*cc, "status", *common], warm_env, work / "stderr.txt")
            if fill[3] != 0:
                results[(size, "cc status（热）")] = Result(size, "cc status（热）", error=f"填充缓存失败 exit {fill[3]}")
            else:
                go("cc status（热）", [*cc, "status", *common], warm_env)
            go("cc units", [*cc, "units", *common], cold)
            go("cc report xlsx", [*cc, "report", "xlsx", "--out", str(work / "r.xlsx"), "--force", *common], cold)

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
            # Warm: the journal index (fastappend) of this exact journal is in the cache. A dry run
            # stores it; each run then starts from a fresh copy and from that same cache, since a
            # real append extends the index to the grown journal.
            log_cache, log_snapshot = work / "cache-log", work / "cache-log-filled"
            fresh_copy()
            fill = run_once([*log, "--dry-run"], {**base_env, "CC_CACHE_DIR": str(log_cache)}, work / "stderr.txt")
            log_cache.mkdir(exist_ok=True)
            shutil.copytree(log_cache, log_snapshot)

            def fresh_copy_and_cache() -> None:
                fresh_copy()
                shutil.rmtree(log_cache, ignore_errors=True)
                shutil.copytree(log_snapshot, log_cache)

            if fill[3] != 0:
                results[(size, "cc log（热）")] = Result(size, "cc log（热）", error=f"填充缓存失败 exit {fill[3]}")
            else:
                go("cc log（热）", log, {**base_env, "CC_CACHE_DIR": str(log_cache)},
                   before=fresh_copy_and_cache, after=appended_one)
                # After a pull: the index describes the journal as it was, and lines from other
                # branches have been added at its end since.
                pulled = pulled_lines(data, day, task)
                n_pulled = pulled.count(b"\n")

                def fresh_copy_cache_and_pull() -> None:
                    fresh_copy_and_cache()
                    with open(copy / "journal.jsonl", "ab") as fh:
                        fh.write(pulled)

                def appended_after_pull() -> str:
                    n = entry_count(copy)
                    want = lines_before + n_pulled + 1
                    return "" if n == want else f"日志应为 {want} 行，实际 {n} 行"

                go("cc log（拉取后）", log, {**base_env, "CC_CACHE_DIR": str(log_cache)},
                   before=fresh_copy_cache_and_pull, after=appended_after_pull)
    finally:
        if args.keep:
            print(f"保留生成的数据：{tmp}", file=sys.stderr)
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    rows = table_rows(results, sizes, entries)
    print_table(rows)
    targets = check_targets(results, entries)
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
