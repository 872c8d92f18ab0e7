"""The language gongfu speaks to people: Chinese (zh) or English (en), chosen once per run.

The choice: `--lang zh|en` before the command, else `GONGFU_LANG`, else the system's locale
(`LANGUAGE`, `LC_ALL`, `LC_MESSAGES`, `LANG`; on Windows, where these are seldom set, the user's
interface language). Chinese when it starts with `zh`, English otherwise. The Chinese words live
in `locale/zh_CN/LC_MESSAGES/gongfu.po` (the source translators edit) compiled to `gongfu.mo`.

Two kinds of strings go through the catalog:

- `_("…")` translates at once: help texts, prompts, notes, messages that only people read.
- `T("… {name} …", name=…)` is a `Text`: a `str` whose value is the English sentence, so that
  machine outputs (check's and import's JSON, CSV) stay the same in every language, and that
  also knows how to say itself in the chosen language (`said`). Problems carry `Text`s.

Placeholders are named (`{path}`), so a translation may put them in any order.
"""

from __future__ import annotations

import gettext
import os
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

DOMAIN = "gongfu"
LOCALE_DIR = Path(__file__).parent / "locale"

_catalog: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def system_language(env: Mapping[str, str], windows_ui: str | None = None) -> str:
    """`zh` or `en` from the locale variables, in gettext's order (a `LANGUAGE` list counts by
    its first entry), then Windows' interface language (`zh_CN`, …) when none is set."""
    for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").split(":")[0].strip()
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    if windows_ui:
        return "zh" if windows_ui.lower().startswith("zh") else "en"
    return "en"


def _windows_ui_language() -> str | None:
    """The user's interface language on Windows (`zh_CN`), or None; never called elsewhere."""
    if sys.platform != "win32":
        return None
    try:
        import ctypes
        import locale

        langid = ctypes.windll.kernel32.GetUserDefaultUILanguage()  # type: ignore[attr-defined,unused-ignore]
        return locale.windows_locale.get(int(langid))
    except (AttributeError, OSError, ValueError):
        return None


def lang_in(argv: Sequence[str]) -> str | None:
    """The value of the global `--lang` (before the command name), if given."""
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
        if arg == "--" or not arg.startswith("-"):
            return None
        i += 1
    return None


def choose(argv: Sequence[str], env: Mapping[str, str]) -> str:
    """The language of this run: `--lang`, else `GONGFU_LANG`, else the system's."""
    for given in (lang_in(argv), env.get("GONGFU_LANG")):
        if given and given.strip():
            return "zh" if given.strip().lower().startswith("zh") else "en"
    ui = _windows_ui_language() if sys.platform == "win32" else None
    return system_language(env, ui)


def use(language: str) -> None:
    """Speak `language` from now on: gongfu's words and click's and typer's own."""
    global _catalog, _language
    _language = "zh" if language.lower().startswith("zh") else "en"
    if _language == "zh":
        _catalog = gettext.translation(DOMAIN, LOCALE_DIR, languages=["zh_CN"], fallback=True)
    else:
        _catalog = gettext.NullTranslations()
    teach_click()


def setup(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> str:
    """Choose the language from the command line and environment, and use it."""
    use(choose(sys.argv[1:] if argv is None else argv, os.environ if env is None else env))
    return _language


def language() -> str:
    """`zh` or `en`: the language of this run."""
    return _language


def _(message: str) -> str:
    """`message` in the chosen language."""
    return _catalog.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _catalog.ngettext(singular, plural, n)


class Text(str):
    """An English sentence (its `str` value) that can also say itself in the chosen language.

    Built by `T`; `said(text)` gives the translation, with each placeholder's value said too
    (a `Text` inside a `Text` is translated, a plain value is shown as it is)."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, params: dict[str, Any]) -> Text:
        english = template.format(**params) if params else template
        self = super().__new__(cls, english)
        self.template = template
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return (Text, (self.template, self.params))


def T(template: str, **params: Any) -> Text:
    """A sentence with named placeholders, English in machine output, translated for people."""
    return Text(template, params)


def joined(items: Sequence[str], separator: str) -> Text:
    """Several sentences as one, each said in the reader's language when the whole is."""
    template = (
        separator.replace("{", "{{")
        .replace("}", "}}")
        .join(f"{{item{i}}}" for i in range(len(items)))
    )
    return Text(template, {f"item{i}": item for i, item in enumerate(items)})


def series(items: Sequence[str], conjunction: str = "and") -> str:
    """`a, b and c` (or, with `conjunction="or"`, `a, b or c`): several items in a sentence,
    its comma and its conjunction in the reader's language (、 and 和 or 或 in Chinese)."""
    if len(items) < 2:
        return "".join(items)
    listed: str = items[0]
    for item in items[1:-1]:
        listed = T("{first}, {then}", first=listed, then=item)
    if conjunction == "or":
        return T("{items} or {last}", items=listed, last=items[-1])
    return T("{items} and {last}", items=listed, last=items[-1])


def os_reason(exc: OSError) -> str:
    """Why the system refused, as its message reads in lower case; the usual reasons also say
    themselves in the reader's language."""
    import errno

    english = (exc.strerror or str(exc)).lower() if exc.strerror else str(exc)
    known = {
        errno.EACCES: T("permission denied"),
        errno.EPERM: T("operation not permitted"),
        errno.ENOENT: T("no such file or directory"),
        errno.ENOSPC: T("no space left on device"),
        errno.EROFS: T("read-only file system"),
        errno.EISDIR: T("is a directory"),
        errno.ENOTDIR: T("not a directory"),
        errno.EEXIST: T("file exists"),
        errno.EBUSY: T("device or resource busy"),
    }.get(exc.errno or 0)
    return known if known is not None and known == english else english


def said(text: object) -> str:
    """What a person reads: a `Text` in the chosen language, anything else as it is."""
    if isinstance(text, Text):
        if _language == "en":
            return str.__str__(text)
        values = {key: said(value) for key, value in text.params.items()}
        translated = _catalog.gettext(text.template) if text.template else ""
        return translated.format(**values) if text.params else translated
    return str(text)


# click and typer look their words up with `gettext.gettext` (the default domain), bound in
# each module at import; pointing those names at gongfu's catalog translates them for this run
# without changing the environment that child processes inherit.
_CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.types",
    "click.termui",
    "click.utils",
    "click.shell_completion",
    "typer.core",
)


