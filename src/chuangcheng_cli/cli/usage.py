"""Running the click command ourselves so that usage errors come out in Chinese with exit 2."""

from __future__ import annotations

import os
import re
import sys

from ..textguard import WIDE_DASHES, quoted

_PATTERNS = [
    (r"No such option: (\S+)", lambda m: f"没有这个选项：{m[1]}"),  # the suggestion: see suggestion()
    (r"No such command '(.*)'\.",
     lambda m: f"没有这个命令：{m[1]}".replace("\\u3000", "\u3000") if m[1] else '命令是空的（""）'),
    (r"Missing command\.", lambda m: "缺少命令（加 --help 查看有哪些命令）"),
    (r"Missing argument '(.+)'\.", lambda m: f"缺少参数 {m[1]}"),
    (r"Missing option '(.+)'\.", lambda m: f"缺少必填选项 {m[1]}"),
    (r"Missing parameter: (\S+)", lambda m: f"缺少必填参数 {m[1]}"),
    (r"Option '(.+)' requires an argument\.", lambda m: f"选项 {m[1]} 需要一个值"),
    (r"Option '(.+)' does not take a value\.", lambda m: f"选项 {m[1]} 不带值"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)", lambda m: "多余的参数：" + (m[1] or '""')),
    (r"Invalid value for '?([^':]+)'?: (?:Value error, )?'(.*)' is not one of (.+)\.",
     lambda m: f"{m[1]} 的值 {quoted(m[2])} 无效，应为以下之一：{_choices(m[3])}"),
    (r"Invalid value for '?([^':]+)'?: '(.*)' is not a valid integer\.",
     lambda m: f"{m[1]} 的值 {quoted(m[2])} 不是整数"),
    (r"Invalid value for '?([^':]+)'?: (.+) is not in the range (.+)\.",
     lambda m: f"{m[1]} 的值 {m[2]} 超出范围（{m[3].replace('<=x<=', '–')}）"),
    (r"Invalid value for '?([^':]+)'?: '(.*)' is not one of (.+)\.",
     lambda m: f"{m[1]} 的值 {quoted(m[2])} 无效，应为以下之一：{_choices(m[3])}"),
    # click's checks of a path (--data DIR a user may not read): the path named, in Chinese
    (r"Invalid value for '?([^':]+)'?: (?:[Pp]ath|[Ff]ile|[Dd]irectory) ['\"]?(.+?)['\"]? is not readable\.?",
     lambda m: f"{m[1]}：没有权限读取 {m[2]}"),
    (r"Invalid value for '?([^':]+)'?: (?:[Pp]ath|[Ff]ile|[Dd]irectory) ['\"]?(.+?)['\"]? is not writable\.?",
     lambda m: f"{m[1]}：没有权限写入 {m[2]}"),
    (r"Invalid value for '?([^':]+)'?: (?:[Pp]ath|[Ff]ile|[Dd]irectory) ['\"]?(.+?)['\"]? does not exist\.?",
     lambda m: f"{m[1]}：{m[2]} 不存在"),
    (r"Invalid value for '?([^':]+)'?: (.+)", lambda m: f"{m[1]} 的值无效：{m[2]}"),
    (r"Invalid value for '?([^':]+)'?: ", lambda m: f"{m[1]} 的值无效"),
]


_PHRASES = [
    (r"'(-[\w-]+)'(?: / '-[\w-]+')+", r"'\1'"),  # '--percent' / '-p' → '--percent'
    (r"Input should be a valid integer.*", "应为整数"),
    (r"Input should be greater than or equal to (\S+)", r"不能小于 \1"),
    (r"Input should be less than or equal to (\S+)", r"不能大于 \1"),
    (r"Value error, ", ""),
]


def _choices(listed: str) -> str:
    """click's list of choices ('text', 'json', 'github') as a Chinese list: text、json、github."""
    names = re.findall(r"'([^']*)'", listed)
    return "、".join(names) if names else listed


def translate(message: str) -> str:
    message = message.strip()
    for pattern, repl in _PHRASES:
        message = re.sub(pattern, repl, message)
    for pattern, fn in _PATTERNS:
        m = re.match(pattern, message, re.S)
        if m:
            return fn(m)
    return message


# words a user may reach for, and the command that does it (cc report weekly → cc report md)
COMMAND_WORDS = {"weekly": "md", "周报": "md", "markdown": "md", "excel": "xlsx", "台账": "xlsx", "web": "html",
                 "网页": "html", "issue": "notice", "督办": "notice", "报送": "log", "progress": "log"}


_EXTRA = r"Got unexpected extra argument(?:s|\(s\))? \((.*)\)"


def _tail(ctx) -> list[str]:
    """The words of the command line after the command's own name (cc problem fix W1 → [W1])."""
    args, at = sys.argv[1:], 0
    for name in ctx.command_path.split()[1:]:  # cc problem fix → after "problem", then "fix"
        at = args.index(name, at) + 1
    return list(args[at:])


def leftover(exc) -> list[str]:
    """The words of the command line no parameter took: the extra arguments click names, and,
    when a required option is missing, those too: click reports the missing option before them
    (cc log T09 市人社局 60 → only "缺少必填选项 --unit"), though they are often the very value,
    written without its option."""
    ctx = getattr(exc, "ctx", None)
    param = getattr(exc, "param", None)
    missing = param is not None and getattr(param, "param_type_name", "") == "option"
    if ctx is None or not (missing or re.match(_EXTRA, exc.format_message())):
        return []
    try:
        tail = _tail(ctx)
        _, extra, _ = ctx.command.make_parser(ctx).parse_args(args=list(tail))  # it takes the list apart
    except Exception:  # a command line click itself could not take apart: say nothing more
        return []
    extra = [str(word) for word in extra]
    # --unit --as-of 2023-11-28: --unit took --as-of (refused: i18n.py), so 2023-11-28 was left over,
    # though it is --as-of's own value; read as a stray it was asked 是否为 --date 2023-11-28？
    swallowed = getattr(exc, "swallowed", None)
    option = next((p for p in ctx.command.params if swallowed in getattr(p, "opts", ())), None)
    if option is not None and not getattr(option, "is_flag", False) and option.nargs == 1:
        at = next((k for k in range(1, len(tail)) if tail[k] == swallowed and tail[k - 1] in param.opts), None)
        if at is not None and at + 1 < len(tail) and tail[at + 1] in extra:
            extra.remove(tail[at + 1])
    return extra


