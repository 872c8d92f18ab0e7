"""The whole-programme report: headline figures, the race, each bus, and what lacks data.

Built from the same flat rows as every other output, as Markdown (pipe tables, via tabulate)
or as one self-contained HTML page. Pure functions returning `str`.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from gongfu_cli.display import (
    date_text,
    filled,
    markdown_text,
    number,
    percent,
    points,
    status_label,
    visible_line,
)
from gongfu_cli.metrics import BusResult, Status, is_stale, status_counts
from gongfu_cli.model import Dataset
from gongfu_cli.rows import Row, bus_rows, indicator_row, rank_rows


@dataclass(frozen=True)
class BusSection:
    bus: Row
    summary: str | None
    indicators: list[Row]
    sources: list[str | None]  # the source of each indicator's latest reading


@dataclass(frozen=True)
class Report:
    title: str
    as_of: date
    batches: list[tuple[int, int]]  # (batch, buses)
    statuses: list[tuple[Status, int]]  # (status, buses), worst first
    overall: float | None  # mean attainment of the buses that have one
    measured: int  # how many buses have an attainment
    race: list[Row]
    sections: list[BusSection]
    stale: list[tuple[str, str, date | None]]  # (bus, indicator, latest reading or None)


def build_report(dataset: Dataset, results: list[BusResult], as_of: date) -> Report:
    buses = bus_rows(results)
    attained = [r["attainment"] for r in buses if r["attainment"] is not None]
    sections, stale = [], []
    for result, row in zip(results, buses, strict=True):
        indicators = [indicator_row(result, r) for r in result.indicators]
        sections.append(
            BusSection(
                row,
                result.bus.summary,
                indicators,
                [r.latest.source if r.latest else None for r in result.indicators],
            )
        )
        for r in result.indicators:
            if is_stale(r.indicator, as_of):
                stale.append((result.bus.name, r.indicator.name, r.value_date))
    return Report(
        title=f"{dataset.program.name or 'gongfu'} 进度报告",
        as_of=as_of,
        batches=sorted(Counter(r["batch"] for r in buses).items()),
        statuses=status_counts(r["status"] for r in buses),
        overall=sum(attained) / len(attained) if attained else None,
        measured=len(attained),
        race=rank_rows(results),
        sections=sections,
        stale=stale,
    )


def text_bar(ratio: float | None, width: int = 10) -> str:
    if ratio is None:
        return ""
    cells = filled(ratio, width)
    return "█" * cells + "░" * (width - cells) + " " + percent(ratio)


def _indicator_cells(row: Row) -> list[str]:
    unit = row["unit"]
    return [
        number(row["target"], unit),
        number(row["value"], unit),
        date_text(row["value_date"]),
        text_bar(row["attainment"]),
        percent(row["schedule"]),
        status_label(row["status"]),
    ]


def _facts(
    bus: Row, escape: Callable[[str | None], str], status: Callable[[str], str]
) -> list[str]:
    """The line of facts under a bus's heading; `escape` makes user text safe for the format."""
    facts = [f"第{bus['batch']}批", escape(bus["field"])]
    if bus["lead"]:
        facts.append(f"牵头：{escape(bus['lead'])}")
    facts.append(f"发车 {date_text(bus['launched'])}")
    if bus["due"]:
        facts.append(f"截止 {date_text(bus['due'])}")
    facts.append(f"完成率 {percent(bus['attainment']) or '—'}")
    facts.append(f"状态 {status(bus['status'])}")
    return facts


INDICATOR_HEADERS = ["指标", "目标", "最新值", "日期", "完成率", "序时进度", "状态", "来源"]
RACE_HEADERS = ["名次", "班车", "牵头单位", "完成率", "序时进度", "超前序时", "状态"]


def _race_cells(row: Row) -> list[str]:
    gap = row["gap"]
    return [
        "" if row["rank"] is None else str(row["rank"]),
        row["bus"],
        row["lead"] or "",
        text_bar(row["attainment"]),
        percent(row["schedule"]),
        points(gap),
        status_label(row["status"]),
    ]


def _headline(report: Report) -> list[str]:
    batches = " · ".join(f"第{b}批 {n} 趟" for b, n in report.batches)
    statuses = " · ".join(f"{status_label(s)} {n}" for s, n in report.statuses)
    overall = (
        f"{percent(report.overall)}（{report.measured} 趟班车有完成率，各趟平均）"
        if report.overall is not None
        else "—（还没有班车有完成率）"
    )
    return [f"班车：{batches}", f"状态：{statuses}", f"总体完成率：{overall}"]


# ---------------------------------------------------------------------------------------------
# Markdown

md = markdown_text  # user text in Markdown: every cell that holds any goes through it


