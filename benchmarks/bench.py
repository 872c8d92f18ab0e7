"""Time gongfu against a floor process, side by side, and report medians, ratios and memory.

    python3 benchmarks/bench.py            # all sizes, print the results table
    python3 benchmarks/bench.py --write    # and write docs/performance.md
    python3 benchmarks/bench.py --quick    # fewer runs, for a quick look
    python3 benchmarks/bench.py --import-only   # only the import and the zip-bomb benchmarks

The floor (benchmarks/floor.py) parses the same file with tomllib and writes one CSV row per
indicator. Each gongfu command and the floor are run alternately, several times; the table shows
median wall times, their ratio, and peak memory (max RSS). "first run" means an empty cache
directory (so the time includes writing the cache); "repeated" means a warm cache.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
FLOOR = [sys.executable, str(HERE / "floor.py")]


@dataclass
class Plan:
    data: str
    label: str
    command: list[str]
    cold_cache: bool
    target: float | None = None
    memory_target: float | None = None
    exit_code: int = 0  # `check` of a broken file exits 1 by design


@dataclass
class Timing:
    seconds: list[float]
    max_rss_kb: int

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def generate(path: Path, buses: int, indicators: int, readings: int) -> None:
    """Write a synthetic file from a separate process.

    This process must stay small: on Linux a child's peak memory (max RSS) counts the memory of
    the parent it was forked from, so a large parent would inflate every measurement.
    """
    with open(path, "wb") as out:
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(buses), str(indicators), str(readings)],
            stdout=out,
            check=True,
        )


def mistype(source: Path, target: Path, buses: int) -> None:
    """Copy `source` with the bus id of the first `buses` buses mistyped in every reading, in a
    separate process (for the same reason as `generate`)."""
    script = (
        "import re, sys; text = open(sys.argv[1], encoding='utf-8').read(); "
        "n = int(sys.argv[3]); "
        "text = re.sub(r'bus = \"bus-(\\d+)\"\\n', lambda m: ('bus = \"bux-' if int(m[1]) < n "
        "else 'bus = \"bus-') + m[1] + '\"\\n', text); "
        "open(sys.argv[2], 'w', encoding='utf-8').write(text)"
    )
    subprocess.run([sys.executable, "-c", script, str(source), str(target), str(buses)], check=True)


def run_once(argv: list[str], env: dict[str, str], expected: int = 0) -> tuple[float, int]:
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read() if process.stderr else b""
    if process.returncode != expected:
        raise SystemExit(f"{' '.join(argv)} failed: {error.decode(errors='replace')}")
    return elapsed, usage.ru_maxrss


def compare(
    command: list[str],
    data: Path,
    runs: int,
    env: dict[str, str],
    cold_cache: bool,
    expected: int = 0,
) -> tuple[Timing, Timing]:
    """Alternate the floor and the command; a cold cache is a fresh cache directory each run."""
    floor, tool = Timing([], 0), Timing([], 0)
    for _ in range(runs):
        seconds, rss = run_once([*FLOOR, str(data)], env)
        floor.seconds.append(seconds)
        floor.max_rss_kb = max(floor.max_rss_kb, rss)
        run_env = dict(env)
        if cold_cache:
            run_env["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="gongfu-bench-cache-")
        seconds, rss = run_once([*command, "--data", str(data)], run_env, expected)
        tool.seconds.append(seconds)
        tool.max_rss_kb = max(tool.max_rss_kb, rss)
    return floor, tool


def measure_import(
    exe: list[str], data: Path, work: Path, env: dict[str, str], runs: int
) -> tuple[float, float]:
    """Median seconds of importing 10,000 rows (one new reading for each indicator) into a
    fresh copy of the 100,000-reading file, and of `gongfu check` (cold) on the result."""
    rows = work / "import-rows.csv"
    script = (
        "import sys; out = open(sys.argv[1], 'w', encoding='utf-8'); "
        "out.write('bus,indicator,date,value,source\\n'); "
        "[out.write(f'bus-{b},ind-{i},2023-06-30,{200 + i}.5,半年报\\n') "
        "for b in range(1000) for i in range(10)]"
    )
    subprocess.run([sys.executable, "-c", script, str(rows)], check=True)
    imports, checks = [], []
    for k in range(runs):
        copy = work / f"import-{k}.toml"
        shutil.copyfile(data, copy)
        run_env = dict(env, XDG_CACHE_HOME=tempfile.mkdtemp(prefix="gongfu-bench-cache-"))
        imports.append(run_once([*exe, "import", str(rows), "--data", str(copy)], run_env)[0])
        run_env = dict(env, XDG_CACHE_HOME=tempfile.mkdtemp(prefix="gongfu-bench-cache-"))
        checks.append(run_once([*exe, "check", "--data", str(copy)], run_env)[0])
        copy.unlink()
    return statistics.median(imports), statistics.median(checks)


WORKBOOK_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.'
    'openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="'
    'application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
    'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
    'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.'
    'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships"><sheets><sheet name="汇总" sheetId="1" r:id="rId1"/>'
    "</sheets></workbook>",
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship '
    'Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}


def zip_bomb(path: Path, unpacked: int = 110 * 1024 * 1024) -> None:
    """A workbook of under 124 KB whose one sheet unpacks to `unpacked` bytes: rows padded
    with blanks, which XML allows between elements and deflate packs a thousandfold."""
    import zipfile

    row = b'<row><c t="inlineStr"><is><t>0</t></is></c></row>'
    row += b" " * (1024 * 1024 - len(row))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as book:
        for name, text in WORKBOOK_PARTS.items():
            book.writestr(name, text)
        part = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        part.compress_type = zipfile.ZIP_DEFLATED
        with book.open(part, "w") as out:
            out.write(
                b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
                b'openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            for _ in range(unpacked // len(row)):
                out.write(row)
            out.write(b"</sheetData></worksheet>")


def measure_zip_bomb(
    exe: list[str], data: Path, work: Path, env: dict[str, str], runs: int
) -> tuple[float, int]:
    """Median seconds for `gongfu import` to refuse the zip bomb, and the bomb's size."""
    bomb = work / "bomb.xlsx"
    script = "import sys; from bench import zip_bomb; from pathlib import Path; "
    script += "zip_bomb(Path(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", script, str(bomb)], check=True, cwd=HERE)
    seconds = [
        run_once([*exe, "import", str(bomb), "--data", str(data)], env, expected=1)[0]
        for _ in range(runs)
    ]
    return statistics.median(seconds), bomb.stat().st_size