_DATE = r"\d{4}(?:[-/.年]\d{1,2}[-/.月]\d{1,2}[日号]?|\d{4})|\d{1,2}月\d{1,2}[日号]"
_PROBLEM_ID = r"[A-Za-z]{1,8}-?\d{4}-\d{1,6}"  # W2023-0008 (problem_prefix, year, number)
# the options whose value is a word of a fixed list, and the words (the problem list's sources,
# modes and statuses, the lights): 暗访 written without --source is --source 暗访
_WORD_OPTIONS = ("--source", "--mode", "--status", "--light", "--kind")


def _words_of(option: str) -> tuple:
    if option == "--kind":
        from ..domain.views import KIND_FAMILIES, KIND_NAMES, KINDS

        return (*KIND_NAMES, *KIND_FAMILIES, *KINDS)
    if option == "--light":
        from ..domain.views import LIGHT_NAMES, LIGHTS

        return (*LIGHT_NAMES, *LIGHTS)
    if option == "--status":  # every word --status takes (返工中, 逾期 too), as cc problem list shows them
        from ..reports.rows import PROBLEM_STATUS_KEYS

        return tuple(PROBLEM_STATUS_KEYS)
    from ..domain import models

    return {"--source": models.PROBLEM_SOURCES, "--mode": models.PROBLEM_MODES}.get(option, ())


def _kind_of(word: str) -> str:
    """What a word no parameter took looks like: number, date, problem, task, list (a word of
    _WORD_OPTIONS' lists), option, empty, or name (anything else: a unit's name, or a text)."""
    if not word.strip():
        return "empty"
    if word.startswith("-"):
        return "option"
    if re.fullmatch(r"[0-9０-９]+(?:\.[0-9]+)?[%％]?", word) and not re.fullmatch(r"\d{8}", word):
        return "number"
    if re.fullmatch(_DATE, word):
        return "date"
    if re.fullmatch(_PROBLEM_ID, word):
        return "problem"
    if re.fullmatch(r"\d{4}-\d{1,4}|\d{8}-[0-9a-f]{4,}|.*〔\d{4}〕\d+号?", word):
        return "ref"  # a notice (2023-4, 法治督〔2023〕4号) or an entry's id: no option's value here
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]{0,31}", word) and any(c.isdigit() for c in word):
        return "task"
    if any(word in _words_of(option) for option in _WORD_OPTIONS):
        return "list"
    return "name"


def _value_for(option: str, word: str, dates: str = "--date") -> bool:
    """Whether word looks like a value of option: a number for --percent, a task's id for --task, a
    problem's for --problem, a date for dates (the command's one date option), a word of its list
    for --source/--mode/--status/--light, a unit's name for --unit (nothing else: a note is not
    guessed at)."""
    kind = _kind_of(word)
    if option in _WORD_OPTIONS:
        return kind == "list" and word in _words_of(option)
    if option in ("--pass", "--fail"):
        return word in (_PASS if option == "--pass" else _FAIL)
    return {"--percent": "number", "--task": "task", "--problem": "problem", "--unit": "name",
            dates: "date"}.get(option) == kind


def _shown(words: list[str], paste: bool = False) -> str:
    """Words as the user typed them: an empty one (an unset variable, a quote pair too many) as "".
    paste: for a command line to copy, a word's own ASCII quotes as Chinese ones (they would end
    the quoting) and one with $ or ` in single quotes (a POSIX shell would expand them)."""
    out = []
    for w in words:
        if paste and '"' in w:
            w = _chinese_quotes(w)
        if paste and ("$" in w or "`" in w) and "'" not in w:
            out.append(f"'{w}'")
        else:
            out.append(w if w.strip() and " " not in w else f'"{w}"')
    return " ".join(out)


def _attached(word: str, names) -> tuple[str, str] | None:
    """(the option of names, its value) when word is one of them with its value attached
    (--note=完成, -n完成), else None."""
    if word.startswith("--"):
        name, eq, value = word.partition("=")
        return (name, value) if eq and name in names else None
    if len(word) > 2 and word[0] == "-" and word[:2] in names:
        return word[:2], word[2:]
    return None


def _given(tail: list[str], p) -> bool:
    """Whether option p is on the command line: --unit X, --unit=X, -u X, or -uX."""
    names = (*p.opts, *getattr(p, "secondary_opts", ()))
    return any(t in names or _attached(t, names) for t in tail)


_PASS = ("通过", "合格", "复查通过", "已整改", "pass")
_FAIL = ("不通过", "不合格", "复查不通过", "未整改", "fail")
_HELP_WORDS = ("help", "帮助", "/?", "/h", "-?", "?", "？", "h")
_TEXT_OPTIONS = ("--note", "--reason")  # cc reply 2023-5 已整改: the text of the one that is missing
_NAME_LISTS = ("--co", "--task", "--cc")  # options repeated for many names: --co 甲 --co 乙
_DATE_OPTIONS = ("--date", "--found", "--deadline", "--to", "--since")
# the options whose value is a free text (a note, a reason), which may be meant to begin with "-"
FREE_TEXT_OPTIONS = ("--note", "-n", "--reason", "-r", "--desc", "--place", "--plan", "--correct", "--problem", "--found-by")


_NOT_QUOTES = "中文引号不起引号作用，请用英文半角引号把含空格的文字整个括起来"
_WRAPPING = ("“”", "‘’", "「」", "『』", "＂＂", "““", "””")  # an input method's pairs, and its slips


