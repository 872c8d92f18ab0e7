"""The report page and the charts in a real browser (headless Chromium): drawn, not blank, no
element wider than the page on a screen or on A4, and the Chinese names in the rendered text.

CI installs Debian's `chromium` and sets CI=true, where these tests must run, not skip.
"""

from __future__ import annotations

import html
import io
import json
import os
import re
import subprocess
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from gongfu_cli.rendering.browser import find_browser, headless, screenshot
from gongfu_cli.rendering.raster import svg_png
from tests.builders import CHART_AS_OF as AS_OF
from tests.builders import CHART_DATA as DATA
from tests.conftest import gongfu

BROWSER = find_browser()
pytestmark = pytest.mark.skipif(
    BROWSER is None and os.environ.get("CI") != "true",
    reason="no Chromium-family browser here (CI installs one)",
)
A4_WIDTH = 703  # CSS px: 210 mm less 12 mm margins each side, at 96 px per inch
NAMES = ("送气下乡", "乡村畅行", "通气行政村覆盖率", "服务乘客", "市建设局")

PROBE = """<script>
const width = document.documentElement.clientWidth;
const wide = [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > width + 1)
  .map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined
       ? '.' + e.className : ''));
document.body.setAttribute('data-probe', JSON.stringify({
  width, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 10),
  text: document.body.innerText}));
</script>"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "d.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def probe(page: Path, width: int) -> dict[str, object]:
    """Load the page at `width` CSS px and read what the probe script measured."""
    assert BROWSER is not None, "CI=true but no Chromium: .ci/run installs it"
    probed = page.with_name(page.stem + "-probe.html")
    probed.write_text(page.read_text(encoding="utf-8").replace("</body>", PROBE + "</body>"),
                      encoding="utf-8")  # fmt: skip
    command = headless(BROWSER, page.parent / "profile", f"--window-size={width},1200",
                       "--dump-dom", probed.as_uri())  # fmt: skip
    done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    match = re.search(r'data-probe="([^"]*)"', done.stdout.decode("utf-8"))
    assert match, done.stderr.decode("utf-8", "replace")[-2000:]
    return json.loads(html.unescape(match.group(1)))


def not_blank(png: bytes, expected_width: int | None = None) -> Image.Image:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    if expected_width is not None:
        assert image.width == 2 * expected_width  # drawn at twice the pixels
    grey = image.convert("L")
    histogram = grey.histogram()  # pixels per grey level, 0 (black) to 255 (white)
    inked = sum(histogram[:240])
    assert inked / (image.width * image.height) > 0.01, "the picture is (nearly) blank"
    return image


def test_the_report_page_fits_a_screen_and_a4_and_shows_the_names(
    data: Path, tmp_path: Path
) -> None:
    page = tmp_path / "report.html"
    run = gongfu("report", "--as-of", AS_OF, "-o", str(page), "-d", str(data))
    assert run.returncode == 0, run.stderr
    for width in (1280, A4_WIDTH):
        seen = probe(page, width)
        assert seen["wide"] == [], (width, seen["wide"])
        assert seen["scroll"] <= seen["width"], width
        for name in NAMES:
            assert name in seen["text"], (width, name)
    shot = screenshot(page.read_text(encoding="utf-8"), 1280, 1600)
    not_blank(shot)


@pytest.mark.parametrize(
    "args",
    [["history", "送气下乡", "通气"], ["rank"], ["progress", "送气下乡"]],
    ids=["burnup", "race", "bus"],
)
def test_each_chart_renders_with_its_names(data: Path, tmp_path: Path, args: list[str]) -> None:
    svg_file, page = tmp_path / "c.svg", tmp_path / "c.html"
    for out in (svg_file, page):
        run = gongfu(*args, "--as-of", AS_OF, "--chart", str(out), "-d", str(data))
        assert run.returncode == 0, run.stderr
    svg = svg_file.read_text(encoding="utf-8")
    width = round(float(re.search(r'width="([\d.]+)"', svg).group(1)))
    image = not_blank(svg_png(svg), width)
    colours = {image.getpixel((x, y)) for x in range(0, image.width, 7)
               for y in range(0, image.height, 7)}  # fmt: skip
    assert len(colours) > 5  # lines, bars and text in several colours, not one flat fill
    seen = probe(page, 1280)
    assert seen["wide"] == []
    assert "送气下乡" in seen["text"]


def test_the_report_prints_on_a4_pages(data: Path, tmp_path: Path) -> None:
    """Printed by the browser, the page is A4 (595 × 842 points), several pages long."""
    page = tmp_path / "report.html"
    assert gongfu("report", "--as-of", AS_OF, "-o", str(page), "-d", str(data)).returncode == 0
    assert BROWSER is not None, "CI=true but no Chromium: .ci/run installs it"
    pdf = tmp_path / "report.pdf"
    command = headless(BROWSER, tmp_path / "profile", "--no-pdf-header-footer",
                       f"--print-to-pdf={pdf}", page.as_uri())  # fmt: skip
    subprocess.run(command, capture_output=True, timeout=120, check=False)
    raw = pdf.read_bytes()
    assert raw.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", raw)
    assert boxes, "no page sizes in the PDF"
    assert all(abs(float(w) - 595.3) < 2 and abs(float(h) - 841.9) < 2 for w, h in boxes)
    assert len(boxes) >= 2


BARS = """(() => {
  const out = {race: [], table: []};
  for (const svg of document.querySelectorAll('figure.chart svg')) {
    const race = svg.querySelector('g.race');
    if (!race) continue;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const span = (race.dataset.px1 - race.dataset.px0) * scale / race.dataset.max;
    for (const bar of race.querySelectorAll('rect.bar')) {
      out.race.push({value: +bar.dataset.attainment, width: bar.getBoundingClientRect().width,
                     span});
    }
  }
  for (const bar of document.querySelectorAll('td span.bar')) {
    const percent = bar.parentElement.textContent.match(/(-?[\\d.]+)%/);
    out.table.push({value: +percent[1] / 100, width: bar.firstElementChild
      .getBoundingClientRect().width, span: bar.getBoundingClientRect().width});
  }
  return out;
})()"""


@pytest.mark.parametrize("printed", [False, True], ids=["screen", "print"])
def test_each_bar_of_the_report_is_as_long_as_its_value(
    data: Path, tmp_path: Path, printed: bool
) -> None:
    """The race chart's bars and the tables' bars, as the browser lays them out: each width is
    its value on the chart's (or the bar's) scale, within a pixel; the buses differ."""
    from tests.cdp import Browser

    page = tmp_path / "report.html"
    run = gongfu("report", "--as-of", AS_OF, "-o", str(page), "-d", str(data))
    assert run.returncode == 0, run.stderr
    assert BROWSER is not None, "CI=true but no Chromium: .ci/run installs it"
    with Browser(BROWSER) as browser:
        bars = browser.layout(page.as_uri(), A4_WIDTH if printed else 1280, BARS, printed)
    race, table = bars["race"], bars["table"]
    assert len(race) == 2 and len({round(b["value"], 3) for b in race}) == 2, race
    assert len(table) >= 4 and len({round(b["value"], 3) for b in table}) >= 3, table
    for bar in race:
        assert abs(bar["width"] - bar["value"] * bar["span"]) <= 1, bar
    for bar in table:
        assert abs(bar["width"] - min(1.0, bar["value"]) * bar["span"]) <= 1, bar
    assert race[0]["width"] > race[1]["width"] + 20  # 78% against well under half


def pdf_text(path: Path) -> tuple[list[tuple[float, float]], list[str]]:
    """Each page's size in points and its text, read back by pypdf."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    texts = [unicodedata.normalize("NFKC", p.extract_text()) for p in reader.pages]
    return sizes, texts