PNG_DRAW = """
import sys
from pathlib import Path
svg = Path(sys.argv[2]).read_text(encoding="utf-8")
if sys.argv[1] == "resvg":
    from gongfu_cli.rendering.raster import svg_png
    png = svg_png(svg)
else:  # what gongfu did before resvg: the SVG in a page, screenshot by a headless browser
    from gongfu_cli.rendering.browser import screenshot
    from gongfu_cli.rendering.raster import svg_size
    width, height = svg_size(svg)
    page = ('<!DOCTYPE html><html><head><meta charset="utf-8"><style>html,body{margin:0;'
            'background:#fff}svg{display:block}</style></head><body>' + svg + '</body></html>')
    png = screenshot(page, width, height)
Path(sys.argv[3]).write_bytes(png)
"""


def measure_png(exe: list[str], env: dict[str, str], runs: int) -> tuple[float, float, float]:
    """Median seconds to draw the race chart of the test sample as PNG: by resvg and by a
    headless browser, each in a fresh process, alternating; and of the whole command
    `gongfu rank --chart race.png` (load, assess, draw, write)."""
    work = Path(tempfile.mkdtemp(prefix="gongfu-bench-png-"))
    sample = REPO / "tests" / "data" / "sample.toml"
    svg = work / "race.svg"
    chart = [*exe, "rank", "--as-of", "2023-06-30", "--data", str(sample), "--chart"]
    run_once([*chart, str(svg)], env)
    draws: dict[str, list[float]] = {"resvg": [], "browser": [], "command": []}
    for _ in range(runs):
        for way in ("resvg", "browser"):
            argv = [sys.executable, "-c", PNG_DRAW, way, str(svg), str(work / f"{way}.png")]
            draws[way].append(run_once(argv, env)[0])
        draws["command"].append(run_once([*chart, str(work / "race.png")], env)[0])
    shutil.rmtree(work, ignore_errors=True)
    resvg, browser, command = (statistics.median(draws[k]) for k in ("resvg", "browser", "command"))
    return resvg, browser, command