def _unwrapped(text: str) -> tuple[str, bool]:
    """(text without the Chinese quotes around the whole of it, whether it had them): “测试 额外”
    was typed to quote the text, and the shell took the quotes as the text's own characters."""
    if len(text) > 2 and text[0] + text[-1] in _WRAPPING:
        return text[1:-1].strip(), True
    return text, False


def _chinese_quotes(text: str) -> str:
    """"重点" → “重点”: a text's own ASCII quotes, which would end the quoting a hint shows."""
    parts = text.split('"')
    return "".join(part + ("“" if i % 2 == 0 else "”") for i, part in enumerate(parts[:-1])) + parts[-1]


def _unit_names(ctx) -> list[str] | None:
    """The ids, names and short names of the data folder's units (units.yaml, the folder as the
    command would find it), or None when they cannot be read: a hint's guess, never an error.
    Read as YAML nodes, not loaded: the store's loader needs pydantic, and nodes are not expanded
    (an alias of an alias stays one node)."""
    try:
        import yaml

        from .locate import find_data_dir

        chosen = next((value for p, value, _, _, _ in reversed(_scan(ctx.find_root().command, sys.argv[1:]))
                       if getattr(p, "opts", None) and p.opts[0] == "--data"), None)
        path = os.path.join(find_data_dir(chosen).folder, "units.yaml")
        from ..store.state import open_regular

        with open_regular(path) as handle:  # a FIFO or a device in its place: no hint, never a wait
            raw = handle.read(4_000_001)
        if len(raw) > 4_000_000:
            return None
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        root = yaml.compose(raw.decode("utf-8-sig"), Loader=loader)
        units = next(v for k, v in root.value if k.value == "units")
        scalar = yaml.ScalarNode  # only a scalar's value is taken: a node's repr walks all it holds
        names = []
        for unit in units.value:
            for key, value in unit.value:
                if key.value in ("id", "name") and isinstance(value, scalar):
                    names.append(value.value)
                elif key.value == "short_names" and isinstance(value, yaml.SequenceNode):
                    names += [item.value for item in value.value if isinstance(item, scalar)]
        return [n for n in names if n.strip()] or None
    except Exception:  # no folder, no file, no YAML, another shape: the guess is made as without it
        return None


def _names_a_unit(word: str, names: list[str]) -> bool:
    """Whether word names one of the units (names: _unit_names) as --unit would take it: an id, a
    name or a short name, a part of one, one mistyped (市人设局), or several (人社局,住建局)."""
    import difflib

    parts = [p for p in re.split(r"[,，、;；/\s]+", word.strip()) if p]
    return bool(parts) and all(
        part in names or part.lower() in names or (len(part) > 1 and any(part in n for n in names))
        or difflib.get_close_matches(part, names, n=1, cutoff=0.6) for part in parts)


# a 督办通知 as reply, reprint … take it: 2023-4, 4号, 法治督〔2023〕4号 (W2023-0004 is a problem's)
_NOTICE_REF = re.compile(r"\d{4}\s*[-—－–/.年]\s*第?\d{1,4}号?|第?\d{1,4}号|.*[〔\[(（【［]\d{4}[〕\])）】］]\s*第?\d+号?")


def _notice_hint(ctx, ref: str, tail: list[str]) -> str:
    """cc history 2023-4: the notice's trail is cc history --notice 2023-4 (see ref_pointer)."""
    return ref_pointer(ctx.command_path.split()[0], ctx.command.name, ref, tail)


def ref_pointer(prog: str, command: str, ref: str, tail: list[str] | None = None) -> str:
    """cc history 2023-4, cc show 2023-4, cc history W2023-0004: a notice's or a problem's number
    given to a command that takes none (history) or takes a task (show); what shows it instead:
    for a notice its trail (cc history --notice), the command that shows it (cc reprint …
    --dry-run writes nothing) and history's list of notices, and, for a number a problem may have
    too (2023-4 is W2023-0004 to the problem commands), cc problem show; for a problem cc problem show. Each a command line to paste, with
    the options written before the command and the folder and date written after it (tail: the
    words after the command's name, else found in the command line); "" for no such number."""
    from ..textguard import unmarked

    ref = unmarked(ref).strip()
    problem = re.fullmatch(_PROBLEM_ID, ref) is not None
    if not problem and not _NOTICE_REF.fullmatch(ref):
        return ""
    typed = sys.argv[1:]
    if tail is None:
        at = max((i for i, t in enumerate(typed) if t == command), default=None)
        tail = typed[at + 1:] if at is not None else []
    before = typed[:max(len(typed) - len(tail) - 1, 0)]  # the words before the command's name
    common, narrow, k = [], [], 0
    while k < len(tail):
        word = tail[k]
        name = word.partition("=")[0]
        pair = [word] if "=" in word else tail[k:k + 2]
        if name in ("--data", "--as-of"):
            common += pair
        elif name in ("--unit", "-u", "--task", "-t"):
            narrow += pair
        k += len(pair) if name in ("--data", "--as-of", "--unit", "-u", "--task", "-t") else 1

    def line(*words: str) -> str:
        return f"{prog} {_shown([*before, *words, *common], paste=True)}"

    takes = "cc history 不带编号" if command == "history" else f"cc {command} 后面写任务编号"
    if problem:
        return (f"{ref} 像是问题清单的问题编号，{takes}：查看这个问题用 {line('problem', 'show', ref)}；"
                f"列出问题清单的记录用 {line('history', '--kind', '问题', *narrow)}。")
    said = (f"{ref} 像是督办通知的编号，{takes}：这份通知的全程留痕（反馈、退回、销号等）用 "
            f"{line('history', '--notice', ref)}；通知全文用 {line('reprint', ref, '--dry-run')}"
            f"（只显示，不写入文件）；列出督办通知用 {line('history', '--kind', '督办', *narrow)}。")
    if re.fullmatch(r"\d{4}\s*[-—－–/.]\s*\d{1,4}", ref):
        said += f"若是问题清单的问题：{line('problem', 'show', ref)}。"
    return said


