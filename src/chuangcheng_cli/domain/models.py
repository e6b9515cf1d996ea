"""Pydantic models of units, the campaign plan and journal entries; no I/O."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field

UNIT_ID_PATTERN = r"^[a-z][a-z0-9_]{0,31}$"
ITEM_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$"  # T01, RW01, 1.1, 3-2 …: each group numbers its own way

UnitId = Annotated[str, Field(pattern=UNIT_ID_PATTERN)]
ItemId = Annotated[str, Field(pattern=ITEM_ID_PATTERN)]
Text = Annotated[str, Field(min_length=1, max_length=100_000)]
# strict: true and "85" are not numbers (pydantic's lax mode would read them as 1 and 85)
Percent = Annotated[int, Field(strict=True, ge=0, le=100)]


class Strict(BaseModel):
    """Base: unknown keys are errors, so a typo'd field name never passes silently.

    Validators are built on first use (defer_build): an append that reads the plan from the
    journal state (store/state.py) never validates it, and saves building them (~0.08 s)."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


# ---------------------------------------------------------------- units.yaml

_NUMBER = r"[+(]?\s?\d[\d() \-]*(?:(?:转|分机|ext\.?|x)\s*\d+)?"
_PLAIN_PHONE = re.compile(r"(?:0\d{2,3}-)?[1-9]\d{6,10}")  # 0571-87001234, 13800000000: most are these


def phone_fault(text: str) -> str:
    """Why text is no telephone number as people write them ("" when it is one, or empty):
    0571-87001234, 138 0000 0000, +86 (571) 8700 1234, 0571-87001234转8012, several with 、 or /
    between. Refused: letters and words (--phone abc, a name pasted in the wrong place), a number
    of fewer than five digits or one led by a minus (0, -1), a date (2023-12-05)."""
    if not text or _PLAIN_PHONE.fullmatch(text):
        return ""
    import unicodedata

    phone = unicodedata.normalize("NFKC", text).strip()
    if not phone:
        return ""
    if len(phone) > 60:
        return "太长"
    numbers = re.split(r"\s*[、,;/]\s*", phone)
    if not all(re.fullmatch(_NUMBER, n, re.IGNORECASE) for n in numbers):
        return "只能有数字、空格、括号、连字符和分机“转”"
    for n in numbers:
        main = re.split(r"转|分机|ext|x", n, maxsplit=1, flags=re.IGNORECASE)[0]
        if re.fullmatch(r"(?:19|20)\d\d-\d{1,2}-\d{1,2}", main.strip()):
            return "像是日期"
        if sum(c.isdigit() for c in main) < 5:
            return "位数太少"
    return ""


class Person(Strict):
    name: Text
    title: str = ""
    phone: str = ""
    # The person's git identity, "Name <email>" or just the email: cc audit compares it with
    # the author of the commit that added their journal entries.
    git: Annotated[str, Field(max_length=200)] = ""


class Section(Strict):
    """A 责任科室 inside a unit, with its 负责人."""

    name: Text
    head: Text
    phone: str = ""


class Unit(Strict):
    id: UnitId
    name: Text
    short_names: list[Text] = Field(default_factory=list)
    head: Person  # 主要负责人
    deputy: Person  # 分管领导
    liaison: Person  # 联络员
    sections: list[Section] = Field(min_length=1)
    staff: list[Person] = Field(default_factory=list)  # others who may record for the unit

    @property
    def people(self) -> list[Person]:
        """Who may record the unit's own acts (see authority.py): its liaison and its staff."""
        return [self.liaison, *self.staff]

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)


class UnitsFile(Strict):
    units: list[Unit] = Field(min_length=1)


# ------------------------------------------------------------- tasklist.yaml