def png_lines(png: tuple[float, float, float], runs: int) -> list[str]:
    resvg, browser, command = png
    ratio = resvg / browser
    return [
        "## PNG",
        "",
        "The race chart of `tests/data/sample.toml` as a PNG (twice its pixels), "
        f"{runs} runs each,",
        "alternating, each in a fresh Python process (start-up and imports included); medians",
        "of wall time:",
        "",
        "| drawn by | seconds | ratio |",
        "| --- | ---: | ---: |",
        f"| resvg (`resvg-py`, in-process) | {resvg:.3f} | {ratio:.2f}× |",
        f"| headless Chromium (`--screenshot`) | {browser:.3f} | 1.00× |",
        "",
        f"resvg takes {ratio:.2f}× the browser's time "
        f"({'meets' if ratio <= 0.3 else 'MISSES'} ≤ 0.3×). The whole command",
        f"`gongfu rank --chart race.png` (load, assess, draw, write) takes {command:.3f} s.",
    ]


def write_png_section(png: tuple[float, float, float], runs: int) -> None:
    """Replace the PNG section of docs/performance.md, keeping the rest as measured."""
    page = REPO / "docs" / "performance.md"
    text = page.read_text(encoding="utf-8")
    section = "\n".join(png_lines(png, runs)) + "\n\n"
    start = text.find("## PNG\n")
    if start >= 0:
        end = text.index("## ", start + 3)
        text = text[:start] + section + text[end:]
    else:
        rerun = text.index("## Rerun")
        text = text[:rerun] + section + text[rerun:]
    page.write_text(text, encoding="utf-8")