def _stray_hint(ctx, exc, words: list[str]) -> str:
    """What the words no parameter took were probably meant as, in a whole sentence, or ""."""
    command = ctx.command
    params = [p for p in command.get_params(ctx) if getattr(p, "param_type_name", "") == "option"]
    options = {o for p in params for o in (*p.opts, *p.secondary_opts)}
    try:
        tail = _tail(ctx)
    except ValueError:
        tail = []
    if not any(w.strip() for w in words):
        return '参数是空的（""）：可能多写了一对引号，或脚本中的变量没有值。'
    words = [w for w in words if w.strip()]
    if any(w.lower() in _HELP_WORDS for w in words):  # cc status help, cc status /? (a Windows habit)
        return f"查看帮助请用 {ctx.command_path} --help。"
    notice = next((w for w in words if _NOTICE_REF.fullmatch(w.strip()) or re.fullmatch(_PROBLEM_ID, w.strip())),
                  None)
    if notice is not None and command.name == "history":  # cc history 2023-4: history lists, by no number
        return _notice_hint(ctx, notice.strip(), tail)

    def option_of(name: str):
        return next(p for p in params if name in (*p.opts, *p.secondary_opts))

    def cut(word: str) -> tuple[str, list[str]] | None:
        """(the option, its value and the words after it) when word may be the rest of an option's
        value cut at a space (--note 说明 额外), else None."""
        at = tail.index(word) if word in tail else -1
        if at < 1:
            return None
        joined = _attached(tail[at - 1], options)
        if joined is not None:
            name, first = joined
        elif at >= 2 and tail[at - 2] in options and not tail[at - 1].startswith("-"):
            name, first = tail[at - 2], tail[at - 1]
        else:
            return None
        rest = [first, word]
        for more in tail[at + 1:]:
            if more.startswith("-") or more not in words:
                break
            rest.append(more)
        return name, rest

    def cut_text(word: str) -> str:
        """--note 说明 额外: a text with a space, not quoted, is cut at the space; the hint for it
        (--co 甲 乙: names are repeated with their option instead)."""
        found = cut(word)
        if found is None:
            return ""
        name, rest = found
        first, option = rest[0], option_of(name)
        if option.opts[0] in _NAME_LISTS and option.multiple:
            return f"是否为 {' '.join(f'{name} {w}' for w in rest)}？多项时每项前都写 {name}。"
        if (option.is_flag or option.count or option.metavar or option.opts[0] in ("--unit", "--task", *_WORD_OPTIONS)
                or re.fullmatch(r"[\d０-９%％.\-/年月日]+", first)):
            return ""  # a flag, a name, a word of a list, a number, a date or a folder (their forms are named)
        many = f"多项时每项前都写 {name}。" if option.multiple else ""
        text, wrapped = _unwrapped(" ".join(rest))
        if wrapped:  # --note “测试 额外”: the shell cut at the space all the same
            return f"是否为 {name} \"{_chinese_quotes(text)}\"？{_NOT_QUOTES}。{many}"
        quotes = "；文字中的英文引号请改用中文引号“”" if '"' in text else ""
        return f"是否为 {name} \"{_chinese_quotes(text)}\"？含空格的文字要整个加引号{quotes}。{many}"

    # ——dry-run, －－unit: an option typed with a Chinese input method's dash is a word to click
    # (——见附件 after a note is the note's text, cut at its space)
    for word in words:
        bare = word.lstrip(WIDE_DASHES)
        if bare != word and bare:
            fixed = ("--" if len(bare) > 1 else "-") + bare
            if fixed not in options and not re.fullmatch(r"[A-Za-z][A-Za-z-]*", bare) and cut_text(word):
                return cut_text(word)
            if fixed not in options:
                return f"选项前的 -- 要用半角（英文输入法）的减号：{word} 应写作 {fixed}。"
            return f"是否为 {fixed}？选项前的 -- 要用半角（英文输入法）的减号。"

    # cc log T09 市人社局 60, cc notice 人社局 T08, cc status 2023-12-05, cc problem list 暗访: a
    # unit, task, percent, date or a word of a list written without its option, each given to the
    # option it fits when that option was not given already (a word that may be the rest of a text
    # cut at its space is not taken for a unit's name)
    line = sys.argv[1:]
    names = {p.opts[0] for p in params if p.opts}
    own_dates = [o for o in _DATE_OPTIONS if o in names]  # the command's one date option, else --as-of
    dates = own_dates[0] if len(own_dates) == 1 else ("--as-of" if not own_dates else "")
    guessed = ("--unit", "--task", "--percent", dates, "--pass", "--fail", *_WORD_OPTIONS)
    open_ = [p.opts[0] for p in params if p.opts and p.opts[0] in guessed and not _given(line, p)]
    verdicts = [p for p in params if p.opts and p.opts[0] in ("--pass", "--fail")]
    if any(_given(line, p) for p in verdicts):  # one verdict given: 不合格 after --pass --note 经复查 is the note's
        open_ = [o for o in open_ if o not in ("--pass", "--fail")]
    # A required option missing (cc log T01 --evidence a.pdf 进展情况): a word that fits it is its
    # value before it is the rest of the option written before it. A name is a unit's only when the
    # data's units say so; unread, one that may be a cut text is not taken for a unit.
    missing = [p.opts[0] for p in params if p.opts and p.required and not _given(line, p)]
    units = _unit_names(ctx) if "--unit" in open_ and any(_kind_of(w) == "name" for w in words) else None

    def fits(option: str, word: str) -> bool:
        if option == "--unit" and _kind_of(word) == "name":
            return _names_a_unit(word, units) if units is not None else not cut_text(word)
        return _value_for(option, word, dates)

    rest, hints = list(words), []
    for option in open_:
        word = next((w for w in rest if fits(option, w)), None)
        if word is not None:
            rest.remove(word)
            hints.append(option if option in ("--pass", "--fail") else f"{option} {word}")
    # the words left, when no unit is wanted (or none of them is one): the text of a missing
    # --note or --reason; a text cut at its space before it when that one is not required
    text = next((p.opts[0] for p in params if p.opts and p.opts[0] in _TEXT_OPTIONS and not _given(line, p)), None)
    loose = [w for w in rest if _kind_of(w) in ("name", "list")]
    cuts = [found for found in map(cut, loose) if found is not None and cut_text(found[1][1])]
    name, cut_rest = cuts[0] if cuts else ("", [])
    a_file = name in ("--evidence", "-e") and re.search(r"\.\w{1,5}$", cut_rest[-1])  # --evidence 会议 纪要.pdf
    also = ""
    if text and loose and ("--unit" not in open_ or units is not None) and (text in missing or not cuts) \
            and not a_file:
        joined, wrapped = _unwrapped(" ".join(loose))
        joined = _chinese_quotes(joined)
        hints.append(f'{text} "{joined}"' if " " in joined or wrapped else f"{text} {joined}")
        if wrapped:
            also = f"{_NOT_QUOTES}。"
        if cuts and name not in ("--evidence", "-e"):  # a file's name cut, without its own ending, it is not
            also = (f"若“{' '.join(cut_rest[1:])}”是 {name} 的后半段，应写作 {name} "
                    f"\"{_chinese_quotes(' '.join(cut_rest))}\"（含空格的文字要整个加引号）。")
    if hints:
        said = {h.split()[0] for h in hints}
        named = {getattr(getattr(exc, "param", None), "opts", [""])[0]}
        more = [o for o in missing if o not in said and o not in named]
        still = f"另外还缺少必填选项 {'、'.join(more)}。" if more else ""
        return f"是否为 {' '.join(hints)}？{also}{still}"
    return next((hint for hint in map(cut_text, words) if hint), "")


