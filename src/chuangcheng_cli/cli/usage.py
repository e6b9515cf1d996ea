"""Running the click command ourselves so that usage errors come out in Chinese with exit 2."""

from __future__ import annotations

import os
import re
import sys

_PATTERNS = [
    (r"No such option: (\S+)", lambda m: f"没有这个选项：{m[1]}"),  # the suggestion: see suggestion()
    (r"No such command '(.+)'\.", lambda m: f"没有这个命令：{m[1]}"),
    (r"Missing command\.", lambda m: "缺少命令（加 --help 查看有哪些命令）"),
    (r"Missing argument '(.+)'\.", lambda m: f"缺少参数 {m[1]}"),
    (r"Missing option '(.+)'\.", lambda m: f"缺少必填选项 {m[1]}"),
    (r"Missing parameter: (\S+)", lambda m: f"缺少必填参数 {m[1]}"),
    (r"Option '(.+)' requires an argument\.", lambda m: f"选项 {m[1]} 需要一个值"),
    (r"Option '(.+)' does not take a value\.", lambda m: f"选项 {m[1]} 不带值"),
    (r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)", lambda m: f"多余的参数：{m[1]}"),
    (r"Invalid value for '?([^':]+)'?: (?:Value error, )?'(.*)' is not one of (.+)\.",
     lambda m: f"{m[1]} 的值 {m[2]!r} 无效，应为以下之一：{m[3]}"),
    (r"Invalid value for '?([^':]+)'?: '(.*)' is not a valid integer\.",
     lambda m: f"{m[1]} 的值 {m[2]!r} 不是整数"),
    (r"Invalid value for '?([^':]+)'?: (.+) is not in the range (.+)\.",
     lambda m: f"{m[1]} 的值 {m[2]} 超出范围（{m[3].replace('<=x<=', '–')}）"),
    (r"Invalid value for '?([^':]+)'?: '(.*)' is not one of (.+)\.",
     lambda m: f"{m[1]} 的值 {m[2]!r} 无效，应为以下之一：{m[3]}"),
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


_EXTRA = r"Got unexpected extra argument(?:s|\(s\))? \((.+)\)"
# dashes a Chinese input method types for "-": —— is what shift+minus gives in most of them
_WIDE_DASHES = "—－―–‐‑﹣"


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
        _, extra, _ = ctx.command.make_parser(ctx).parse_args(args=_tail(ctx))
    except Exception:  # a command line click itself could not take apart: say nothing more
        return []
    return [str(word) for word in extra]


def _value_for(option: str, word: str) -> bool:
    """Whether word looks like a value of option: a number for --percent, a task's id for --task,
    a unit's name for --unit (nothing else: a note or a date is not guessed at)."""
    number = re.fullmatch(r"[0-9０-９]+(?:\.[0-9]+)?[%％]?", word) is not None
    task = re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]{0,31}", word) is not None and any(c.isdigit() for c in word)
    if option == "--percent":
        return number
    if option == "--task":
        return task
    if option == "--unit":
        return not number and not task and not word.startswith("-")
    return False