def gongfu() -> list[str]:
    """The installed console script of this Python, else the one on PATH."""
    beside = Path(sys.executable).with_name("gongfu")
    exe = str(beside) if beside.exists() else shutil.which("gongfu")
    return [exe] if exe else [sys.executable, "-m", "gongfu_cli"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="write docs/performance.md")
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    parser.add_argument(
        "--import-only", action="store_true", help="only the import and the zip-bomb benchmarks"
    )
    parser.add_argument(
        "--png", action="store_true", help="only the PNG comparison (and its section of the page)"
    )
    args = parser.parse_args()
    small_runs, large_runs = (5, 3) if args.quick else (15, 5)
    png_env = {k: v for k, v in os.environ.items() if not k.startswith("GONGFU_")}
    if args.png:
        png = measure_png(gongfu(), png_env, small_runs)
        print("\n".join(png_lines(png, small_runs)))
        if args.write:
            write_png_section(png, small_runs)
            print("wrote the PNG section of docs/performance.md")
        return

    work = Path(tempfile.mkdtemp(prefix="gongfu-bench-"))
    sizes = {
        "bundled (11 buses, 37 readings)": REPO / "data" / "buses.toml",
        "10,000 readings": work / "r10k.toml",
        "100,000 readings": work / "r100k.toml",
    }
    generate(sizes["10,000 readings"], 100, 10, 10)
    generate(sizes["100,000 readings"], 1000, 10, 10)
    # The error path: every reading of 100 of the 1,000 buses names a mistyped bus id.
    typo = "100,000 readings, 10,000 with a mistyped bus"
    sizes[typo] = work / "r100k-typo.toml"
    mistype(sizes["100,000 readings"], sizes[typo], 100)

    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGFU_")}
    env.update(COLUMNS="120", XDG_CACHE_HOME=str(work / "cache"))
    exe = gongfu()
    if args.import_only:
        intake(exe, sizes["100,000 readings"], work, env, large_runs, small_runs)
        shutil.rmtree(work, ignore_errors=True)
        return
    bundled = "bundled (11 buses, 37 readings)"
    plans = [
        # (data, label, command, cold cache, target time ratio, target memory ratio)
        Plan(bundled, "gongfu export", [*exe, "export"], True, 3.0),
        Plan(bundled, "gongfu list --format csv", [*exe, "list", "--format", "csv"], True, 4.5),
        Plan(bundled, "gongfu list", [*exe, "list"], True, 4.5),
        Plan(bundled, "gongfu progress 乡村畅行", [*exe, "progress", "乡村畅行"], True, 4.5),
        # in Chinese: the catalog is read and click's words are translated on every start
        Plan(
            bundled,
            "gongfu --lang zh list --format csv",
            [*exe, "--lang", "zh", "list", "--format", "csv"],
            True,
            4.5,
        ),
        Plan(bundled, "gongfu --lang zh list", [*exe, "--lang", "zh", "list"], True, 4.5),
    ]
    for size in ("10,000 readings", "100,000 readings"):
        large = size.startswith("100,000")  # the targets are set for the large file
        first, repeated, memory = (1.5, 0.5, 2.0) if large else (None, None, None)
        plans += [
            Plan(size, "gongfu export (first run)", [*exe, "export"], True, first, memory),
            Plan(
                size,
                "gongfu list --format csv (first run)",
                [*exe, "list", "-f", "csv"],
                True,
                first,
                memory,
            ),
            Plan(size, "gongfu export (repeated)", [*exe, "export"], False, repeated),
            Plan(
                size,
                "gongfu list --format csv (repeated)",
                [*exe, "list", "-f", "csv"],
                False,
                repeated,
            ),
            Plan(size, "gongfu list (repeated)", [*exe, "list"], False),
            Plan(size, "gongfu progress bus-1 (repeated)", [*exe, "progress", "bus-1"], False),
        ]
    plans += [
        # the follow-up looks back over up to 24 meetings per red or yellow indicator
        Plan(
            "100,000 readings",
            "gongfu followup -f csv (first run)",
            [*exe, "followup", "-f", "csv"],
            True,
        ),
        Plan(
            "100,000 readings",
            "gongfu followup -f csv (repeated)",
            [*exe, "followup", "-f", "csv"],
            False,
        ),
        Plan("100,000 readings", "gongfu check", [*exe, "check"], True),
        # Reporting 10,000 located errors may cost more than loading, but linearly: a
        # suggestion is computed once per distinct mistyped name.
        Plan(typo, "gongfu check (10,000 errors)", [*exe, "check"], True, 3.0, exit_code=1),
    ]

    rows = []
    medians: dict[tuple[str, str], float] = {}
    against_floor: dict[tuple[str, str], float] = {}  # each command over its interleaved floor
    for plan in plans:
        size, label, command, cold = plan.data, plan.label, plan.command, plan.cold_cache
        target, memory_target = plan.target, plan.memory_target
        data = sizes[size]
        runs = large_runs if "100,000" in size else small_runs
        if not cold:
            run_once([*command, "--data", str(data)], env)  # warm the cache
        floor, tool = compare(command, data, runs, env, cold, plan.exit_code)
        ratio = tool.median / floor.median
        memory = tool.max_rss_kb / floor.max_rss_kb
        medians[(size, label)] = tool.median
        against_floor[(size, label)] = ratio
        verdict = ""
        if target is not None:
            verdict = "meets" if ratio <= target else "MISSES"
            verdict += f" ≤ {target}×"
        if memory_target is not None:
            verdict += f"; memory {'meets' if memory <= memory_target else 'MISSES'} "
            verdict += f"≤ {memory_target}×"
        rows.append(
            (size, label, floor.median, tool.median, ratio, tool.max_rss_kb / 1024, memory, verdict)
        )
        print(
            f"{size:34} {label:40} floor {floor.median:6.3f}s  gongfu {tool.median:6.3f}s  "
            f"{ratio:5.2f}×  {tool.max_rss_kb / 1024:6.1f} MB ({memory:4.2f}×)  {verdict}",
            flush=True,
        )

    imported, bomb = intake(exe, sizes["100,000 readings"], work, env, large_runs, small_runs)

    growth = []
    for label in ("gongfu export (first run)", "gongfu list --format csv (first run)"):
        small = medians[("10,000 readings", label)]
        large = medians[("100,000 readings", label)]
        growth.append((label, large / small))
        print(f"growth 10k → 100k readings, {label}: {large / small:.2f}× (target ≤ 11×)")

    png = measure_png(exe, png_env, small_runs)
    print("\n".join(png_lines(png, small_runs)), flush=True)

    # Each against its own floor, run alternately with it, so that a machine busier during one
    # of the two commands does not decide the comparison.
    followup = []
    for kind in ("first run", "repeated"):
        export = against_floor[("100,000 readings", f"gongfu export ({kind})")]
        ladder = against_floor[("100,000 readings", f"gongfu followup -f csv ({kind})")]
        followup.append((kind, ladder / export))
        print(f"followup against export on 100,000 readings, {kind}: {ladder / export:.2f}× "
              "(target ≤ 3×)")  # fmt: skip

    report = render(rows, growth, small_runs, large_runs, imported, bomb, png, followup)
    if args.write:
        (REPO / "docs" / "performance.md").write_text(report, encoding="utf-8")
        print("wrote docs/performance.md")
    shutil.rmtree(work, ignore_errors=True)