# options of one meaning under different names on different commands
_SYNONYMS = {"--deadline": ("--to", "--days"), "--days": ("--to", "--deadline"), "--due": ("--deadline", "--to"),
             "--until": ("--to", "--deadline"), "--to": ("--deadline", "--days"), "--reason": ("--note",),
             "--note": ("--reason",), "--comment": ("--note", "--reason"), "--message": ("--note", "--reason"),
             "-m": ("--note", "--reason"), "--desc": ("--note",), "--file": ("--evidence",),
             "--attach": ("--evidence",), "--type": ("--kind",), "--category": ("--kind",)}
_SYNONYM_NOTES = {"--to": "延期写新的整改期限日期，如 --to 2024-01-20。"}


# what an argument is, for "write it without its option" (cc log --task T08 → cc log T08)
_ARGUMENTS = {"task": "任务编号", "unit": "单位", "notice_ref": "通知编号", "problem": "问题编号",
              "entry_id": "记录 id", "file": "文件", "directory": "目录"}


def _argument_hint(ctx, word: str) -> str:
    """cc log --task T08, cc notice T08 --unit 人社局: an option named as the command's argument,
    which is written without one; the command line as it should be, or ""."""
    name = word.lstrip("-").split("=", 1)[0].replace("-", "_")
    name = {"notice": "notice_ref", "ref": "notice_ref", "id": "entry_id", "entry": "entry_id"}.get(name, name)
    command = ctx.command
    params = command.get_params(ctx)
    argument = next((p for p in params if getattr(p, "param_type_name", "") == "argument" and p.name == name), None)
    if argument is None:
        return ""
    options = {o: p for p in params if getattr(p, "param_type_name", "") == "option"
               for o in (*p.opts, *p.secondary_opts)}
    try:
        tail = _tail(ctx)
    except ValueError:
        return ""
    value, kept, loose, i = None, [], [], 0
    while i < len(tail):
        t = tail[i]
        if t == word or t.startswith(word + "="):
            if "=" in t:
                value = t.split("=", 1)[1]
            elif i + 1 < len(tail):
                value, i = tail[i + 1], i + 1
        elif t in options:
            kept.append(t)
            if not (options[t].is_flag or options[t].count) and i + 1 < len(tail):
                kept.append(tail[i + 1])
                i += 1
        elif t.startswith("-"):
            kept.append(t)
        else:
            loose.append(t)
        i += 1
    label = _ARGUMENTS.get(name, name)
    said = f"{label}{' ' if label[-1].isascii() else ''}直接写在命令名后，不加 {word}"
    if value is None:
        return said + "。"
    line = [value]
    for t in loose:  # cc notice T08 --unit 人社局: T08 was taken as the unit; it is a task
        fits = [o for o in ("--task", "--percent") if o in options and o != word and _value_for(o, t)]
        line += [fits[0], t] if fits else [t]
    typed = sys.argv[1:]
    before = typed[:len(typed) - len(tail)]  # cc --as-of … log: the options before the command kept
    shown = _shown(before + line + kept, paste=True)
    return f"{said}：是否为 {ctx.command_path.split()[0]} {shown}？"


def _reopen_line(ctx) -> str:
    """cc verify T01 --fail: the cc reopen line for the same task, with the options written before
    the command (cc --data … --as-of …)."""
    typed = sys.argv[1:]
    try:
        tail = _tail(ctx)
    except ValueError:
        tail = []
    task = next((value for p, value, _, _, _ in _scan(ctx.find_root().command, typed)
                 if getattr(p, "param_type_name", "") == "argument" and p.name == "task"), "")
    before = typed[:max(len(typed) - len(tail) - 1, 0)]  # the words before the command's name
    line = _shown([*before, "reopen", task], paste=True) if task.strip() else _shown([*before, "reopen"]) + " 任务编号"
    return f"{ctx.command_path.split()[0]} {line} --reason …"