class Campaign(Strict):
    name: Text
    group: Text
    lead_unit: UnitId
    year: Annotated[int, Field(ge=2000, le=2100)]
    start: dt.date
    end: dt.date
    issuer: Text  # 发文机关标志 printed at the top of a 督办通知
    office: Text  # the group's office: the default 印发机关 of the 版记 (documents.printer overrides it)
    contact: Person  # 附注: 联系人 and 电话
    # Whose requirements a notice cites ("根据…工作要求"); empty: policy.escalate_to.
    authority: Annotated[str, Field(max_length=100)] = ""
    # Names of the 推进组办公室 staff, who record the lead unit's acts (notices, reviews, 验收);
    # the lead unit's liaison is always one of them (see authority.py).
    office_staff: list[Annotated[str, Field(min_length=1, max_length=50)]] = Field(default_factory=list)
    # IANA time zone of the journal's recording times ("at"); see recording.record.
    timezone: Annotated[str, Field(min_length=1, max_length=64)] = "Asia/Shanghai"


class Policy(Strict):
    escalation_threshold: Annotated[int, Field(ge=1, le=20)] = 3
    # Days the lead unit has to review a reply (close or reject it) or verify a task reported
    # complete; past them the item is the lead unit's overdue item, never the unit's.
    review_days: Annotated[int, Field(ge=1, le=60)] = 5
    # True: a notice's --days count 工作日 ("10个工作日内"), and so does review_days (rules.review_over);
    # false: calendar days. Either way a 整改期限 that falls on a weekend or public holiday moves to
    # the next working day.
    workdays: bool = False
    # 发文字号 prefix of the reports to 市领导 (their own series, a 上行文); empty: notice_prefix + 报.
    report_prefix: Annotated[str, Field(max_length=20)] = ""
    report_interval_days: Annotated[int, Field(ge=1, le=365)] = 30
    lag_threshold: Annotated[int, Field(ge=0, le=100)] = 10
    rectification_days: Annotated[int, Field(ge=1, le=365)] = 10
    notice_prefix: Annotated[str, Field(min_length=1, max_length=20)]  # 机关代字: no default, each group has its own
    escalate_to: Annotated[str, Field(min_length=1, max_length=100)] = "市创建全国文明城市指挥部"
    # An entry whose date is more than this many days before its recording time is a 补录
    # (a late record of past work): shown as such in history and reports, and by cc audit.
    backfill_days: Annotated[int, Field(ge=0, le=365)] = 3
    # --evidence files larger than this are refused (they are copied into the repository).
    evidence_max_mb: Annotated[int, Field(ge=1, le=2000)] = 50
    # The 问题清单 (see problemlist.py): ids are <problem_prefix><year>-<number>, e.g. W2023-0001.
    problem_prefix: Annotated[str, Field(pattern=r"^[A-Za-z]{1,8}$")] = "W"
    # 整改期限 of a 立行立改 problem, and of a 限期整改 one recorded without --days/--deadline.
    immediate_days: Annotated[int, Field(ge=1, le=60)] = 3
    problem_days: Annotated[int, Field(ge=1, le=365)] = 15
    # A task (or, for problems without a task, a unit) with this many of a unit's problems
    # overdue or in 返工 is red; with fewer (at least one) yellow.
    problem_red: Annotated[int, Field(ge=1, le=1000)] = 3



Points = Annotated[int, Field(ge=0, le=100)]  # whole numbers: the journal index stores no floats


class Score(Strict):
    """Weights of the 综合评价 (cc score, see domain/score.py): a unit starts at `base` and loses
    points for what it answers for. Per item: tasks red or yellow for the lead unit's own gaps,
    督办通知 received by level, reports to 市领导, notices answered late or not at all past their
    整改期限, problems overdue today, and (the lead unit only) its own reviews past policy.review_days. Per rate: weight × (1 − 按期整改率), weight × 返工率, weight × 延期率."""

    base: Annotated[int, Field(ge=1, le=1000)] = 100
    red_task: Points = 5
    yellow_task: Points = 2
    notice_blue: Points = 2
    notice_yellow: Points = 4
    notice_red: Points = 6
    escalation: Points = 10
    late_notice: Points = 5
    overdue_problem: Points = 2
    on_time_rate: Points = 10
    rework_rate: Points = 5
    extension_rate: Points = 0  # an approved 延期 is the office's decision: no points unless a group wants them
    late_review: Points = 1

FontName = Annotated[str, Field(min_length=1, max_length=64)]