def intake(
    exe: list[str],
    data: Path,
    work: Path,
    env: dict[str, str],
    large_runs: int,
    small_runs: int,
) -> tuple[tuple[float, float], tuple[float, int]]:
    """The import benchmark and the zip bomb, printed as they are measured."""
    imported = measure_import(exe, data, work, env, large_runs)
    print(
        f"import 10,000 rows into 100,000 readings: {imported[0]:.3f}s; check of the result "
        f"{imported[1]:.3f}s: {imported[0] / imported[1]:.2f}× (target ≤ 2×)",
        flush=True,
    )
    bomb = measure_zip_bomb(exe, data, work, env, small_runs)
    print(
        f"zip bomb of {bomb[1] / 1024:.0f} KB refused in {bomb[0]:.3f}s (target < 2 s)",
        flush=True,
    )
    return imported, bomb


def render(
    rows: list[tuple],
    growth: list[tuple[str, float]],
    small_runs: int,
    large_runs: int,
    imported: tuple[float, float],
    bomb: tuple[float, int],
    png: tuple[float, float, float],
    followup: list[tuple[str, float]],
) -> str:
    from gongfu_cli import __version__

    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        )
    except (OSError, StopIteration):
        cpu = platform.processor() or "unknown"
    versions = []
    for name in ("typer", "click", "rich", "tabulate", "tomli_w"):
        try:
            from importlib.metadata import version

            versions.append(f"{name} {version(name)}")
        except Exception:
            versions.append(f"{name} ?")
    lines = [
        "# Performance",
        "",
        "gongfu is called from shell scripts, often in loops, so start-up time and scaling are",
        "measured, not guessed. Produced by `python3 benchmarks/bench.py --write` on "
        f"{date.today().isoformat()}.",
        "",
        f"- Machine: {os.cpu_count()} cores, {cpu}; {platform.system()} "
        f"{platform.release()}; Python {platform.python_version()}",
        f"- gongfu {__version__}; {', '.join(versions)}",
        f"- Runs: {small_runs} per command on the bundled and 10,000-reading data, {large_runs} "
        "on 100,000 readings, alternating with the floor; medians of wall time.",
        "- Floor: `benchmarks/floor.py`, a Python process that parses the same file with "
        "`tomllib` and writes one CSV row per indicator with the `csv` module.",
        "- First run: an empty cache directory every run (the time includes writing the cache).",
        "  Repeated: a warm cache.",
        "",
        "| data | command | floor (s) | gongfu (s) | ratio | peak memory (MB) | memory ratio "
        "| target |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for size, label, floor, tool, ratio, rss, memory, verdict in rows:
        lines.append(
            f"| {size} | `{label}` | {floor:.3f} | {tool:.3f} | {ratio:.2f}× | "
            f"{rss:.1f} | {memory:.2f}× | {verdict} |"
        )
    lines += ["", "Linear growth, 10× the readings (10,000 → 100,000):", ""]
    lines += [f"- `{label}`: {factor:.2f}× the time (target ≤ 11×)" for label, factor in growth]
    ratio = imported[0] / imported[1]
    lines += [
        "",
        "Import: 10,000 rows of a CSV sheet (one new reading per indicator) into a fresh copy of",
        "the 100,000-reading file, against `gongfu check` (first run) of the result:",
        "",
        f"- `gongfu import`: {imported[0]:.3f} s; `gongfu check`: {imported[1]:.3f} s; "
        f"{ratio:.2f}× ({'meets' if ratio <= 2 else 'MISSES'} ≤ 2×). The file is read, checked",
        "  and written once, whatever the number of rows.",
        "",
        f"A zip bomb: a workbook of {bomb[1] / 1024:.0f} KB whose sheet unpacks to 110 MB "
        "(`zip_bomb` in `benchmarks/bench.py`),",
        "imported into the 100,000-reading file: refused before any XML is parsed in "
        f"{bomb[0]:.3f} s ({'meets' if bomb[0] < 2 else 'MISSES'} < 2 s).",
        "",
        *png_lines(png, small_runs),
    ]
    lines += ["", "Follow-up: `gongfu followup -f csv` against `gongfu export` of the 100,000 "
              "readings (each timed against its floor):", ""]  # fmt: skip
    lines += [
        f"- {kind}: {factor:.2f}× ({'meets' if factor <= 3 else 'MISSES'} ≤ 3×)"
        for kind, factor in followup
    ]
    lines += [
        "",
        "## Rerun",
        "",
        "```sh",
        "python3 -m pip install .",
        "python3 benchmarks/bench.py            # print the table",
        "python3 benchmarks/bench.py --write    # and rewrite this page",
        "python3 benchmarks/bench.py --import-only   # only the import and the zip bomb",
        "python3 benchmarks/bench.py --png --write    # only the PNG comparison and its section",
        "```",
        "",
        "## What keeps it fast",
        "",
        "- Start-up: the command line imports only typer/click and the small core modules; rich",
        "  is imported only by commands that draw a table, tabulate only for tabulate formats,",
        "  tomli-w only by commands that write readings, openpyxl only by `template`, `import`",
        "  and `.xlsx` outputs, resvg only when a PNG is written, and a browser is started only",
        "  for a PDF. `python -X importtime -m gongfu_cli export` shows the rest.",
        "  typer is pinned below 0.26: later releases cost more at start-up on every call.",
        "- Loading: readings with nothing wrong in them take a cheap path; messages and line",
        "  numbers are built only when there is a problem to report.",
        "- Errors: a did-you-mean suggestion is computed once per distinct unknown name, so a",
        "  mistyped id repeated in thousands of readings costs one suggestion.",
        "- Repeated runs: the parsed dataset is cached in the system's cache folder",
        "  (`$XDG_CACHE_HOME/gongfu`, default `~/.cache/gongfu`, on Linux) for data of 512 KB or",
        "  more, keyed by the tool and Python versions and each file's path, size, inode, and",
        "  modification and change times; written atomically, used only from a private folder",
        "  of the user's own when everything matches. `--no-cache` or `GONGFU_NO_CACHE=1`",
        "  switch it off.",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
