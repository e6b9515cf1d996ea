"""Who may record which journal entry, from the roster in the data; pure, no I/O.

The tool cannot authenticate anyone (`by` is whatever --by, CC_USER or git says): this module
only keeps honest people inside their role and makes a slip visible. The lead unit's acts
(notice, reject, close, verify, reopen, escalate, a problem's 复查 and 延期, recording a problem
found by others, voiding others' entries) belong to the 推进组办公室: campaign.office_staff plus
the lead unit's liaison. A unit's own acts (assign, progress, reply, a problem's 整改完成, a
problem it found itself (自查), voiding its own such entries) belong to its people (liaison and
staff) or the office. Names compare after stripping surrounding whitespace.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..textguard import unmarked
from . import models

LEAD_KINDS = frozenset({"notice", "reject", "close", "verify", "reopen", "escalate", "recheck", "extend"})
UNIT_KINDS = frozenset({"assign", "progress", "reply", "fix"})


def _own_act(entry) -> bool:
    """A unit's own act: its progress and replies, its 整改完成, and problems it finds in itself
    (自查). A problem from any other source is recorded (交办) by the office."""
    return entry.kind in UNIT_KINDS or (entry.kind == "problem" and entry.source == "自查")


def same_name(name: str) -> str:
    """A name as the roster compares it: without spaces around it or invisible format characters
    (textguard.unmarked: "范\u200b某某", copied from a chat, is 范某某)."""
    return unmarked(name).strip()


@dataclass(frozen=True)
class Roster:
    """Who may act: the office's names (in data order) and each unit's people's names."""

    office: tuple[str, ...]
    units: dict[str, tuple[str, ...]]
    labels: dict[str, str]  # unit id → name, for messages

    def is_office(self, name: str) -> bool:
        return same_name(name) in self.office

    def of_unit(self, unit_id: str, name: str) -> bool:
        return same_name(name) in self.units.get(unit_id, ())


def _unique(names) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n for n in (same_name(x) for x in names) if n))


def roster(plan: models.Plan, units: list[models.Unit]) -> Roster:
    camp = plan.campaign
    lead = next((u for u in units if u.id == camp.lead_unit), None)
    office = _unique([*([lead.liaison.name] if lead is not None else []), *camp.office_staff])
    people = {u.id: _unique(p.name for p in u.people) for u in reversed(units)}  # first of a duplicated id
    return Roster(office, people, {u.id: u.name for u in reversed(units)})


def acting_unit(entry, target=None) -> str | None:
    """The unit whose own act the entry is, or None for an act of the lead unit. target: the
    entry a void voids (None when unknown: then only the office may void)."""
    if _own_act(entry):
        return entry.unit
    if entry.kind == "void" and target is not None and _own_act(target):
        return target.unit
    return None


def _names(names: tuple[str, ...]) -> str:
    return "、".join(names) if names else "（名单为空）"


# where the command line took the recorder's name from (cli/recording._who), as a refusal says it
_SOURCE_SAID = {"--by": "由 --by 指定", "环境变量 CC_USER": "取自环境变量 CC_USER",
                "git config user.name": "取自 git config user.name", "系统用户名": "取自系统用户名"}


def source_said(source: str) -> str:
    """"取自 git config user.name" for a source of _who's, "" for none."""
    return _SOURCE_SAID.get(source, "")


def refusal(ros: Roster, entry, target=None, source: str = "") -> str:
    """Why entry's `by` may not record it (Chinese, naming who may), or "" when they may. source:
    where the name was taken from (--by, CC_USER, git, the system's user), said after it."""
    by = same_name(entry.by)
    if ros.is_office(by):
        return ""
    said = source_said(source) if source != "--by" else ""  # typed on this very line: its hint says so
    named = f"{by}”（{said}）" if said else f"{by}”"
    what = models.ENTRY_KIND_NAMES.get(entry.kind, entry.kind)
    if entry.kind == "void" and target is not None:
        what += "“" + models.ENTRY_KIND_NAMES.get(target.kind, target.kind) + "”记录"
    office = f"推进组办公室人员（{_names(ros.office)}）"
    unit_id = acting_unit(entry, target)
    if unit_id is None:
        if entry.kind == "problem":
            return (f"“{named}不能登记来源为“{entry.source}”的问题：各单位只能登记本单位自查发现的问题"
                    f"（--source 自查），其他来源的问题由{office}登记交办")
        return f"“{named}不能记录{what}：这是牵头单位的职责，只有{office}可以办理"
    if ros.of_unit(unit_id, by):
        return ""
    label = ros.labels.get(unit_id, unit_id)
    return (f"“{named}不能代{label}记录{what}：只有该单位的人员（{_names(ros.units.get(unit_id, ()))}）"
            f"或{office}可以办理")


