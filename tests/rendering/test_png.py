"""PNG pictures and charts, drawn by resvg without a browser: Chinese glyphs that are glyphs,
a clear stop where no font can draw them, sized as the SVG says."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from gongfu_cli.rendering import raster
from tests.builders import CHART_AS_OF as AS_OF
from tests.builders import CHART_DATA as DATA
from tests.builders import SVG
from tests.conftest import gongfu

# Without a Chinese font these fail, as they must in CI (which installs fonts-noto-cjk); on a
# machine without one they say so instead.
needs_font = pytest.mark.skipif(
    os.environ.get("CI") != "true" and not raster.draws_chinese(),
    reason="no font with Chinese glyphs here (CI installs fonts-noto-cjk)",
)
NO_BROWSER = {"GONGFU_BROWSER": "/nonexistent/chromium", "PATH": "/nonexistent"}


def png_of(data: str, tmp_path: Path, name: str, *args: str, **env: str) -> Path:
    source = tmp_path / f"{name}.toml"
    source.write_text(data, encoding="utf-8")
    out = tmp_path / f"{name}.png"
    run = gongfu(*args, str(out), "--as-of", AS_OF, "-d", str(source),
                 env={**NO_BROWSER, **env})  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()
    return out


def pixels(path: Path) -> Image.Image:
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return Image.open(io.BytesIO(data)).convert("RGB")


@needs_font
@pytest.mark.parametrize(
    "args", [["rank", "--chart"], ["list", "--save"]], ids=["chart", "picture"]
)
def test_two_chinese_names_of_one_length_give_different_pixels(
    tmp_path: Path, args: list[str]
) -> None:
    """Boxes (no Chinese font) would make both pictures the same; glyphs do not."""
    first = pixels(png_of(DATA, tmp_path, "a", *args))
    second = pixels(png_of(DATA.replace("送气下乡", "清亲好水"), tmp_path, "b", *args))
    assert first.size == second.size
    difference = ImageChops.difference(first, second).getbbox()
    assert difference is not None, "the two names were drawn alike: boxes, not glyphs"
    changed = ImageChops.difference(first, second).convert("L").point(lambda v: v > 40)
    assert sum(changed.histogram()[1:]) > 50  # whole strokes, not one stray pixel


@needs_font
def test_a_png_needs_no_browser_and_is_the_svgs_size_twice(tmp_path: Path) -> None:
    source = tmp_path / "d.toml"
    source.write_text(DATA, encoding="utf-8")
    for suffix in ("svg", "png"):
        run = gongfu("rank", "--as-of", AS_OF, "-d", str(source), "--chart",
                     str(tmp_path / f"race.{suffix}"), env=NO_BROWSER)  # fmt: skip
        assert run.returncode == 0, run.stderr.decode()
    svg = (tmp_path / "race.svg").read_text(encoding="utf-8")
    width, height = raster.svg_size(svg) or (0, 0)
    image = pixels(tmp_path / "race.png")
    assert image.size == (2 * width, 2 * height)
    start = time.perf_counter()
    raster.svg_png(svg)
    assert time.perf_counter() - start < 1.0  # in-process: no browser to start


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="fontconfig's files: Linux")
@pytest.mark.parametrize(
    "args", [["rank", "--chart"], ["list", "--save"]], ids=["chart", "picture"]
)
def test_without_a_chinese_font_a_png_stops_and_names_the_package(
    tmp_path: Path, args: list[str]
) -> None:
    """Fonts as fontconfig's configuration lists them: here only a Latin font."""
    latin = tmp_path / "fonts"
    latin.mkdir()
    dejavu = next(Path("/usr/share/fonts").rglob("DejaVuSans.ttf"), None)
    if dejavu is not None:
        (latin / "DejaVuSans.ttf").write_bytes(dejavu.read_bytes())
    config = tmp_path / "fonts.conf"
    config.write_text(f"<?xml version='1.0'?><fontconfig><dir>{latin}</dir></fontconfig>",
                      encoding="utf-8")  # fmt: skip
    source = tmp_path / "d.toml"
    source.write_text(DATA, encoding="utf-8")
    out = tmp_path / "x.png"
    run = gongfu(*args, str(out), "--as-of", AS_OF, "-d", str(source),
                 env={"FONTCONFIG_FILE": str(config)})  # fmt: skip
    err = run.stderr.decode()
    assert run.returncode == 1, err
    assert "no font with Chinese glyphs" in err and "fonts-noto-cjk" in err
    assert "Traceback" not in err
    assert not out.exists()