def teach_click() -> None:
    """Point click's and typer's words at the catalog (the modules already imported)."""
    for name in _CLICK_MODULES:
        module = sys.modules.get(name)
        if module is None:
            continue
        if hasattr(module, "_"):
            module._ = _catalog.gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _catalog.ngettext  # type: ignore[attr-defined]
    _teach_typer_completion()
    formatting = sys.modules.get("click.formatting")
    if formatting is not None:  # Chinese is wrapped by its width, between any two characters
        original = getattr(formatting, "_gongfu_wrap_text", formatting.wrap_text)
        formatting._gongfu_wrap_text = original  # type: ignore[attr-defined]
        formatting.wrap_text = wrap_wide if _language == "zh" else original  # type: ignore[attr-defined]


# typer's own help of its completion options, word for word (listed for the catalog's extraction)
TYPER_HELP = (
    T("Install completion for the current shell."),
    T("Show completion for the current shell, to copy it or customize the installation."),
    T("Install completion for the specified shell."),
    T("Show completion for the specified shell, to copy it or customize the installation."),
)


def _teach_typer_completion() -> None:
    """typer's --install-completion and --show-completion carry English help of their own (not
    looked up through gettext): the defaults of two placeholder functions, read each time an app
    is built."""
    import inspect

    completion = sys.modules.get("typer.completion")
    for name in ("_install_completion_placeholder_function",
                 "_install_completion_no_auto_placeholder_function"):  # fmt: skip
        function = getattr(completion, name, None)
        if function is None:
            continue
        for parameter in inspect.signature(function).parameters.values():
            info = parameter.default
            english = getattr(info, "gongfu_english", None) or getattr(info, "help", None)
            if isinstance(english, str):
                info.gongfu_english = english
                info.help = _catalog.gettext(english)


# ---------------------------------------------------------------------------------------------
# Help in Chinese: click wraps at spaces and counts characters, so a Chinese sentence (no spaces,
# each character two columns wide) would run past the terminal's edge. `wrap_wide` takes
# click's place for Chinese help: lines break between any two Chinese characters and at spaces,
# never inside a Latin word or number, never before closing punctuation, and are measured in
# columns.

_NO_START = frozenset("、，。．,.;；:：!！?？)）]］}｝」』》〉】〕〗”’…%％·～")
_NO_END = frozenset("（［｛「『《〈【〔〖“‘")
_TOKEN = re.compile(r"[A-Za-z0-9_@#&+\-./:%',’°=*<>|\[\]{}$~]+|\s+|.", re.S)


def columns(text: str) -> int:
    """How many terminal columns `text` takes: two for each wide (Chinese) character."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _wide(char: str) -> bool:
    import unicodedata

    return unicodedata.east_asian_width(char) in "WF"


def _fill(text: str, width: int, first: str, rest: str) -> str:
    tokens: list[str] = []
    opening = ""  # an opening bracket or quote stays with what follows it
    for piece in _TOKEN.findall(text):
        if piece in _NO_END:
            opening += piece
            continue
        if opening and not piece.isspace():
            piece, opening = opening + piece, ""
        if tokens and not piece.isspace() and piece[0] in _NO_START and not tokens[-1].isspace():
            tokens[-1] += piece
        else:
            tokens.append(piece)
    if opening:
        tokens.append(opening)
    lines: list[str] = []
    line, used = first, columns(first)
    for token in tokens:
        if token.isspace():
            if line.strip():
                line, used = line + " ", used + 1
            continue
        size = columns(token)
        if line.strip() and used + size > width:
            lines.append(line.rstrip())
            line, used = rest, columns(rest)
        line, used = line + token, used + size
    lines.append(line.rstrip())
    return "\n".join(lines)


def wrap_wide(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """click's `wrap_text`, by columns and by the rules of Chinese line breaking."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return _fill(text, width, initial_indent, subsequent_indent)
    paragraphs: list[tuple[int, bool, str]] = []
    lines: list[str] = []
    indent = 0

    def flush() -> None:
        if not lines:
            return
        if lines[0].strip() == "\b":
            paragraphs.append((indent, True, "\n".join(lines[1:])))
        else:
            joined = lines[0]
            for line in lines[1:]:  # no space between two Chinese lines
                both = joined and _wide(joined[-1]) and _wide(line[0])
                joined += line if both else " " + line
            paragraphs.append((indent, False, joined))
        lines.clear()

    for line in text.splitlines():
        if not line:
            flush()
            continue
        if not lines:
            indent = len(line) - len(line.lstrip())
        lines.append(line.strip())
    flush()
    out = []
    for indent, raw, body in paragraphs:
        pad = " " * indent
        if raw:
            out.append("\n".join(initial_indent + pad + line for line in body.splitlines()))
        else:
            out.append(_fill(body, width, initial_indent + pad, subsequent_indent + pad))
    return "\n\n".join(out)


setup()  # once, at the first import: typer's help texts are read when the app is built