# The defaults of the blocks a YAML file may leave out (documents:, its fonts:, score:), made as
# pydantic's Model() would make them (the defaults, no field set) but without validating: there is
# nothing to validate, and the first Model() of a defer_build model has pydantic generate its
# schema and load its plugins, 20-30 ms of a command that validated the file with a validator
# built from a kept schema (store/state.py). DEFAULT_FACTORIES names them for those schemas.


def default_fonts() -> DocumentFonts:
    return DocumentFonts.model_construct(_fields_set=set())


def default_documents() -> Documents:
    return Documents.model_construct(_fields_set=set(), fonts=default_fonts())


def default_score() -> Score:
    return Score.model_construct(_fields_set=set())


DEFAULT_FACTORIES = {"fonts": default_fonts, "documents": default_documents, "score": default_score}


class DocumentFonts(Strict):
    """Fonts of the .docx documents, as installed on the office's computers (GB/T 9704-2012 5.2.2)."""

    body: FontName = "仿宋_GB2312"  # 正文, 主送机关, 署名, 版记; 第三、四层标题
    title: FontName = "方正小标宋简体"  # 发文机关标志 and 标题
    heading: FontName = "黑体"  # 第一层标题 一、
    kai: FontName = "楷体_GB2312"  # 第二层标题 （一） and the 签发人's name


class Documents(Strict):
    """What the 督办通知 and the report to 市领导 carry besides their text: 版记, 署名, 签发人, fonts."""

    fonts: DocumentFonts = Field(default_factory=default_fonts)
    copy_to: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(default_factory=list)  # 抄送机关
    printer: Annotated[str, Field(max_length=100)] = ""  # 印发机关; "" = campaign.office
    signature: Annotated[str, Field(max_length=100)] = ""  # 发文机关署名; "" = campaign.issuer
    signer: Annotated[str, Field(max_length=20)] = ""  # 签发人 of the report to 市领导 (a 上行文)


class Indicator(Strict):
    id: ItemId
    name: Text
    content: Text  # 测评内容
    method: Text  # 测评方式


class Milestone(Strict):
    date: dt.date
    percent: Percent


class Task(Strict):
    id: ItemId
    indicator: ItemId
    title: Text
    short_title: Annotated[str, Field(max_length=40)] = ""
    requirement: Text  # 标准/要求
    lead: UnitId
    co_units: list[UnitId] = Field(default_factory=list)
    deadline: dt.date
    milestones: list[Milestone] = Field(default_factory=list)
    materials: list[Text] = Field(default_factory=list)  # 台账材料

    @property
    def units(self) -> list[str]:
        return [self.lead, *self.co_units]

    @property
    def label(self) -> str:
        return self.short_title or self.title


class Plan(Strict):
    campaign: Campaign
    policy: Policy  # required: notice_prefix has no default
    documents: Documents = Field(default_factory=default_documents)
    score: Score = Field(default_factory=default_score)
    indicators: list[Indicator] = Field(min_length=1)
    tasks: list[Task] = Field(min_length=1)


# ------------------------------------------------------------- journal.jsonl


def entry(cls):
    """Journal entries are slotted dataclasses validated by pydantic: 100,000 of them take about a
    third of the memory and time that BaseModel instances would."""
    return dataclass(frozen=True, slots=True, kw_only=True)(cls)


@entry
class EntryBase:
    __pydantic_config__ = ConfigDict(extra="forbid")

    id: Annotated[str, Field(min_length=4, max_length=64)]
    date: dt.date  # the working day the entry is about (what --as-of filters on)
    at: dt.datetime  # when it was recorded
    by: Text


@entry
class Assign(EntryBase):
    """分解到责任科室、责任人."""

    kind: Literal["assign"]
    task: ItemId
    unit: UnitId
    section: Text
    person: Text
    phone: str = ""


class EvidenceFile(Strict):
    """A file archived in the repository by --evidence (evidence.py): where, and what it was."""

    path: Annotated[str, Field(min_length=1, max_length=1000)]  # repo-relative, forward slashes
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    size: Annotated[int, Field(ge=0, strict=True)]