def suggestion(exc) -> str:
    """What the user probably meant (statu → status, --unti → --unit), as a sentence, or ""."""
    import difflib

    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return ""
    command = ctx.command
    # a full-width space (U+3000, a Chinese input method's) inside any word: --unit　人社局, status　--unit,
    # a value typed with the next option ('2023-4　--note')
    spaced = next((w for w in sys.argv[1:] if re.search(r"\S\u3000+-", w)
                   or (w.startswith("-") and re.search(r"\S\u3000+\S", w))), None)  # not a note's own spaces
    if spaced is not None:
        fixed = " ".join(part for part in spaced.split("\u3000") if part)
        return f"“{spaced}”中间是全角空格（中文输入法打出的空格）：应写作 {fixed}（用半角空格分开）。"
    words = leftover(exc)
    if words:
        return _stray_hint(ctx, exc, words)
    if type(exc).__name__ == "MissingParameter" and command.name == "recheck" \
            and not {"--pass", "--fail"} & {w.partition("=")[0] for w in sys.argv[1:]}:
        # the result is no option click requires (recheck checks it): said now, not after --note is added
        return "另外还要写明复查结果：--pass（通过，销号）或 --fail（未通过，返工），两者写一个。"
    m = re.match(r"No such command '(.*)'\.", exc.format_message())
    if m and not m[1].strip():  # cc "" (an unset variable in a script)
        return '可能多写了一对引号，或脚本中的变量没有值；运行 cc --help 查看有哪些命令。'
    named = m[1].replace("\\u3000", "\u3000") if m else getattr(exc, "option_name", None)  # click's repr() of it
    if named and "\u3000" in named.strip("\u3000"):  # cc status　--unit, --unit　人社局: a Chinese input method's space
        fixed = " ".join(named.split("\u3000"))
        return f"“{named}”中间是全角空格（中文输入法打出的空格）：应写作 {fixed}（用半角空格分开）。"
    if m:
        word, names = m[1], list(getattr(command, "commands", {}))
        # a command of a group typed without it (recheck → problem recheck), before any look-alike
        nested = [f"cc {ctx.command_path.split(' ', 1)[1] + ' ' if ' ' in ctx.command_path else ''}{group} {word}"
                  for group, sub in getattr(command, "commands", {}).items() if word in getattr(sub, "commands", {})]
        if nested:
            return f"是否为 {' 或 '.join(nested)}？"
        if COMMAND_WORDS.get(word.lower()) in names:  # report weekly → md
            return f"是否为 {COMMAND_WORDS[word.lower()]}？"
        bare = word.lstrip(WIDE_DASHES)
        if bare != word and bare:  # cc ——data 目录 status: an option with a Chinese input method's dash
            fixed = ("--" if len(bare) > 1 else "-") + bare
            return f"选项前的 -- 要用半角（英文输入法）的减号：{word} 应写作 {fixed}。"
        if word.lower() in _FORMAT_NOTES and names and ctx.command_path.split()[1:] == ["report"]:
            return _FORMAT_NOTES[word.lower()]
    elif hasattr(exc, "option_name"):
        word = exc.option_name
        told = _misplaced_hint(ctx, word)
        if told:
            return told
        told = _argument_hint(ctx, word)
        if told:
            return told
        name, wide, value = word.partition("＝")  # --unit＝人社局: an input method's 等号 is no "=" to click
        if wide and any(name in p.opts for p in command.get_params(ctx)):
            return f"选项与值之间的等号要用半角（英文输入法）：{word} 应写作 {name}={value}，或 {name} {value}。"
        if word in ("--pass", "--fail") and command.name == "verify":  # as cc problem recheck takes them
            reopen = _reopen_line(ctx)
            return (f"cc verify 就是验收通过（销号），不写 --pass；验收不通过请退回重办：{reopen}。" if word == "--pass"
                    else f"验收不通过请退回重办：{reopen}；cc verify 只用于验收通过（销号）。")
        # an option of the same meaning on other commands: cc problem extend --deadline → --to
        have = {o for p in command.get_params(ctx) for o in (*p.opts, *p.secondary_opts)}
        same = next((o for o in _SYNONYMS.get(word.split("=", 1)[0], ()) if o in have), None)
        if same is not None:
            return f"是否为 {same}？{_SYNONYM_NOTES.get(same, '')}"
        names = [o for p in command.get_params(ctx) for o in (*p.opts, *p.secondary_opts)
                 if o.startswith("-") and not getattr(p, "hidden", False)]
    else:
        return ""
    # options share their "--", which alone makes --since look like --strict (0.67): a higher bar for them
    matches = difflib.get_close_matches(word, names, n=2, cutoff=0.7 if word.startswith("-") else 0.6)
    if not matches and word.startswith("--"):  # an abbreviation: --perc → --percent
        matches = [n for n in names if n.startswith(word)][:2]
    if matches:
        return f"是否为 {' 或 '.join(matches)}？"
    if m and ctx.parent is not None:  # cc report pdf: a group's few commands, named
        listed = "、".join(n for n, c in command.commands.items() if not getattr(c, "hidden", False))
        what = "报表格式" if ctx.command_path.split()[1:] == ["report"] else "命令"
        return f"{ctx.command_path} 的{what}有：{listed}。"
    if m and any(a in ("-h", "--help") for a in sys.argv[1:]):  # cc --help x (read as cc x --help)
        return f"查看某个命令的帮助写 {ctx.command_path} 命令 --help（如 {ctx.command_path} status --help）。"
    return ""


# formats cc report does not make, and what does instead
_FORMAT_NOTES = {
    "pdf": "cc report 的报表格式有：xlsx、html、md，没有 pdf：用 cc report html 生成领导阅览页，在浏览器中打印为 PDF（A4）。",
    "docx": "cc report 的报表格式有：xlsx、html、md，没有 docx：周报用 cc report md，督办通知的 .docx 由 cc notice 生成。",
    "word": "cc report 的报表格式有：xlsx、html、md，没有 Word：周报用 cc report md，督办通知的 .docx 由 cc notice 生成。",
}