def markdown_report(report: Report) -> str:
    from tabulate import tabulate

    def table(headers: list[str], rows: list[list[str]]) -> str:
        return tabulate(rows, headers=headers, tablefmt="pipe", disable_numparse=True)

    out = [f"# {md(report.title)}", "", f"截至 {report.as_of.isoformat()}", ""]
    out += [f"- {line}" for line in _headline(report)]
    out += ["", "## 赛马", ""]
    race = [[md(cell) for cell in _race_cells(r)] for r in report.race]
    out += [table(RACE_HEADERS, race), ""]
    for section in report.sections:
        bus = section.bus
        out += [f"## {md(bus['bus'])}（{md(bus['bus_id'])}）", ""]
        out += [" · ".join(_facts(bus, md, status_label)), ""]
        if section.summary:
            out += [md(section.summary), ""]
        rows = [
            [md(r["indicator"]), *map(md, _indicator_cells(r)), md(source)]
            for r, source in zip(section.indicators, section.sources, strict=True)
        ]
        out += [table(INDICATOR_HEADERS, rows), ""]
    out += ["## 近一年无读数的指标", ""]
    if report.stale:
        out += [
            table(
                ["班车", "指标", "最近读数"],
                [[md(b), md(i), date_text(d) or "无"] for b, i, d in report.stale],
            ),
            "",
        ]
    else:
        out += ["（无）", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# HTML

_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2em auto; max-width: 72em; color: #1a1a1a; line-height: 1.5; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; }
.meta { color: #555; } .facts { color: #333; } .summary { color: #555; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1.2em; font-size: 0.92em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.5em; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; } td { white-space: nowrap; }
td:first-child, td:last-child { white-space: normal; } td.num { text-align: right; }
.bar { display: inline-block; width: 6em; height: 0.7em; background: #e6e6e6;
       vertical-align: middle; margin-right: 0.4em; }
.bar > span { display: block; height: 100%; }
.achieved, .on_track, .in_progress { color: #1a7f37; } .lagging { color: #9a6700; }
.off_track, .overdue { color: #cf222e; } .monitored, .no_data { color: #6e7781; }
.bar .achieved, .bar .on_track, .bar .in_progress { background: #2da44e; }
.bar .lagging { background: #d4a72c; } .bar .off_track, .bar .overdue { background: #cf222e; }
.bar .monitored, .bar .no_data { background: #8c959f; }
@media print { body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""


def h(text: str | None) -> str:
    return html.escape(visible_line(text))


def _html_bar(ratio: float | None, status: str) -> str:
    if ratio is None:
        return ""
    width = filled(ratio, 100)
    return (
        f'<span class="bar"><span class="{status}" style="width:{width}%"></span></span>'
        f"{percent(ratio)}"
    )


def _html_table(headers: list[str], rows: list[list[str]], numeric: set[int]) -> str:
    head = "".join(f"<th>{x}</th>" for x in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{c}</td>' if i in numeric else f"<td>{c}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _status_html(status: str) -> str:
    return f'<span class="{status}">{status_label(status)}</span>'


def html_report(report: Report) -> str:
    parts = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN"><head><meta charset="utf-8">',
        f"<title>{h(report.title)}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{h(report.title)}</h1>",
        f'<p class="meta">截至 {report.as_of.isoformat()}</p>',
        "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in _headline(report)) + "</ul>",
        "<h2>赛马</h2>",
    ]
    race = []
    for r in report.race:
        gap = r["gap"]
        race.append(
            [
                "" if r["rank"] is None else str(r["rank"]),
                h(r["bus"]),
                h(r["lead"]),
                _html_bar(r["attainment"], r["status"]),
                percent(r["schedule"]),
                points(gap),
                _status_html(r["status"]),
            ]
        )
    parts.append(_html_table(RACE_HEADERS, race, {0, 4, 5}))
    for section in report.sections:
        bus = section.bus
        parts.append(f"<h2>{h(bus['bus'])}（{h(bus['bus_id'])}）</h2>")
        parts.append(f'<p class="facts">{" · ".join(_facts(bus, h, _status_html))}</p>')
        if section.summary:
            parts.append(f'<p class="summary">{h(section.summary)}</p>')
        rows = []
        for r, source in zip(section.indicators, section.sources, strict=True):
            unit = r["unit"]
            rows.append(
                [
                    h(r["indicator"]),
                    h(number(r["target"], unit)),
                    h(number(r["value"], unit)),
                    date_text(r["value_date"]),
                    _html_bar(r["attainment"], r["status"]),
                    percent(r["schedule"]),
                    _status_html(r["status"]),
                    h(source),
                ]
            )
        parts.append(_html_table(INDICATOR_HEADERS, rows, {1, 2, 5}))
    parts.append("<h2>近一年无读数的指标</h2>")
    if report.stale:
        parts.append(
            _html_table(
                ["班车", "指标", "最近读数"],
                [[h(b), h(i), date_text(d) or "无"] for b, i, d in report.stale],
                set(),
            )
        )
    else:
        parts.append("<p>（无）</p>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