_WHO = "记录人取自 --by，其次是环境变量 CC_USER，再次是 git config user.name。"


_SETX = "（Windows 命令提示符：setx CC_USER 姓名，重新打开窗口后生效）"
# how to name the right person, by where the wrong name came from (a recorded entry's: unknown)
_SET_NAME = {
    "--by": "记录人由 --by 指定：请写名册中本人的姓名。",
    "环境变量 CC_USER": f"没有写 --by，记录人取自环境变量 CC_USER：请把 CC_USER 改为名册中本人的姓名{_SETX}，"
                      "或在命令后加 --by 姓名。",
    "git config user.name": "没有写 --by，也没有设置环境变量 CC_USER，记录人取自 git config user.name（本机 git 的用户名）："
                            f"请在命令后加 --by 姓名，或把环境变量 CC_USER 设为名册中本人的姓名{_SETX}；"
                            "也可运行 git config --global user.name 姓名。",
    "系统用户名": "没有写 --by，没有设置环境变量 CC_USER，git 也没有设置用户名，记录人取自系统的登录用户名："
             f"请在命令后加 --by 姓名，或把环境变量 CC_USER 设为名册中本人的姓名{_SETX}。",
}


def office_to_void(ros: Roster, by: str, target) -> str:
    """"" when `by` may void target, else who may, for a hint ("请推进组办公室（吴某某、周某某）"):
    a unit's person is never pointed at a void only the office may write (a void's void, the
    office's own 销号)."""
    from types import SimpleNamespace

    if not refusal(ros, SimpleNamespace(kind="void", by=by, entry=target.id), target):
        return ""
    return f"请推进组办公室（{'、'.join(ros.office)}）"


def hint(entry, target=None, source: str = "", ros: Roster | None = None) -> str:
    """What to do about a refusal: how to name the right recorder (by source, where the name was
    taken from; the order of the sources when unknown), and where to add the person who may record
    entry. Only the office may record what is no unit's own act, so only campaign.office_staff
    would let them. A person of a unit the roster (ros) names is told who does it instead, then
    how to give another name (a unit's liaison registering an 暗访 problem was told only to change
    CC_USER: a fresh-eyes try)."""
    by = same_name(entry.by)
    who = _SET_NAME.get(source, _WHO)
    home = next((uid for uid, names in ros.units.items() if by in names), None) if ros is not None else None
    if home is not None:  # the name may be right (the act is not theirs) or a colleague's (a shared PC)
        own = acting_unit(entry, target)
        said = f"{by} 是名册中{ros.labels.get(home, home)}的人员，这项不由其办理："
        office = f"推进组办公室人员（{_names(ros.office)}）"
        if entry.kind == "problem" and own is None:
            said += f"本单位自查发现的问题用 --source 自查 登记，其他来源的问题请{office}登记交办。"
        elif own is None:
            said += f"请{office}办理。"
        else:
            said += f"{ros.labels.get(own, own)}的记录请由该单位的人员（{_names(ros.units.get(own, ()))}）或{office}办理。"
        return said + f"如果您不是{by}：" + who + _grant(entry, target)
    if acting_unit(entry, target) is None:
        return who + "这项由推进组办公室办理；" + _grant(entry, target)
    return who + _grant(entry, target)


def _grant(entry, target) -> str:
    """Where to add a person who should be let record entry."""
    if acting_unit(entry, target) is None:
        return "如确应授权此人，请在 tasklist.yaml 的 campaign.office_staff 中添加。"
    return "如确应授权此人，请在 units.yaml 该单位的 staff，或 tasklist.yaml 的 campaign.office_staff 中添加。"


def git_identities(plan: models.Plan, units: list[models.Unit]) -> dict[str, set[str]]:
    """name → the git identities (e-mail addresses, lower case) the roster gives that person."""
    out: dict[str, set[str]] = {}
    people = [plan.campaign.contact, *(p for u in units for p in (u.head, u.deputy, *u.people))]
    for person in people:
        email = git_email(person.git)
        if email:
            out.setdefault(same_name(person.name), set()).add(email)
    return out


def git_email(identity: str) -> str:
    """The e-mail address in "Name <email>" or a bare address, lower case; "" when none."""
    text = identity.strip()
    if "<" in text and text.endswith(">"):
        text = text[text.rindex("<") + 1:-1]
    return text.strip().lower() if "@" in text else ""