def _stray_hint(ctx, exc, words: list[str]) -> str:
    """What the words no parameter took were probably meant as, in a whole sentence, or ""."""
    command = ctx.command
    params = [p for p in command.get_params(ctx) if getattr(p, "param_type_name", "") == "option"]
    options = {o for p in params for o in (*p.opts, *p.secondary_opts)}
    try:
        tail = _tail(ctx)
    except ValueError:
        tail = []

    def given(p) -> bool:
        return any(t == o or t.startswith(o + "=") for o in p.opts for t in tail)

    # ——dry-run, －－unit: an option typed with a Chinese input method's dash is a word to click
    for word in words:
        bare = word.lstrip(_WIDE_DASHES)
        if bare != word and bare:
            fixed = ("--" if len(bare) > 1 else "-") + bare
            if fixed not in options:
                return f"选项前的 -- 要用半角（英文输入法）的减号：{word} 应写作 {fixed}。"
            return f"是否为 {fixed}？选项前的 -- 要用半角（英文输入法）的减号。"

    def cut_text(word: str) -> str:
        """--note 说明 额外: a text with a space, not quoted, is cut at the space; the hint for it."""
        at = tail.index(word) if word in tail else -1
        if at < 2 or tail[at - 2] not in options or tail[at - 1].startswith("-"):
            return ""
        option = next(p for p in params if tail[at - 2] in (*p.opts, *p.secondary_opts))
        if (option.is_flag or option.count or option.metavar or option.opts[0] in ("--unit", "--task")
                or re.fullmatch(r"[\d０-９%％.\-/年月日]+", tail[at - 1])):
            return ""  # a flag, a name, a number, a date or a folder (their options name their form)
        rest = [tail[at - 1], word]
        for more in tail[at + 1:]:
            if more.startswith("-") or more not in words:
                break
            rest.append(more)
        many = f"多项时每项前都写 {tail[at - 2]}。" if option.multiple else ""
        return f"是否为 {tail[at - 2]} \"{' '.join(rest)}\"？含空格的文字要整个加引号。{many}"

    # cc log T09 市人社局 60, cc notice 人社局 T08: a unit, task or percent written without its
    # option, each given to the option it fits when that option was not given already (a word
    # that may be the rest of a text cut at its space is not taken for a unit's name)
    open_ = [p.opts[0] for p in params if p.opts and p.opts[0] in ("--unit", "--task", "--percent") and not given(p)]
    rest, hints = list(words), []
    for option in open_:
        word = next((w for w in rest if _value_for(option, w) and not (option == "--unit" and cut_text(w))), None)
        if word is not None:
            rest.remove(word)
            hints.append(f"{option} {word}")
    if hints:
        return f"是否为 {' '.join(hints)}？"
    return next((hint for hint in map(cut_text, words) if hint), "")


def suggestion(exc) -> str:
    """What the user probably meant (statu → status, --unti → --unit), as a sentence, or ""."""
    import difflib

    ctx = getattr(exc, "ctx", None)
    if ctx is None:
        return ""
    command = ctx.command
    words = leftover(exc)
    if words:
        return _stray_hint(ctx, exc, words)
    m = re.match(r"No such command '(.+)'\.", exc.format_message())
    if m:
        word, names = m[1], list(getattr(command, "commands", {}))
        # a command of a group typed without it (recheck → problem recheck), before any look-alike
        nested = [f"cc {ctx.command_path.split(' ', 1)[1] + ' ' if ' ' in ctx.command_path else ''}{group} {word}"
                  for group, sub in getattr(command, "commands", {}).items() if word in getattr(sub, "commands", {})]
        if nested:
            return f"是否为 {' 或 '.join(nested)}？"
        if COMMAND_WORDS.get(word.lower()) in names:  # report weekly → md
            return f"是否为 {COMMAND_WORDS[word.lower()]}？"
    elif hasattr(exc, "option_name"):
        word = exc.option_name
        names = [o for p in command.get_params(ctx) for o in (*p.opts, *p.secondary_opts)
                 if o.startswith("-") and not getattr(p, "hidden", False)]
    else:
        return ""
    matches = difflib.get_close_matches(word, names, n=2, cutoff=0.6)
    if not matches and word.startswith("--"):  # an abbreviation: --perc → --percent
        matches = [n for n in names if n.startswith(word)][:2]
    return f"是否为 {' 或 '.join(matches)}？" if matches else ""


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
    try:
        result = command.main(args=sys.argv[1:], prog_name=prog, standalone_mode=False)
    except getattr(click, "NoArgsIsHelpError", ()) as exc:
        print(exc.ctx.get_help() if exc.ctx else "")
        return 0
    except click.UsageError as exc:
        extra = leftover(exc) if getattr(exc, "param", None) is not None else []  # click names the others
        told = f"（多余的参数：{' '.join(extra)}）" if extra else ""
        print(f"错误：{translate(exc.format_message())}{told}", file=sys.stderr)
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