def _misplaced_hint(ctx, word: str) -> str:
    """cc --unit 人社局 status: an option of a command written before the command's name, where
    cc itself (or cc problem, cc report) has no such option; the line with it moved after the
    command, or ""."""
    group = ctx.command
    if not hasattr(group, "commands"):
        return ""
    typed = sys.argv[1:]
    name = word.partition("=")[0]
    at = next((i for i, t in enumerate(typed) if t == word or t.startswith(name + "=")), None)
    if at is None:
        return ""
    rest = typed[at + 1:]
    prog, *inside = ctx.command_path.split()

    def has(command) -> bool:
        return any(name in (*p.opts, *p.secondary_opts) for p in command.params
                   if getattr(p, "param_type_name", "") == "option")

    j = next((i for i, t in enumerate(rest) if t in group.commands), None)
    if j is None:  # cc --unit 人社局: no command named; one that takes it, as an example
        some = next((n for n, c in group.commands.items() if not hasattr(c, "commands") and has(c)), None)
        return f"{name} 是命令的选项，要写在命令名之后，如 {' '.join([prog, *inside, some])} {name} …。" if some else ""
    target, path = group.commands[rest[j]], [rest[j]]
    while hasattr(target, "commands") and j + len(path) < len(rest) and rest[j + len(path)] in target.commands:
        target = target.commands[rest[j + len(path)]]
        path.append(rest[j + len(path)])
    if not has(target):
        return ""
    line = [*typed[:at], *path, *rest[j + len(path):], typed[at], *rest[:j]]  # its value with it, at the end
    return (f"{name} 是 {' '.join([prog, *inside, *path])} 的选项，要写在命令名之后："
            f"是否为 {prog} {_shown(line, paste=True)}？")


def _scan(command, args: list[str]) -> list[tuple[object, str, int, str, object]]:
    """(parameter, value, index, head) for each option value and argument on the command line,
    as click will assign them (an option's value is the next word or what follows = or a short
    option's letter; arguments in order), walking into the subcommands named; flags are left
    out. index: the word of args holding the value; head: what comes before the value in that
    word (--days= of --days=10, -u of -u人社局, else ""); the (sub)command whose parameter it is."""
    current, found, k, spare = command, [], 0, []
    while k < len(args):
        word = args[k]
        k += 1
        if word == "--":
            break
        params = getattr(current, "params", [])
        if word.startswith("-") and len(word) > 1:
            for p in params:
                if getattr(p, "param_type_name", "") != "option":
                    continue
                names = (*p.opts, *p.secondary_opts)
                joined = _attached(word, names)
                head = None if joined is None else word[:len(word) - len(joined[1])]
                if word not in names and head is None:
                    continue
                if p.is_flag or p.count:
                    break
                if head is not None:
                    found.append((p, word[len(head):], k - 1, head, current))
                elif k < len(args):
                    found.append((p, args[k], k, "", current))
                    k += 1
                break
        elif hasattr(current, "commands") and word in current.commands:
            current = current.commands[word]
            spare = [p for p in current.params if getattr(p, "param_type_name", "") == "argument"]
        elif spare:
            p = spare[0] if spare[0].nargs != 1 else spare.pop(0)
            found.append((p, word, k - 1, "", current))
    return found


def _annotation(p):
    """The Python type a parameter is declared with (int, str, Path …): newer typer keeps it as
    type_descriptor (click's type is made later), older typer's click type is mapped back."""
    descriptor = getattr(p, "type_descriptor", None)
    if descriptor is not None:
        return getattr(descriptor, "annotation", None)
    name = type(getattr(p, "type", None)).__name__
    return {"IntParamType": int, "IntRange": int, "Path": __import__("pathlib").Path}.get(name)


def plain_numbers(command, args: list[str]) -> list[str]:
    """args with each whole-number option's value written as click reads one: --days １０ (full-
    width digits) and --days 10天 were refused as 应为整数 where --percent ８５ is taken."""
    import unicodedata

    out = list(args)
    for p, value, index, head, _ in _scan(command, args):
        if _annotation(p) is not int:
            continue
        plain = unicodedata.normalize("NFKC", value).strip()
        plain = re.sub(r"(?<=\d)\s*(天|日|个自然日|days?)$", "", plain)
        if plain != value and re.fullmatch(r"\d{1,6}", plain):
            out[index] = head + plain
    return out


def repeated_option(command, args: list[str]) -> tuple[str, list[str]] | None:
    """(an option given more than once with different values, its values) when the command line
    has one that takes a single value: click keeps the last one silently (--note 甲 --note 乙
    recorded only 乙, --light 红 --light 黄 showed only the yellow tasks), else None. Options that
    repeat by design (--evidence, --co, --task, --cc) and flags are not counted."""
    seen: dict[tuple, list[str]] = {}
    for p, value, _, _, owner in _scan(command, args):
        # by command: cc --data A status --data B is an alias's folder overridden, as before
        if getattr(p, "param_type_name", "") == "option" and not p.multiple:
            seen.setdefault((id(owner), p.opts[0]), []).append(value)
    return next(((key[1], values) for key, values in seen.items() if len(set(values)) > 1), None)


# what a Chinese input method types between words instead of a space: the next option is glued on
_GLUED = re.compile(r"([，、；。\u3000]+) *(?=(--?[A-Za-z][\w-]*)(?:[=\u3000]|$))")
_TEXT_VALUES = ("--note", "--reason", "--desc", "--plan", "--correct")  # a sentence may end in 。


def glued_options(command, args: list[str]) -> list[tuple[int, object, str, list[str]]]:
    """(index, parameter, the mark, the words it stands for) for each option value or argument of
    args that holds one of its command's options glued on after Chinese punctuation or a full-width
    space (--unit 人社局，--percent 50: the shell split at the ASCII space alone, so 人社局，--percent
    became the unit, and click said --percent was missing though it was typed; a flag so glued,
    --note 完成，--dry-run, was recorded as the note, for real). The words: the value without the
    mark (a text keeps its 。), then the option and what the full-width spaces after it part."""
    out = []
    for p, value, index, head, owner in _scan(command, args):
        names = {o for q in getattr(owner, "params", []) for o in (*getattr(q, "opts", ()), *getattr(q, "secondary_opts", ()))
                 if o.startswith("-")} | {"--help", "-h"}
        cuts = [m for m in _GLUED.finditer(value) if m[2] in names]
        if not cuts:
            continue
        first = cuts[0]
        kept = value[:first.start()]
        if "。" in first[1] and getattr(p, "opts", [""])[0] in _TEXT_VALUES:
            kept += "。"
        words = [head + kept]
        for m, end in zip(cuts, [c.start() for c in cuts[1:]] + [len(value)]):
            words += [w for w in value[m.end():end].split("\u3000") if w.strip()]
        out.append((index, p, first[1].strip(" "), words))
    return out


