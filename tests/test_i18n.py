"""gongfu speaks Chinese to a Chinese user and English to the others; machine output never
changes with the language.

Real processes with real environments (the language is chosen once, when gongfu starts), the
committed catalog read back by gettext, every translatable string extracted by Babel."""

from __future__ import annotations

import gettext
import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from gongfu_cli import i18n
from gongfu_cli.cli.app import app
from tests.conftest import REPO, SAMPLE

LOCALE = REPO / "src" / "gongfu_cli" / "locale" / "zh_CN" / "LC_MESSAGES"
PO = LOCALE / "gongfu.po"
MO = LOCALE / "gongfu.mo"
KEYWORDS = {"_": None, "T": None, "ngettext": (1, 2)}
CJK = re.compile(r"[\u4e00-\u9fff]")


def run(*args: str, lang: str | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """gongfu in a fresh process; `lang` is the system locale (LANG), nothing else set."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("GONGFU_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "GONGFU_DATA")
    }
    environ.update(PYTHONIOENCODING="utf-8", COLUMNS="100", TERM="dumb")
    if lang is not None:
        environ["LANG"] = lang
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-m", "gongfu_cli", *args],
        env=environ,
        capture_output=True,
        text=True,
        encoding="utf-8",
        stdin=subprocess.DEVNULL,
        check=False,
        cwd=REPO,
    )


def catalog() -> dict[object, object]:
    with MO.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]


def fields(text: str) -> set[str]:
    """The named placeholders of a `str.format` template (`{name}`, `{name!r}` → `name`)."""
    return {
        re.split(r"[.\[]", name)[0]
        for _, name, _, _ in string.Formatter().parse(text)
        if name is not None
    }


# ---------------------------------------------------------------------------------------------
# The catalog


def test_the_committed_catalog_is_the_po_compiled() -> None:
    import io

    with PO.open("rb") as handle:
        source = read_po(handle, locale="zh_CN")
    compiled = io.BytesIO()
    write_mo(compiled, source)
    compiled.seek(0)
    expected = dict(gettext.GNUTranslations(compiled)._catalog)  # type: ignore[attr-defined]
    assert catalog() == expected, "gongfu.mo is stale: run pybabel compile (see README)"


def test_every_string_of_the_source_has_a_chinese_translation_with_the_same_placeholders() -> None:
    with PO.open("rb") as handle:
        source = read_po(handle, locale="zh_CN")
    found = 0
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(REPO / "src" / "gongfu_cli"),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
    ):
        found += 1
        key = message[0] if isinstance(message, tuple) else message
        entry = source.get(key)
        assert entry is not None and entry.string, f"no translation of {key!r}"
        translations = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        expected = fields(message[-1] if isinstance(message, tuple) else message)
        for translation in translations:
            assert translation.strip(), f"empty translation of {key!r}"
            assert fields(translation) == expected, f"placeholders differ: {key!r}"
            assert CJK.search(translation) or not re.search(r"[a-z]{3,} [a-z]{3,}", key), key
    assert found > 300  # the extraction saw gongfu's strings, not an empty tree


def test_every_translation_in_the_catalog_keeps_its_placeholders() -> None:
    """click's and typer's words too: a dropped `{param_hint}` would raise in click."""
    with PO.open("rb") as handle:
        source = read_po(handle, locale="zh_CN")
    for entry in source:
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for translation in strings:
            if translation:  # an entry nobody translated yet reads in English
                assert fields(translation) == fields(ids[-1]), entry.id


def test_a_placeholder_test_fails_on_a_translation_that_drops_one() -> None:
    assert fields("{path}: 无法写入：{reason}") != fields("{path}: cannot write: {reason}x{why}")
    assert fields("{name!r} 不存在") == fields("{name!r} does not exist.")


def test_loading_the_catalog_costs_under_5_ms() -> None:
    """Reading gongfu.mo and teaching click its words, as every Chinese start does (the best of
    twenty runs, so that a busy machine does not decide)."""
    import time

    def once() -> float:
        gettext._translations.clear()  # type: ignore[attr-defined]  # read the file each time
        start = time.perf_counter()
        i18n.use("zh")
        return time.perf_counter() - start

    try:
        best = min(once() for _ in range(20))
    finally:
        i18n.use("en")
    assert best < 0.005, f"{best * 1000:.1f} ms"


# ---------------------------------------------------------------------------------------------
# Choosing the language


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_TW.UTF-8"}, "zh"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "zh_CN.UTF-8", "LC_ALL": "C"}, "en"),
        ({"LANG": "C", "LANGUAGE": "zh_CN:en"}, "zh"),
        ({"LANGUAGE": "en:zh_CN", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LANG": "zh_CN.UTF-8"}, "zh"),
    ],
)
def test_the_system_locale_decides_in_gettexts_order(env: dict[str, str], expected: str) -> None:
    assert i18n.system_language(env) == expected


def test_windows_interface_language_counts_only_when_no_locale_variable_is_set() -> None:
    assert i18n.system_language({}, "zh_CN") == "zh"
    assert i18n.system_language({}, "en_US") == "en"
    assert i18n.system_language({"LANG": "C"}, "zh_CN") == "en"
    if sys.platform != "win32":  # never asked anywhere else
        assert i18n._windows_ui_language() is None


def test_lang_option_then_gongfu_lang_then_the_locale() -> None:
    assert i18n.choose(["--lang", "zh", "list"], {"LANG": "C"}) == "zh"
    assert i18n.choose(["--lang=en", "list"], {"GONGFU_LANG": "zh", "LANG": "zh_CN"}) == "en"
    assert i18n.choose(["list"], {"GONGFU_LANG": "zh", "LANG": "C"}) == "zh"
    assert i18n.choose(["list"], {"GONGFU_LANG": "en", "LANG": "zh_CN.UTF-8"}) == "en"
    assert i18n.choose(["list"], {"LANG": "zh_CN.UTF-8"}) == "zh"
    # a bus named --lang after the command is a value, not the option
    assert i18n.choose(["progress", "--lang", "zh"], {"LANG": "C"}) == "en"


def test_a_text_is_english_as_a_str_and_chinese_when_said() -> None:
    text = i18n.T("{what} is empty", what=i18n.T("none yet"))
    assert text == "none yet is empty"
    i18n.use("zh")
    try:
        assert i18n.said(text) == "尚无读数 为空"
        assert str.__str__(text) == "none yet is empty"
    finally:
        i18n.use("en")
    assert i18n.said(text) == "none yet is empty"


# ---------------------------------------------------------------------------------------------
# What people read


def test_a_chinese_locale_reads_chinese_help_and_errors(tmp_path: Path) -> None:
    data = tmp_path / "d.toml"
    shutil.copy(SAMPLE, data)
    done = run("record", "alpha", "nosuch", "5", "--data", str(data), lang="zh_CN.UTF-8")
    assert done.returncode == 1
    assert done.stderr.startswith('没有与 "nosuch" 匹配的指标；现有指标：\n'), done.stderr
    usage = run("list", "--status", "foo", lang="zh_CN.UTF-8")
    assert usage.returncode == 2
    assert "用法: gongfu list [OPTIONS]" in usage.stderr
    assert "错误：'--status' / '-s' 的值无效：'foo' 不是状态" in usage.stderr
    assert "用 'gongfu list --help' 查看帮助。" in usage.stderr


def test_lang_c_and_lang_en_read_todays_english(tmp_path: Path) -> None:
    data = tmp_path / "d.toml"
    shutil.copy(SAMPLE, data)
    args = ("record", "alpha", "nosuch", "5", "--data", str(data))
    english = 'no indicator matches "nosuch"; the indicators are:\n'
    assert run(*args, lang="C").stderr.startswith(english)
    assert run("--lang", "en", *args, lang="zh_CN.UTF-8").stderr.startswith(english)
    assert run(*args, lang="zh_CN.UTF-8", GONGFU_LANG="en").stderr.startswith(english)
    usage = run("list", "--status", "foo", lang="C")
    assert "Usage: gongfu list [OPTIONS]" in usage.stderr
    assert "Error: Invalid value for '--status' / '-s': 'foo' is not a status" in usage.stderr


COMMANDS = sorted(info.name or info.callback.__name__ for info in app.registered_commands)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_of_every_command_is_chinese(command: str) -> None:
    done = run("--lang", "zh", command, "--help")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert text.startswith("用法: gongfu "), text
    assert "选项:" in text and "显示本帮助并退出。" in text
    assert "示例：gongfu " in text
    assert english_sentences(text) == [], text
    # wrapped by columns (a Chinese character takes two), within the terminal's 100
    assert max(columns(line) for line in text.splitlines()) <= 100, text


def columns(line: str) -> int:
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def test_chinese_help_breaks_between_characters_not_inside_words() -> None:
    wrapped = i18n.wrap_wide(
        "只列该状态的班车：状态键（off_track）或其名称（严重滞后）；可重复。", 20
    )
    lines = wrapped.splitlines()
    assert all(columns(line) <= 20 for line in lines), lines
    assert "".join(lines) == "只列该状态的班车：状态键（off_track）或其名称（严重滞后）；可重复。"
    assert not any(line[0] in "，。；：）" or line[-1] in "（" for line in lines), lines
    assert any("off_track" in line for line in lines)  # a Latin word is never split


def test_gongfu_lang_alone_is_gongfu_alone_in_that_language() -> None:
    alone, chinese = run(lang="C"), run("--lang", "zh", lang="C")
    assert (alone.returncode, chinese.returncode) == (2, 2)
    assert alone.stderr.startswith("Usage: gongfu [OPTIONS] COMMAND [ARGS]...")
    assert chinese.stderr.startswith("用法: gongfu [OPTIONS] COMMAND [ARGS]...")
    assert "跟踪湖州共富班车的目标和进度。" in chinese.stderr
    wrong = run("--lang", "fr", lang="C")
    assert wrong.returncode == 2 and "'fr' is not one of 'zh', 'en'" in wrong.stderr


def test_help_of_gongfu_itself_is_chinese() -> None:
    done = run("--help", lang="zh_CN.UTF-8")
    assert "跟踪湖州共富班车的目标和进度。" in done.stdout
    assert "命令:" in done.stdout
    assert english_sentences(done.stdout.split("命令:")[0]) == []


def english_sentences(text: str) -> list[str]:
    """Runs of three or more English words, once paths, quoted values, option names, ids,
    command lines and upper-case metavariables are set aside."""
    found = []
    for line in text.splitlines():
        line = re.sub(r"(\"[^\"]*\"|'[^']*'|`[^`]*`)", " ", line)  # quoted values, code
        line = re.sub(r"(示例：|Example: |  export |  )gongfu .*", " ", line)  # command lines
        line = re.sub(r"[\w-]+(?:, [\w-]+)+", " ", line)  # lists of keys or names
        words = [w for w in re.split(r"[\s，。；：、（）()]+", line) if w]
        run_: list[str] = []
        for word in [*words, "。"]:
            if re.fullmatch(r"[a-z]+[,.;:?]?", word) and word.rstrip(",.;:?") not in _CODE_WORDS:
                run_.append(word)
                continue
            if len(run_) >= 3:
                found.append(" ".join(run_))
            run_ = []
    return found


# words of gongfu's own vocabulary that a Chinese message quotes as they are typed
_CODE_WORDS = {
    "table",
    "csv",
    "tsv",
    "json",
    "jsonl",
    "md",
    "svg",
    "html",
    "txt",
    "xlsx",
    "pdf",
    "light",
    "terminal",
    "zh",
    "en",
    "plain",
    "simple",
    "github",
    "grid",
}


def test_the_english_detector_finds_an_english_sentence() -> None:
    assert english_sentences("bad.toml:3: no bus matches here") == ["no bus matches here"]
    assert english_sentences('bad.toml:3: 没有与 "x y z" 匹配的班车') == []
    assert english_sentences("未知的键；可用的键：id, name, batch, due") == []


# ---------------------------------------------------------------------------------------------
# Every error path of record, import and check, under zh


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "d.toml"
    shutil.copy(SAMPLE, data)
    return data


def error_cases(tmp_path: Path) -> list[tuple[str, list[str]]]:
    data = _data(tmp_path)
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[[buses]]\nid = "a"\nname = "甲"\nbatch = "x"\nlaunched = 2024-01-01\nfield = "f"\n'
        'colour = 1\n[[buses.indicators]]\nid = "i"\nname = "指"\ntarget = 1\nbaseline = 1\n'
        '[[readings]]\nbus = "b"\nindicator = "i"\ndate = 2024-01-02\nvalue = 1\n'
        '[[readings]]\nbus = "a"\nindicator = "j"\ndate = 2024-01-02\nvalue = "1"\n',
        encoding="utf-8",
    )
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes("[[buses]]\nname = '班车'\n".encode("gbk"))
    empty = tmp_path / "empty.toml"
    empty.write_text("\n", encoding="utf-8")
    syntax = tmp_path / "syntax.toml"
    syntax.write_text("[[buses]\n", encoding="utf-8")
    sheet = tmp_path / "回传.csv"
    sheet.write_text(
        "班车,指标,日期,本期数值\nalpha,coverage,2022-12-31,约81\nalpha,,2022-12-31,5\n"
        "nosuch,coverage,2022-12-31,5\nalpha,coverage,2099-12-31,5\nalpha,coverage,,5\n"
        'alpha,coverage,2022-12-31,5%\nalpha,coverage,2022-13-45,5\n"alpha,coverage,2022-12-31,5\n',
        encoding="utf-8",
    )
    noheader = tmp_path / "noheader.csv"
    noheader.write_text("a,b\n1,2\n", encoding="utf-8")
    xls = tmp_path / "old.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    d = str(data)
    return [
        ("record: unknown bus", ["record", "nosuch", "x", "5", "--data", d]),
        ("record: ambiguous", ["record", "a", "x", "5", "--data", d]),
        ("record: not a number", ["record", "alpha", "coverage", "约81", "--data", d]),
        (
            "record: future",
            ["record", "alpha", "coverage", "5", "--date", "2099-01-01", "--data", d],
        ),
        ("record: bad date", ["record", "alpha", "coverage", "5", "--date", "昨天", "--data", d]),
        (
            "record: already there",
            ["record", "alpha", "coverage", "5", "--date", "2022-07-01", "--data", d],
        ),
        (
            "record: replace nothing",
            ["record", "alpha", "coverage", "5", "--date", "2021-01-01", "--replace", "--data", d],
        ),
        (
            "record: empty source",
            ["record", "alpha", "coverage", "5", "--source", " ", "--data", d],
        ),
        ("record: bundled", ["record", "乡村畅行", "x", "5"]),
        ("record: negative", ["record", "alpha", "coverage", "-5", "--data", d]),
        ("record: wait", ["record", "alpha", "coverage", "5", "--wait", "abc", "--data", d]),
        ("delete: nothing", ["delete", "alpha", "coverage", "--date", "2021-01-01", "--data", d]),
        ("check: bad file", ["check", "--data", str(bad)]),
        ("check: gbk", ["check", "--data", str(gbk)]),
        ("check: empty", ["check", "--data", str(empty)]),
        ("check: missing", ["check", "--data", str(tmp_path / "none.toml")]),
        ("check: format", ["check", "--format", "svg"]),
        ("list: bad file", ["list", "--data", str(bad)]),
        ("import: problems", ["import", str(sheet), "--data", d]),
        ("import: no header", ["import", str(noheader), "--data", d]),
        ("import: xls", ["import", str(xls), "--data", d]),
        ("import: suffix", ["import", str(tmp_path / "x.pdf"), "--data", d]),
        ("import: future --date", ["import", str(sheet), "--date", "2099-01-01", "--data", d]),
        ("template: suffix", ["template", "-o", str(tmp_path / "t.pdf")]),
        ("progress: no bus", ["progress", "nosuch"]),
        ("export: format", ["export", "--format", "nosuch"]),
        ("list: output onto data", ["list", "--data", d, "-o", d]),
        (
            "followup: folder format",
            ["followup", "--data", d, "-o", f"{tmp_path}/督办/", "-f", "json"],
        ),
    ]


def test_error_paths_under_zh_contain_no_english_sentence(tmp_path: Path) -> None:
    for name, args in error_cases(tmp_path):
        done = run("--lang", "zh", *args)
        assert done.returncode != 0, name
        said = done.stderr + done.stdout
        assert CJK.search(said), f"{name}: {said}"
        assert english_sentences(said) == [], f"{name}: {said}"


def test_located_messages_keep_their_place_prefix_under_zh(tmp_path: Path) -> None:
    sheet = tmp_path / "回传.csv"
    sheet.write_text("班车,指标,日期,本期数值\nalpha,coverage,2022-12-31,约81\n", encoding="utf-8")
    done = run("--lang", "zh", "import", str(sheet), "--data", str(_data(tmp_path)))
    assert f'{sheet}:2:D: "约81" 不是数字\n' in done.stderr, done.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text('[[buses]]\nid = "a"\n', encoding="utf-8")
    check = run("--lang", "zh", "check", "--data", str(bad))
    assert check.stdout.startswith(f'{bad}:1: 班车 "a"：缺少键 "name"'), check.stdout


# ---------------------------------------------------------------------------------------------
# Machine output is the same in every language


def machine_cases(tmp_path: Path) -> list[list[str]]:
    data = str(_data(tmp_path))
    bad = tmp_path / "bad.toml"
    bad.write_text('[[buses]]\nid = "a"\nname = "甲"\n[[readings]]\nbus = "b"\n', "utf-8")
    sheet = tmp_path / "回传.csv"
    sheet.write_text("班车,指标,日期,本期数值\nalpha,coverage,2022-12-31,81\n", encoding="utf-8")
    base = ["--data", data, "--as-of", "2023-01-01"]
    cases = []
    for fmt in ("csv", "tsv", "json", "jsonl", "md"):
        cases += [
            ["list", *base, "-f", fmt],
            ["progress", "alpha", *base, "-f", fmt],
            ["history", "alpha", *base, "-f", fmt],
            ["rank", "--compare", "2022-07-01", *base, "-f", fmt],
            ["changes", "--since", "2022-07-01", *base, "-f", fmt],
            ["summary", *base, "-f", fmt],
            ["export", "--level", "readings", *base, "-f", fmt],
            ["check", "--data", str(bad), "-f", fmt],
            ["check", "--strict", *base, "-f", fmt],
            ["followup", "--since", "2022-07-01", *base, "-f", fmt],
        ]
    cases += [
        ["check", "--data", str(bad), "-f", "json"],
        ["import", str(sheet), "--data", data, "--dry-run", "--format", "json"],
        ["schema"],
        ["list", "--data", str(bad), "-f", "json"],
    ]
    return cases


def test_machine_output_and_exit_status_are_the_same_in_every_language(tmp_path: Path) -> None:
    for args in machine_cases(tmp_path):
        en = run("--lang", "en", *args)
        zh = run("--lang", "zh", *args)
        assert en.returncode == zh.returncode, args
        assert en.stdout == zh.stdout, args
        # a clean check prints no rows; a refused dataset prints nothing
        assert en.stdout or en.returncode or args[0] == "check", args


def test_check_json_messages_stay_english_under_a_chinese_locale(tmp_path: Path) -> None:
    import json

    bad = tmp_path / "bad.toml"
    bad.write_text('[[buses]]\nid = "a"\nname = "甲"\n', "utf-8")
    done = run("check", "--data", str(bad), "-f", "json", lang="zh_CN.UTF-8")
    messages = [p["message"] for p in json.loads(done.stdout)]
    assert 'bus "a": missing key "launched"' in messages
    text = run("check", "--data", str(bad), lang="zh_CN.UTF-8")
    assert f'{bad}:1: 班车 "a"：缺少键 "launched"' in text.stdout


def test_confirmations_and_the_command_list_read_chinese(tmp_path: Path) -> None:
    """What export says it wrote names its rows in Chinese (no `buses`, `readings` pasted in);
    lists in messages use 、 and 或; the command list shows every command's first words."""
    done = run("export", "--level", "all", "-o", str(tmp_path / "x.xlsx"), lang="zh")
    assert done.returncode == 0
    assert "趟班车、" in done.stderr and "项指标和 " in done.stderr and "条读数至" in done.stderr
    assert english_sentences(done.stderr) == [] and "readings" not in done.stderr
    done = run("list", "-o", str(tmp_path / "out.foo"), lang="zh")
    assert done.returncode == 2 and ".csv、.tsv" in done.stderr and " 或 .png" in done.stderr
    listing = run("--help", lang="zh").stdout
    assert not re.search(r"^\s+\w+\s+\.\.\.$", listing, re.M)  # no command shown as "..." alone