Evidence = Union[EvidenceFile, Text]  # an archived file, or (URLs, older records) text


@entry
class Progress(EntryBase):
    """进度报送; 100 percent is a 办结报告 awaiting 验收."""

    kind: Literal["progress"]
    task: ItemId
    unit: UnitId
    percent: Percent
    note: Text
    evidence: list[Evidence] = field(default_factory=list)
    problem: str = ""  # 自查问题
    correction: str = ""  # reason when percent is lower than the last report


@entry
class Verify(EntryBase):
    """验收销号 by the lead unit."""

    kind: Literal["verify"]
    task: ItemId
    note: str = ""


@entry
class Reopen(EntryBase):
    """退回重办."""

    kind: Literal["reopen"]
    task: ItemId
    reason: Text
    # 重办期限: the task is late only after it (and after its own deadline). Older records have
    # none: rules.rework_deadline gives them what cc reopen records by default.
    deadline: dt.date | None = None


@entry
class Notice(EntryBase):
    """督办通知."""

    kind: Literal["notice"]
    year: Annotated[int, Field(strict=True, ge=2000, le=2100)]
    number: Annotated[int, Field(strict=True, ge=1)]
    doc_no: Text  # 发文字号 as issued, e.g. 法治督〔2023〕5号
    unit: UnitId
    seq: Annotated[int, Field(strict=True, ge=1)]  # 第N次督办
    level: Literal["蓝", "黄", "红"]
    tasks: list[ItemId] = field(default_factory=list)
    gaps: list[Text] = field(default_factory=list)
    reason: str = ""
    deadline: dt.date  # 整改期限
    file: str = ""
    forced: bool = False  # issued with --force over an open notice; reason says why
    copy_to: list[Text] = field(default_factory=list)  # 抄送 of this notice, when not the group's
    problems: list[ProblemId] = field(default_factory=list)  # problems cited as 问题整改不力
    # the wording of its document (documents/notice.py), so that cc reprint makes what was sent:
    # 1 for notices recorded before 2 (which no longer says "推进滞后" of tasks where the unit has
    # no lag of its own, and puts the 督办理由 of one such task under it); 3: its tasks' gaps are
    # the unit's problems alone (overdue or in 返工), so they 存在问题 rather than 推进滞后; 4: on no
    # task (its problems or its reason alone), titled 创城工作存在问题 rather than 创城工作任务
    layout: Annotated[int, Field(strict=True, ge=1, le=4)] = 1

    @property
    def ref(self) -> str:
        return f"{self.year}-{self.number}"


@entry
class Reply(EntryBase):
    """整改反馈 by the supervised unit."""

    kind: Literal["reply"]
    notice: Annotated[str, Field(pattern=r"^\d{4}-\d+$")]
    unit: UnitId
    note: Text
    evidence: list[Evidence] = field(default_factory=list)


@entry
class Reject(EntryBase):
    """退回整改: the lead unit sends a reply back with a new 整改期限 (the unit's clock restarts)."""

    kind: Literal["reject"]
    notice: Annotated[str, Field(pattern=r"^\d{4}-\d+$")]
    note: Text
    deadline: dt.date  # the new 整改期限


@entry
class Close(EntryBase):
    """销号 of a notice by the lead unit after review."""

    kind: Literal["close"]
    notice: Annotated[str, Field(pattern=r"^\d{4}-\d+$")]
    note: str = ""


@entry
class Escalate(EntryBase):
    """报告市领导, 问效问责."""

    kind: Literal["escalate"]
    unit: UnitId
    notices: list[Annotated[str, Field(pattern=r"^\d{4}-\d+$")]] = Field(min_length=1)
    note: str = ""
    file: str = ""
    trigger: str = ""  # id of the notice whose issue reached the threshold (voided with it)
    number: Annotated[int, Field(ge=0)] = 0  # the report's own 文号 series; 0 for older records
    doc_no: str = ""
    # the report's wording (documents/notice.py): 2 ends 特此报告 (a 报告 carries no 请示), 1 as first
    # sent; 3 also names the reports on the unit sent before it; 4 also names each notice's tasks
    # and problems (not their ids alone), and says 问题整改不力 of a unit noticed for problems alone;
    # 5: a review time in calendar days (policy.workdays false) ends on a working day (rules.review_over);
    # 6: a notice counted after one sent on another branch (merged) is said to be so, not "此前的通知作废"
    layout: Annotated[int, Field(strict=True, ge=1, le=6)] = 1