def glued_refusal(command, args: list[str], prog: str) -> tuple[str, str] | None:
    """(the error, the hint with the corrected command line) for the options glued_options finds."""
    found = glued_options(command, args)
    if not found:
        return None
    index, p, mark, words = found[0]
    fixed = list(args)
    for at, _, _, parts in reversed(found):
        fixed[at:at + 1] = parts
    option = words[1].partition("=")[0]
    what = (f"{p.opts[0]} 的值" if getattr(p, "param_type_name", "") == "option"
            else _ARGUMENTS.get(p.name, p.name))
    said = ("全角空格（中文输入法打出的空格）" if set(mark) == {"\u3000"}
            else f"中文标点“{mark.replace(chr(0x3000), '')}”")
    error = f"“{args[index]}”中的 {option} 紧跟在{said}后面，被当成了{' ' if what[0].isascii() else ''}{what}的一部分，未执行任何操作"
    space = "（英文输入法的空格）" if set(mark) == {"\u3000"} else "（中文标点后也要空一格）"
    hint = f"选项前要用半角空格隔开{space}：应写作 {prog} {_shown(fixed, paste=True)}"
    return error, hint


def empty_value(command, args: list[str]) -> tuple[str, str] | None:
    """(the name of an argument, or of an option naming a file or folder, given as "" or only
    spaces, the value) (cc init '' made the group in the current folder, --data '' read it, --out ''
    wrote the default file; an adversarial try), else None. Texts given empty are judged by the
    commands (不能为空)."""
    for p, value, _, _, _ in _scan(command, args):
        argument = getattr(p, "param_type_name", "") == "argument"
        path = getattr(_annotation(p), "__name__", "") in ("Path", "PosixPath", "WindowsPath") or \
            (p.opts and p.opts[0] in ("--data", "--out", "--map"))
        if not value.strip() and (argument or path):
            return (_ARGUMENTS.get(p.name, p.name) if argument else p.opts[0]), value
    return None


def click_module():
    """The click that typer runs on: newer typer vendors its own copy as typer._click."""
    try:
        from typer import _click as click  # type: ignore[attr-defined]
    except ImportError:
        import click
    return click


def run(app) -> int:
    import importlib

    from typer.main import get_command

    click = importlib.import_module(click_module().__name__ + ".exceptions")

    command = get_command(app)
    from .i18n import translate_params

    translate_params(command)
    prog = os.path.basename(sys.argv[0]) or "cc"
    if prog in ("__main__.py", "-m"):
        prog = "cc"
    empty, written = empty_value(command, sys.argv[1:]) or (None, "")
    if empty is not None:
        label = {"文件": "文件名", "目录": "目录名"}.get(empty, empty)  # 文件不能为空 read as "the file is empty"
        print(f"错误：{label}{' ' if label[-1].isascii() else ''}不能为空（写成了 {_shown([written])}），未执行任何操作",
              file=sys.stderr)
        print("提示：可能多写了一对引号，或脚本中的变量没有值" +
              ("；不写这一项时请连同选项名一起去掉。" if empty.startswith("-") else "。"), file=sys.stderr)
        return 2
    glued = glued_refusal(command, sys.argv[1:], prog)
    if glued is not None:
        print(f"错误：{glued[0]}", file=sys.stderr)
        print(f"提示：{glued[1]}", file=sys.stderr)
        return 2
    twice = repeated_option(command, sys.argv[1:])
    if twice is not None:
        option, values = twice
        print(f"错误：选项 {option} 写了 {len(values)} 次（{'、'.join(_shown([v]) for v in values)}），只能写一次；"
              "未执行任何操作", file=sys.stderr)
        spaces = "含空格的文字请整个加引号写成一项；" if option in FREE_TEXT_OPTIONS else ""
        print(f"提示：{option} 只能取一个值，请只写一次。{spaces}帮助中注明“可重复”的选项"
              "（如 --evidence、--co、--task、--cc）才可以写多次。", file=sys.stderr)
        return 2
    try:
        result = command.main(args=plain_numbers(command, sys.argv[1:]), prog_name=prog, standalone_mode=False)
    except getattr(click, "NoArgsIsHelpError", ()) as exc:
        print(exc.ctx.get_help() if exc.ctx else "")
        return 0
    except click.UsageError as exc:
        extra = leftover(exc) if getattr(exc, "param", None) is not None else []  # click names the others
        told = f"（多余的参数：{_shown(extra)}）" if extra else ""
        message = translate(exc.format_message())
        if getattr(exc, "option_name", None) and "\u3000" in exc.option_name:  # \S+ stopped at the space
            message = f"没有这个选项：{exc.option_name}"
        if re.match(_EXTRA, exc.format_message()):  # click's own list shows an empty word as nothing
            message = "多余的参数：" + _shown(leftover(exc) or [""])
        print(f"错误：{message}{told}", file=sys.stderr)
        hint = suggestion(exc)
        if hint:
            print(f"提示：{hint}", file=sys.stderr)
        if exc.ctx is not None:
            path = exc.ctx.command_path
            usage = exc.ctx.get_usage().strip()
            if not usage.startswith("用法"):
                usage = "用法：" + usage.removeprefix("Usage: ").replace("[OPTIONS]", "[选项]")
            print(usage, file=sys.stderr)
            print(f"运行 {path} --help 查看帮助。", file=sys.stderr)
        return 2
    except getattr(click, "Abort", ()):
        print("已取消。", file=sys.stderr)
        return 130
    except click.ClickException as exc:
        print(f"错误：{translate(exc.format_message())}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # the commands' own guard catches these; this is the last line
        from .plain import os_error

        return os_error(exc)
    if result == 130:  # typer turns Ctrl-C inside a command into Exit(130), silently
        print("已中断。", file=sys.stderr)
    return result if isinstance(result, int) else 0
