"""Charts for slides, briefings and the report page: SVG drawn here, text as real SVG text.

- `burnup_svg`: one indicator over time against its plan: readings joined by a line, the
  planned path (baseline → each milestone → target at the due date) dashed, the target as a
  horizontal line, the due and as-of dates marked, the trend to the due date dotted.
- `race_svg`: the race: one bar per bus in rank order, its length the attainment, a tick at its
  schedule (序时进度), its status as colour and as a word; unranked buses listed below.
- `bus_svg`: one bus: the burn-up of each indicator with a target, as small multiples.

A small module of our own rather than a charting library: each chart needs exact control of
Chinese labels, marks that do not rely on colour alone and machine-readable marks (`class` and
`data-*` on every point, bar and line, which the tests read back), and it must start fast and
need nothing at viewing time. Text uses a font stack every system has a member of, and widths
are estimated by character cell (a Chinese character is one em, a Latin one about half).
"""

from __future__ import annotations

import html
import math
import unicodedata
import zlib
from collections.abc import Sequence
from datetime import date, timedelta
from typing import NamedTuple

from gongfu_cli.domain.metrics import BusResult, IndicatorResult, Status, readings_until
from gongfu_cli.domain.model import Bus, Indicator
from gongfu_cli.escapes import visible_line
from gongfu_cli.presentation.rows import Row
from gongfu_cli.presentation.values import number, percent
from gongfu_cli.presentation.vocabulary import STATUS_LABELS, STATUS_LOOKS

FONT = '"Microsoft YaHei","PingFang SC","Noto Sans CJK SC","Source Han Sans SC",sans-serif'
INK = "#1f2328"
MUTED = "#57606a"
GRID = "#d0d7de"
ACTUAL = "#0b5cad"
PLAN = "#6e7781"
TARGET = "#1f2328"