@needs_font
def test_the_terminal_theme_png_is_as_large_as_its_table(tmp_path: Path) -> None:
    """Sized to the table, not to the terminal's width: the same at 160 and 200 columns."""
    pictures = {}
    for columns in ("160", "200"):
        svg = png_of(DATA, tmp_path, f"t{columns}", "list", "--theme", "terminal", "--save",
                     COLUMNS=columns).with_suffix(".svg")  # fmt: skip
        run = gongfu("list", "--as-of", AS_OF, "-d", str(svg.with_suffix(".toml")), "--theme",
                     "terminal", "--save", str(svg), env={"COLUMNS": columns})  # fmt: skip
        assert run.returncode == 0, run.stderr.decode()
        size = raster.svg_size(svg.read_text(encoding="utf-8"))
        assert size is not None
        pictures[columns] = (size, pixels(svg.with_suffix(".png")))
    (size, image), (wide_size, _) = pictures["160"], pictures["200"]
    assert size == wide_size
    assert size[0] < 160 * 12.2 * 0.8  # well inside the 160-column terminal's width
    assert abs(image.width - 2 * size[0]) <= 1 and abs(image.height - 2 * size[1]) <= 1
    background = image.getpixel((image.width // 2, image.height - 3))
    inked = sum(
        1
        for x in range(0, image.width, 4)
        for y in range(0, image.height, 4)
        if image.getpixel((x, y)) != background
    )
    assert inked / ((image.width // 4) * (image.height // 4)) > 0.03  # not mostly blank


def test_svg_size_reads_the_declared_size() -> None:
    assert raster.svg_size('<svg xmlns="x" width="860" height="312.5">') == (860, 312)
    assert raster.svg_size('<svg class="t" viewBox="0 0 1080 464.8" xmlns="x">') == (1080, 465)
    assert re.match(r"install", raster.font_hint())


def test_a_name_that_starts_with_a_digit_is_aligned_as_text(tmp_path: Path) -> None:
    """Alignment follows the column's kind: a name starts at its column, numbers end at it."""
    source = tmp_path / "d.toml"
    source.write_text(DATA.replace("送气下乡", "5G网络覆盖"), encoding="utf-8")
    out = tmp_path / "list.svg"
    run = gongfu("list", "--as-of", AS_OF, "-d", str(source), "--save", str(out),
                 env={"COLUMNS": "120"})  # fmt: skip
    assert run.returncode == 0, run.stderr.decode()
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    texts = {"".join(t.itertext()): t for t in root.iter(f"{SVG}text")}
    name = texts["5G网络覆盖"]
    other = texts["乡村畅行"]
    assert name.get("text-anchor") is None and other.get("text-anchor") is None
    assert name.get("x") == other.get("x")  # both start where the column starts
    numbers = [t for text, t in texts.items() if re.fullmatch(r"\d+", text)]
    assert numbers and all(t.get("text-anchor") == "end" for t in numbers)


STARTED = """import sys
from gongfu_cli.cli.app import main
try:
    main()
except SystemExit:
    pass
heavy = ("resvg_py", "gongfu_cli.rendering.raster", "gongfu_cli.rendering.browser", "PIL", "docx",
         "gongfu_cli.rendering.bulletin")
print(" ".join(m for m in heavy if m in sys.modules), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [["list"], ["list", "--format", "csv"], ["rank"], ["report"], ["followup"]],
    ids=" ".join,
)
def test_table_commands_load_neither_resvg_nor_the_browser(tmp_path: Path, args: list[str]) -> None:
    """Start-up stays quick: only a PNG loads resvg, only a PDF the browser module."""
    source = tmp_path / "d.toml"
    source.write_text(DATA, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-c", STARTED, *args, "-d", str(source)],
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert run.stderr.decode().strip().splitlines()[-1:] in ([], [""]), run.stderr.decode()