def test_report_writes_an_a4_pdf_with_every_bus_and_page_numbers(
    data: Path, tmp_path: Path
) -> None:
    out = tmp_path / "通报.pdf"
    run = gongfu("report", "--as-of", AS_OF, "-o", str(out), "-d", str(data))
    assert run.returncode == 0, run.stderr.decode()
    assert out.read_bytes().startswith(b"%PDF")
    sizes, texts = pdf_text(out)
    assert len(sizes) >= 2
    assert all(abs(w - 595.3) < 2 and abs(h - 841.9) < 2 for w, h in sizes)  # A4 in points
    text = "".join(texts)
    for name in ("送气下乡", "乡村畅行", "尚未报数", "通气行政村覆盖率", "服务乘客"):
        assert name in text, name
    for number, page in enumerate(texts, start=1):
        assert f"{number} / {len(texts)}" in page  # a page number on every page
    # a chart is never cut: its first and last lines are on one page
    for first, last in (
        ("第2批 · 燃气 · 牵头:市建设局 · 截至 2024-06-30", "只监测、不设目标:只看不考"),
        ("按完成率排名", "未排名(没有可比数值):尚未报数"),
    ):
        assert [first in t for t in texts] == [last in t for t in texts], (first, last)
        assert any(first in t for t in texts)


def test_a_pdf_report_needs_a_file_and_a_browser(data: Path, tmp_path: Path) -> None:
    run = gongfu("report", "-f", "pdf", "-d", str(data))
    assert run.returncode == 2 and "-o FILE.pdf" in run.stderr.decode()
    out = tmp_path / "r.pdf"
    run = gongfu("report", "-o", str(out), "-d", str(data),
                 env={"GONGFU_BROWSER": str(tmp_path / "no-such-browser")})  # fmt: skip
    err = run.stderr.decode()
    assert run.returncode == 1 and "none was found" in err and "Traceback" not in err
    assert not out.exists()


def test_the_printed_page_reaches_no_address_and_no_other_file(tmp_path: Path) -> None:
    """A page that asks for a local server and a file beside it gets neither, while the same
    page in a browser started without gongfu's settings does reach the server."""
    import http.server
    import threading

    from gongfu_cli.rendering.browser import pdf

    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body{}")

        def log_message(self, *_: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    secret = tmp_path / "secret.html"
    secret.write_text("<p>SECRET-7f3a</p>", encoding="utf-8")
    url = f"http://127.0.0.1:{server.server_port}"
    page = (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f'<link rel="stylesheet" href="{url}/style.css"></head><body><p>送气下乡</p>'
        f'<img src="{url}/pixel.png"><iframe src="{secret.as_uri()}"></iframe></body></html>'
    )
    try:
        text = "".join(pdf_text_of(pdf(page)))
        assert "送气下乡" in text and "SECRET-7f3a" not in text
        assert asked == []
        assert BROWSER is not None
        plain = tmp_path / "plain.html"
        plain.write_text(page, encoding="utf-8")
        command = [BROWSER, "--headless", f"--user-data-dir={tmp_path / 'p'}", "--dump-dom",
                   plain.as_uri()]  # fmt: skip
        if os.geteuid() == 0:
            command.insert(1, "--no-sandbox")
        from gongfu_cli.rendering.browser import run

        run(command, timeout=120)
        assert asked, "the check itself is blind: an unguarded browser should reach the server"
    finally:
        server.shutdown()


def pdf_text_of(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [
        unicodedata.normalize("NFKC", p.extract_text()) for p in PdfReader(io.BytesIO(data)).pages
    ]