PROBLEM_SOURCES = ("自查", "互查", "督查", "暗访", "测评反馈", "群众反映", "媒体曝光")
PROBLEM_MODES = ("立行立改", "限期整改", "长期整改")
ProblemId = Annotated[str, Field(pattern=r"^[A-Za-z]{1,8}\d{4}-\d{4,9}$")]


@entry
class Problem(EntryBase):
    """A problem found (问题清单): who answers for it, where, what, and by when it is to be fixed.
    `date` is when it was recorded and 交办; `found` when it was found (an 暗访 a few days earlier)."""

    kind: Literal["problem"]
    problem: ProblemId  # W2023-0001: policy.problem_prefix, year, number
    year: Annotated[int, Field(strict=True, ge=2000, le=2100)]
    number: Annotated[int, Field(strict=True, ge=1, le=999_999_999)]
    source: Literal["自查", "互查", "督查", "暗访", "测评反馈", "群众反映", "媒体曝光"]
    found: dt.date
    found_by: Annotated[str, Field(max_length=100)] = ""  # who found it (暗访组, the pointing unit …)
    place: Annotated[str, Field(min_length=1, max_length=200)]  # 点位
    desc: Annotated[str, Field(min_length=1, max_length=2000)]
    unit: UnitId  # 责任单位
    co_units: list[UnitId] = field(default_factory=list)
    task: Annotated[str, Field(max_length=32)] = ""  # the task it belongs to, when known
    mode: Literal["立行立改", "限期整改", "长期整改"]
    deadline: dt.date  # 整改期限 (for 长期整改 the plan's end)
    plan: Annotated[str, Field(max_length=2000)] = ""  # 整改计划 of a 长期整改 problem
    evidence: list[Evidence] = field(default_factory=list)
    origin: Annotated[str, Field(max_length=300)] = ""  # imported from: file, sheet and row
    key: Annotated[str, Field(max_length=64)] = ""  # content key of an imported row: a re-import adds nothing


@entry
class Fix(EntryBase):
    """整改完成, reported by the responsible unit: the problem waits for the office's 复查."""

    kind: Literal["fix"]
    problem: ProblemId
    unit: UnitId
    note: Text
    evidence: list[Evidence] = field(default_factory=list)


@entry
class Recheck(EntryBase):
    """复查 by the office: passed is 销号; failed is 返工, with a new 整改期限."""

    kind: Literal["recheck"]
    problem: ProblemId
    passed: Annotated[bool, Field(strict=True)]
    note: Text
    deadline: dt.date | None = None  # the new 整改期限 of a failed 复查


@entry
class Extend(EntryBase):
    """延期, approved by the office: the 整改期限 moves to `deadline`."""

    kind: Literal["extend"]
    problem: ProblemId
    deadline: dt.date
    reason: Text


@entry
class Void(EntryBase):
    """作废: an entry recorded by mistake counts nowhere from now on; it stays in the journal,
    shown as 作废 with the reason. A void may itself be voided (the entry counts again)."""

    kind: Literal["void"]
    entry: Annotated[str, Field(min_length=4, max_length=64)]  # the id of the voided entry
    reason: Text


Entry = Annotated[
    Union[Assign, Progress, Verify, Reopen, Notice, Reply, Reject, Close, Escalate, Problem, Fix, Recheck,
          Extend, Void],
    Field(discriminator="kind"),
]
_ADAPTERS: dict = {}
# The journal's own validator and serializer of one entry (store/loading.py puts it here): what
# reads the journal also makes and writes its entries, by the same core schema, and pydantic
# need not build one validator and serializer per entry class for a write.
CODEC: list = []