def text_width(text: str, size: float) -> float:
    """About how wide `text` is drawn at `size` px: wide (Chinese) characters one em, others
    a little over half."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.58 * size for c in text)


def esc(text: object) -> str:
    """User text as inert SVG/HTML text: control characters visible, markup escaped."""
    return html.escape(visible_line(str(text)), quote=True)


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _text(x: float, y: float, content: str, size: float = 12, fill: str = INK,
          anchor: str = "start", weight: str = "normal", cls: str = "") -> str:  # fmt: skip
    klass = f' class="{cls}"' if cls else ""
    bold = ' font-weight="bold"' if weight == "bold" else ""
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" font-size="{size}" fill="{fill}" '
        f'text-anchor="{anchor}"{bold}{klass}>{esc(content)}</text>'
    )


def _document(width: float, height: float, title: str, desc: str, body: list[str]) -> str:
    w, h = math.ceil(width), math.ceil(height)
    key = f"chart-{zlib.crc32((title + desc).encode('utf-8')):08x}"  # unique within a report
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
        f'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{key}-title {key}-desc" '
        f"font-family='{FONT}'>\n"
        f'<title id="{key}-title">{esc(title)}</title>\n'
        f'<desc id="{key}-desc">{esc(desc)}</desc>\n'
        f'<rect width="100%" height="100%" fill="#ffffff"/>\n' + "\n".join(body) + "\n</svg>\n"
    )


def page(svg: str, title: str) -> str:
    """A chart in a small page of its own: nothing fetched, fits the window, prints."""
    from gongfu_cli.rendering.pictures import wrap_page

    return wrap_page(svg, title)


# ---------------------------------------------------------------------------------------------
# Scales


class Scale(NamedTuple):
    """A linear map from a domain (numbers, or dates as ordinals) to pixels."""

    d0: float
    d1: float
    p0: float
    p1: float

    def __call__(self, value: float) -> float:
        if self.d1 == self.d0:
            return self.p0
        return self.p0 + (value - self.d0) * (self.p1 - self.p0) / (self.d1 - self.d0)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round values covering [lo, hi] at a step of 1, 2 or 5 times a power of ten."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.floor(lo / step) * step
    ticks = []
    value = first
    while value < hi + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


def date_ticks(d0: date, d1: date) -> list[tuple[date, str]]:
    """1 January of each year in range; quarters when that gives fewer than three."""
    years = [date(y, 1, 1) for y in range(d0.year, d1.year + 2) if d0 <= date(y, 1, 1) <= d1]
    if len(years) >= 3:
        return [(d, str(d.year)) for d in years]
    quarters = [
        date(y, m, 1)
        for y in range(d0.year, d1.year + 1)
        for m in (1, 4, 7, 10)
        if d0 <= date(y, m, 1) <= d1
    ]
    return [(d, f"{d.year}-{d.month:02d}") for d in quarters]


# ---------------------------------------------------------------------------------------------
# Burn-up


def _planned(indicator: Indicator) -> list[tuple[date, float]]:
    if indicator.target is None or indicator.due is None:
        return []
    return [
        (indicator.start, float(indicator.baseline)),
        *((m.date, float(m.value)) for m in indicator.milestones),
        (indicator.due, float(indicator.target)),
    ]


def value_ticks(values: Sequence[float]) -> list[float]:
    """Round ticks for a value axis that spans `values` with a margin: it starts at 0 only when
    0 is near the data (no further below it than half the data's span), so a figure moving
    from 90 to 99 fills the plot instead of lying flat at its top."""
    lo, hi = min(values), max(values)
    span = hi - lo or max(abs(hi), 1.0)
    margin = 0.08 * span  # also headroom for the target's label
    bottom = 0.0 if 0 <= lo <= span / 2 else lo - margin
    top = 0.0 if -span / 2 <= hi <= 0 else hi + margin
    return nice_ticks(bottom, top)


def _projection(result: IndicatorResult, as_of: date) -> list[tuple[date, float]]:
    """The trend from the last reading to the due date, where there is one."""
    readings = readings_until(result.indicator, as_of)
    trend, due = result.trend, result.indicator.due
    if trend is None or due is None or not readings or due <= readings[-1].date:
        return []
    return [(d, trend.intercept + trend.slope * d.toordinal()) for d in (readings[-1].date, due)]


def _burnup(bus: Bus, result: IndicatorResult, as_of: date, x: float, y: float, w: float,
            h: float, compact: bool) -> list[str]:  # fmt: skip
    """The elements of one burn-up in the box (x, y, w, h)."""
    ind = result.indicator
    unit = ind.unit
    readings = readings_until(ind, as_of)
    plan = _planned(ind)
    due = ind.due
    start_day = min([ind.start, *(r.date for r in readings)])
    end_day: date = max([as_of, *(r.date for r in readings), *([due] if due else [])])
    if end_day <= start_day:
        end_day = start_day + timedelta(days=1)
    projection = _projection(result, as_of)
    values = [float(r.value) for r in readings] + [v for _, v in plan + projection]
    values += [float(ind.baseline)] + ([float(ind.target)] if ind.target is not None else [])
    ticks = value_ticks(values)
    title_size, size = (13, 10) if compact else (17, 12)
    pad = 4 if compact else 14
    top = y + (60 if compact else 84)
    left = x + pad + max(text_width(number(t, "") or "0", size) for t in ticks) + 10
    right = x + w - (12 if compact else 24)
    bottom = y + h - (34 if compact else 58)
    xs = Scale(start_day.toordinal(), end_day.toordinal(), left, right)
    ys = Scale(ticks[0], ticks[-1], bottom, top)

    def at(day: date, value: float) -> str:
        return f"{_num(xs(day.toordinal()))},{_num(ys(value))}"

    out = [f'<g class="burnup" data-indicator="{esc(ind.id)}" data-bus="{esc(bus.id)}" '
           f'data-status="{result.status.value}">']  # fmt: skip
    heading = ind.name if compact else f"{bus.name} · {ind.name}"  # small multiples: one bus
    out.append(_text(x + pad, y + title_size + 6, heading, title_size, weight="bold", cls="title"))
    facts = [f"状态 {STATUS_LABELS[result.status]}"]
    if ind.target is not None:
        facts.insert(0, f"目标 {number(ind.target, unit)}" + (f"（{due}）" if due else ""))
    if result.attainment is not None:
        facts.append(f"完成率 {percent(result.attainment)}")
    if result.schedule is not None:
        facts.append(f"序时进度 {percent(result.schedule)}")
    if not compact:
        facts.append(f"截至 {as_of}")
    out.append(_text(x + pad, y + title_size + (20 if compact else 30), " · ".join(facts),
                     size, MUTED, cls="subtitle"))  # fmt: skip
    out.append(
        f'<g class="plot" data-x0="{start_day}" data-x1="{end_day}" data-px0="{_num(left)}" '
        f'data-px1="{_num(right)}" data-y0="{ticks[0]}" data-y1="{ticks[-1]}" '
        f'data-py0="{_num(bottom)}" data-py1="{_num(top)}">'
    )
    for t in ticks:
        py = ys(t)
        out.append(f'<line x1="{_num(left)}" x2="{_num(right)}" y1="{_num(py)}" '
                   f'y2="{_num(py)}" stroke="{GRID}" stroke-width="1"/>')  # fmt: skip
        out.append(_text(left - 6, py + size * 0.35, number(t, "") or "0", size, MUTED, "end"))
    if unit:
        out.append(_text(x + pad, top - 12, f"单位：{unit}", size, MUTED, cls="unit"))
    for day, label in date_ticks(start_day, end_day):
        px = xs(day.toordinal())
        out.append(f'<line x1="{_num(px)}" x2="{_num(px)}" y1="{_num(bottom)}" '
                   f'y2="{_num(bottom + 4)}" stroke="{MUTED}"/>')  # fmt: skip
        out.append(_text(px, bottom + size + 6, label, size, MUTED, "middle", cls="x-tick"))
    out.append(f'<line x1="{_num(left)}" x2="{_num(right)}" y1="{_num(bottom)}" '
               f'y2="{_num(bottom)}" stroke="{MUTED}"/>')  # fmt: skip
    if ind.target is not None:
        py = ys(float(ind.target))
        out.append(f'<line class="target" data-value="{ind.target}" x1="{_num(left)}" '
                   f'x2="{_num(right)}" y1="{_num(py)}" y2="{_num(py)}" stroke="{TARGET}" '
                   'stroke-width="1.5"/>')  # fmt: skip
        out.append(_text(left + 4, py - 5, f"目标 {number(ind.target, unit)}", size, TARGET))
    marks: list[tuple[str, date | None, str]] = [("due", due, "截止"), ("as-of", as_of, "截至")]
    for cls, when, label in marks:
        if when is None or not start_day <= when <= end_day:
            continue
        day = when
        px = xs(day.toordinal())
        out.append(f'<line class="{cls}" data-date="{day}" x1="{_num(px)}" x2="{_num(px)}" '
                   f'y1="{_num(top)}" y2="{_num(bottom)}" stroke="{MUTED}" stroke-width="1" '
                   'stroke-dasharray="1 3"/>')  # fmt: skip
        anchor = "end" if px > (left + right) / 2 else "start"
        dx = -4 if anchor == "end" else 4
        label_y = bottom - 6 if cls == "due" else top + size
        if not compact or cls == "due":
            out.append(_text(px + dx, label_y, f"{label} {day}", size, MUTED, anchor, cls=cls))
    if plan:
        points = " ".join(at(d, v) for d, v in plan)
        data = " ".join(f"{d}:{v:g}" for d, v in plan)
        out.append(f'<polyline class="plan" data-points="{data}" points="{points}" fill="none" '
                   f'stroke="{PLAN}" stroke-width="1.5" stroke-dasharray="6 4"/>')  # fmt: skip
        for m in ind.milestones:
            cx, cy = xs(m.date.toordinal()), ys(float(m.value))
            out.append(f'<rect class="milestone" data-date="{m.date}" data-value="{m.value}" '
                       f'x="{_num(cx - 4)}" y="{_num(cy - 4)}" width="8" height="8" fill="#fff" '
                       f'stroke="{PLAN}" stroke-width="1.5" '
                       f'transform="rotate(45 {_num(cx)} {_num(cy)})"/>')  # fmt: skip
    if projection:
        points = " ".join(at(d, v) for d, v in projection)
        out.append(f'<polyline class="trend" points="{points}" fill="none" stroke="{ACTUAL}" '
                   'stroke-width="1.5" stroke-dasharray="2 4"/>')  # fmt: skip
    if len(readings) > 1:
        points = " ".join(at(r.date, float(r.value)) for r in readings)
        out.append(f'<polyline class="actual" points="{points}" fill="none" '
                   f'stroke="{ACTUAL}" stroke-width="2.5"/>')  # fmt: skip
    for r in readings:
        cx, cy = xs(r.date.toordinal()), ys(float(r.value))
        out.append(f'<circle class="reading" data-date="{r.date}" data-value="{r.value}" '
                   f'cx="{_num(cx)}" cy="{_num(cy)}" r="{3.5 if compact else 4.5}" '
                   f'fill="{ACTUAL}"><title>{r.date}：{esc(number(r.value, unit))}</title>'
                   "</circle>")  # fmt: skip
    if not readings:
        out.append(_text((left + right) / 2, (top + bottom) / 2, "尚无读数", size + 2, MUTED,
                         "middle", cls="empty"))  # fmt: skip
    out.append("</g>")
    if not compact:
        out += _legend(left, y + h - 16, size, bool(plan), bool(projection))
    out.append("</g>")
    return out


def _legend(x: float, y: float, size: float, plan: bool, trend: bool) -> list[str]:
    items = [("实际", f'stroke="{ACTUAL}" stroke-width="2.5"', True)]
    if plan:
        items.append(("计划（含年度目标）", f'stroke="{PLAN}" stroke-width="1.5" '
                      'stroke-dasharray="6 4"', False))  # fmt: skip
    if trend:
        items.append(("按趋势", f'stroke="{ACTUAL}" stroke-width="1.5" stroke-dasharray="2 4"',
                      False))  # fmt: skip
    items.append(("目标", f'stroke="{TARGET}" stroke-width="1.5"', False))
    out = ['<g class="legend">']
    for label, stroke, dot in items:
        out.append(f'<line x1="{_num(x)}" x2="{_num(x + 24)}" y1="{_num(y - 4)}" '
                   f'y2="{_num(y - 4)}" {stroke}/>')  # fmt: skip
        if dot:
            out.append(f'<circle cx="{_num(x + 12)}" cy="{_num(y - 4)}" r="3.5" '
                       f'fill="{ACTUAL}"/>')  # fmt: skip
        out.append(_text(x + 30, y, label, size, MUTED))
        x += 30 + text_width(label, size) + 22
    out.append("</g>")
    return out


def burnup_svg(bus: Bus, result: IndicatorResult, as_of: date) -> str:
    """One indicator's progress over time against its plan."""
    ind = result.indicator
    width, height = 760, 440
    body = _burnup(bus, result, as_of, 0, 0, width, height, compact=False)
    return _document(width, height, f"{bus.name} · {ind.name}", _burnup_desc(bus, result, as_of),
                     body)  # fmt: skip


def _burnup_desc(bus: Bus, result: IndicatorResult, as_of: date) -> str:
    ind = result.indicator
    readings = readings_until(ind, as_of)
    parts = [f"{bus.name}「{ind.name}」截至 {as_of} 的进展"]
    if ind.target is not None:
        parts.append(
            f"目标 {number(ind.target, ind.unit)}" + (f"，截止 {ind.due}" if ind.due else "")
        )
    if readings:
        parts.append(f"{len(readings)} 个读数，最新 {readings[-1].date} 为 "
                     f"{number(readings[-1].value, ind.unit)}")  # fmt: skip
    else:
        parts.append("尚无读数")
    if result.attainment is not None:
        parts.append(f"完成率 {percent(result.attainment)}")
    if result.schedule is not None:
        parts.append(f"序时进度 {percent(result.schedule)}")
    parts.append(f"状态：{STATUS_LABELS[result.status]}")
    return "；".join(parts) + "。"


def bus_svg(result: BusResult, as_of: date) -> str:
    """A bus's indicators with a target, one small burn-up each, two to a row."""
    with_target = [i for i in result.indicators if i.indicator.target is not None]
    others = [i.indicator.name for i in result.indicators if i.indicator.target is None]
    columns = 2 if len(with_target) > 1 else 1
    cell_w, cell_h = 380, 270
    width = columns * cell_w + 20
    rows = math.ceil(len(with_target) / columns)
    plan = any(_planned(i.indicator) for i in with_target)
    trend = any(_projection(i, as_of) for i in with_target)
    head = 90 if with_target else 64  # the title, its facts and the legend of the lines
    monitored = _wrap("只监测、不设目标：" + "、".join(others), width - 28, 12) if others else []
    body_h = rows * cell_h if with_target else 40
    height = head + body_h + 18 * len(monitored) + 16
    bus = result.bus
    facts = [f"第{bus.batch}批", bus.field]
    if bus.lead:
        facts.append(f"牵头：{bus.lead}")
    facts.append(f"截至 {as_of}")
    if result.attainment is not None:
        facts.append(f"完成率 {percent(result.attainment)}")
    facts.append(f"状态 {STATUS_LABELS[result.status]}")
    body = [
        _text(14, 28, bus.name, 20, weight="bold", cls="title"),
        _text(14, 50, " · ".join(facts), 12, MUTED, cls="subtitle"),
    ]
    if with_target:
        body += _legend(14, 76, 12, plan, trend)
    for k, item in enumerate(with_target):
        cx = 10 + (k % columns) * cell_w
        cy = head + (k // columns) * cell_h
        body += _burnup(bus, item, as_of, cx, cy, cell_w - 10, cell_h - 10, compact=True)
    if not with_target:
        body.append(_text(14, head + 24, "没有设目标的指标，无燃尽图。", 13, MUTED, cls="empty"))
    for n, line in enumerate(monitored):
        body.append(_text(14, head + body_h + 14 + 18 * n, line, 12, MUTED, cls="monitored"))
    desc = (
        f"{bus.name}：{len(with_target)} 个设目标指标的进展小图"
        + (f"，另有 {len(others)} 个只监测的指标" if others else "")
        + f"；截至 {as_of}，状态：{STATUS_LABELS[result.status]}。"
    )
    return _document(width, height, f"{bus.name} · 各指标进展", desc, body)


# ---------------------------------------------------------------------------------------------
# The race


def _move_mark(row: Row) -> str:
    move = row.get("move")
    if "move" not in row:
        return ""
    if row.get("previous_rank") is None:
        return "新"
    if move is None or move == 0:
        return "–"
    return f"↑{move}" if move > 0 else f"↓{-move}"


def race_svg(title: str, rows: Sequence[Row], caption: str) -> str:
    """One bar per ranked bus in rank order: attainment as length, schedule as a tick."""
    ranked = [r for r in rows if r.get("rank") is not None]
    unranked = [r for r in rows if r.get("rank") is None]
    compared = any("move" in r for r in rows)
    size = 13
    names = [str(r["bus"]) for r in ranked] or [""]
    label_w = max(text_width(n, size) for n in names) + (44 if compared else 12) + 30
    width = 860
    left, right = 16 + label_w, width - 170
    top, bar_h, gap = 78, 22, 12
    shown = [float(r[k] or 0) for r in ranked for k in ("attainment", "schedule")]
    scale_max = max([1.0, *shown])
    xs = Scale(0, scale_max, left, right)
    height = top + len(ranked) * (bar_h + gap) + 40
    unranked_lines = _wrap("未排名（没有可比数值）：" + "、".join(str(r["bus"]) for r in unranked),
                           width - 32, 12) if unranked else []  # fmt: skip
    height += 18 * len(unranked_lines) + 40
    body = [
        _text(16, 30, title, 18, weight="bold", cls="title"),
        _text(16, 52, caption, 12, MUTED, cls="caption"),
        f'<g class="race" data-px0="{_num(left)}" data-px1="{_num(right)}" '
        f'data-max="{scale_max:g}">',
    ]
    for t in nice_ticks(0, scale_max, 5):
        if t > scale_max + 1e-9:
            break
        px = xs(t)
        bottom = top + len(ranked) * (bar_h + gap)
        body.append(f'<line x1="{_num(px)}" x2="{_num(px)}" y1="{top - 8}" '
                    f'y2="{_num(bottom)}" stroke="{GRID}"/>')  # fmt: skip
        body.append(_text(px, top - 12, f"{t:.0%}", 11, MUTED, "middle"))
    for k, row in enumerate(ranked):
        y = top + k * (bar_h + gap)
        status = Status(row["status"])
        color = STATUS_LOOKS[status].fill
        att = float(row["attainment"] or 0)
        mid = y + bar_h / 2 + 4.5
        body.append(_text(16, mid, f"{row['rank']}", size, MUTED, cls="rank"))
        if compared:
            mark = _move_mark(row)
            body.append(_text(44, mid, mark, size, MUTED, cls="move"))
        body.append(_text(left - 10, mid, str(row["bus"]), size, anchor="end", cls="name"))
        bar_w = max(0.0, xs(att) - left)
        body.append(f'<rect class="bar" data-bus="{esc(row["bus_id"])}" data-rank="{row["rank"]}" '
                    f'data-status="{status.value}" '
                    f'data-attainment="{att:g}" x="{_num(left)}" y="{y}" width="{_num(bar_w)}" '
                    f'height="{bar_h}" fill="{color}"><title>{esc(row["bus"])}：完成率 '
                    f'{percent(att)}</title></rect>')  # fmt: skip
        label = f"{percent(att)}  {STATUS_LABELS[status]}"
        label_x = left + bar_w + 8
        if row.get("schedule") is not None:
            sx = xs(float(row["schedule"]))
            body.append(f'<line class="schedule" data-schedule="{float(row["schedule"]):g}" '
                        f'x1="{_num(sx)}" x2="{_num(sx)}" y1="{y - 4}" y2="{y + bar_h + 4}" '
                        f'stroke="{INK}" stroke-width="2.5"/>')  # fmt: skip
            if label_x - 10 <= sx <= label_x + text_width(label, size) + 4:
                label_x = sx + 8  # the tick would cross the label: set it after the tick
        body.append(_text(label_x, mid, label, size, INK, cls="value"))
    body.append("</g>")
    y = top + len(ranked) * (bar_h + gap) + 22
    legend_x = 16.0
    for label, status in (("正常/已完成", Status.ON_TRACK), ("滞后", Status.LAGGING),
                          ("严重滞后", Status.OFF_TRACK), ("逾期", Status.OVERDUE),
                          ("无数据", Status.NO_DATA)):  # fmt: skip
        body.append(f'<rect x="{_num(legend_x)}" y="{y - 10}" width="12" height="12" '
                    f'fill="{STATUS_LOOKS[status].fill}"/>')  # fmt: skip
        body.append(_text(legend_x + 16, y, label, 12, MUTED))
        legend_x += 16 + text_width(label, 12) + 18
    body.append(f'<line x1="{_num(legend_x)}" x2="{_num(legend_x)}" y1="{y - 12}" y2="{y + 3}" '
                f'stroke="{INK}" stroke-width="2.5"/>')  # fmt: skip
    body.append(_text(legend_x + 8, y, "序时进度", 12, MUTED))
    for n, line in enumerate(unranked_lines):
        body.append(_text(16, y + 30 + 18 * n, line, 12, MUTED, cls="unranked"))
    desc = (
        "；".join(
            f"第{r['rank']}名 {r['bus']}，完成率 {percent(r['attainment'])}，"
            f"序时进度 {percent(r['schedule']) or '—'}，{STATUS_LABELS[Status(r['status'])]}"
            for r in ranked
        )
        or "没有可排名的班车"
    )
    return _document(width, height, title, desc + "。", body)


def _wrap(text: str, width: float, size: float) -> list[str]:
    lines, line = [], ""
    for char in text:
        if text_width(line + char, size) > width:
            lines.append(line)
            line = ""
        line += char
    return [*lines, line] if line else lines