def make(cls, **fields):
    """Build an entry with full validation (a dataclass constructor alone does not validate);
    fields name its kind."""
    entry = CODEC[0].make(fields) if CODEC else None
    if entry is not None:
        if type(entry) is not cls:  # its kind names another class
            raise TypeError(f"{cls.__name__}: kind {fields.get('kind')!r}")
        return entry
    from pydantic import TypeAdapter

    adapter = _ADAPTERS.get(cls) or _ADAPTERS.setdefault(cls, TypeAdapter(cls))
    return adapter.validate_python(fields)


def dump(entry) -> dict:
    """The entry as JSON-ready data, fields left at their defaults omitted."""
    data = CODEC[0].dump(entry) if CODEC else None
    if data is not None:
        return data
    from pydantic import TypeAdapter

    cls = type(entry)
    adapter = _ADAPTERS.get(cls) or _ADAPTERS.setdefault(cls, TypeAdapter(cls))
    return adapter.dump_python(entry, mode="json", exclude_defaults=True)


ENTRY_TYPES = {
    "assign": Assign,
    "progress": Progress,
    "verify": Verify,
    "reopen": Reopen,
    "notice": Notice,
    "reply": Reply,
    "reject": Reject,
    "close": Close,
    "escalate": Escalate,
    "problem": Problem,
    "fix": Fix,
    "recheck": Recheck,
    "extend": Extend,
    "void": Void,
}
ENTRY_KIND_NAMES = {
    "assign": "分解交办",
    "progress": "进度报送",
    "verify": "验收销号",
    "reopen": "退回重办",
    "notice": "督办通知",
    "reply": "整改反馈",
    "reject": "退回整改",
    "close": "督办销号",
    "escalate": "报告市领导",
    "problem": "问题交办",
    "fix": "问题整改完成",
    "recheck": "问题复查",
    "extend": "问题延期",
    "void": "作废",
}


@dataclass(frozen=True)
class Project:
    """Everything loaded from one data folder, already validated."""

    plan: Plan
    units: list[Unit]
    journal: list  # of Entry models, in file order
    # id → [lines] of the journal's lines that name an id but are no valid entry (a percent of
    # 150 written by hand): cc void takes them, so that even such a line is mended by appending
    invalid: dict = field(default_factory=dict, compare=False)

    @cached_property
    def order(self) -> list[int]:
        """Indices of the journal's entries in the order they took effect (see rules.journal_order)."""
        from .rules import journal_order

        return journal_order(self.journal)

    @cached_property
    def void_steps(self) -> tuple[list, dict]:
        """(the voids in the order they took effect, each with its place in it; the place of each
        notice, by id): what rules.restored_before asks of the journal, found in one pass."""
        voids: list = []
        places: dict = {}
        journal = self.journal
        for place, i in enumerate(self.order):
            kind = journal[i].kind
            if kind == "void":
                voids.append((place, journal[i]))
            elif kind == "notice":
                places.setdefault(journal[i].id, place)
        return voids, places

    @cached_property
    def notice_numbers(self) -> dict[str, str]:
        """文号 of each notice by its ref ("2023-5"); the first notice of a ref, as listed."""
        numbers: dict[str, str] = {}
        for e in self.journal:
            if e.kind == "notice":
                numbers.setdefault(e.ref, e.doc_no)
        return numbers

    @cached_property
    def units_by_id(self) -> dict[str, Unit]:
        return {u.id: u for u in self.units}

    @cached_property
    def tasks_by_id(self) -> dict[str, Task]:
        return {t.id: t for t in self.plan.tasks}

    def unit(self, unit_id: str) -> Unit | None:
        return self.units_by_id.get(unit_id)

    def task(self, task_id: str) -> Task | None:
        return self.tasks_by_id.get(task_id)

    def unit_label(self, unit_id: str) -> str:
        unit = self.units_by_id.get(unit_id)
        return unit.name if unit else unit_id

    def unit_short(self, unit_id: str) -> str:
        unit = self.units_by_id.get(unit_id)
        if unit is None:
            return unit_id
        return unit.short_names[0] if unit.short_names else unit.name
