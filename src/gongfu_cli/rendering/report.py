"""The whole-programme report: headline figures, the race, each bus, and what lacks data.

Drawn from the presentation model (`views.ReportView`), table by table from the shared column
specifications, as Markdown (pipe tables, via tabulate) or as one self-contained HTML page.
Pure functions returning `str`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence

from gongfu_cli.escapes import html_text, markdown_text
from gongfu_cli.presentation.columns import Column, cell_text
from gongfu_cli.presentation.followup_view import FOLLOWUP_TABLE
from gongfu_cli.presentation.rows import Row
from gongfu_cli.presentation.values import date_text, filled, percent
from gongfu_cli.presentation.views import (
    CHANGES_TABLE,
    INDICATOR_TABLE,
    STALE_TABLE,
    SUMMARY_TABLE,
    ChangesView,
    ReportView,
)
from gongfu_cli.presentation.vocabulary import status_css, status_label


def text_bar(ratio: float | None, width: int = 10) -> str:
    if ratio is None:
        return ""
    cells = filled(ratio, width)
    return "█" * cells + "░" * (width - cells) + " " + percent(ratio)


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


def _cells(
    columns: Sequence[Column],
    row: Row,
    bar: Callable[[Row, Column], str],
    escape: Callable[[str], str],
    status: Callable[[str], str],
) -> list[str]:
    """A row's cells for a document, by each column's kind."""
    out = []
    for column in columns:
        if column.bar:
            out.append(bar(row, column))
        elif column.kind == "status":
            out.append(status(row[column.key]))
        else:
            out.append(escape(cell_text(column, row) or column.empty))
    return out


def _headline(report: ReportView) -> list[str]:
    batches = " · ".join(f"第{b}批 {n} 趟" for b, n in report.batches)
    statuses = " · ".join(f"{status_label(s)} {n}" for s, n in report.counts)
    return [f"班车：{batches}", f"状态：{statuses}", f"总体完成率：{overall_text(report)}"]


def overall_text(report: ReportView) -> str:
    """The programme's overall attainment and how it is reckoned, as every document says it."""
    if report.overall is None:
        return "—（还没有班车有完成率）"
    return (
        f"{percent(report.overall)}（{report.measured} 趟班车有完成率；全部指标按权重合计，"
        "未报送的按 0 计）"
    )


# ---------------------------------------------------------------------------------------------
# Markdown

md = markdown_text  # user text in Markdown: every cell that holds any goes through it


def markdown_report(report: ReportView) -> str:
    from tabulate import tabulate

    def table(columns: Sequence[Column], rows: Sequence[Row]) -> str:
        cells = [_cells(columns, row, _md_bar, md, status_label) for row in rows]
        headers = [c.header for c in columns]
        return tabulate(cells, headers=headers, tablefmt="pipe", disable_numparse=True)

    out = [f"# {md(report.title)}", "", f"截至 {report.as_of.isoformat()}", ""]
    out += [f"- {line}" for line in _headline(report)]
    out += ["", "## 赛马", "", table(report.race.columns, report.race.rows), ""]
    if report.race.compared is not None:
        out += [md(report.race.caption), ""]
    if report.changes is not None:
        out += [f"## {md(report.changes.title)}", ""]
        for heading, rows in _change_groups(report.changes):
            out += [f"### {heading}", "", table(CHANGES_TABLE, rows), ""]
        out += [f"- {md(line)}" for line in _change_lines(report.changes)]
        out += [""] if _change_lines(report.changes) else []
    if report.summary is not None:
        out += ["## 按牵头单位", "", table(SUMMARY_TABLE, report.summary.rows), ""]
    for section in report.buses:
        bus = section.facts
        out += [f"## {md(bus['bus'])}", ""]
        out += [" · ".join(_facts(bus, md, status_label)), ""]
        if section.summary:
            out += [md(section.summary), ""]
        out += [table(INDICATOR_TABLE, section.indicators), ""]
    if report.followup is not None:
        out += ["## 督办", ""] + [md(line) for line in _followup_note(report)] + [""]
        for agency in report.followup.agencies:
            out += [f"### {md(agency.heading)}", "", table(FOLLOWUP_TABLE, agency.rows), ""]
    out += ["## 逾期未报的指标", ""]
    out += [table(STALE_TABLE, report.stale), ""] if report.stale else ["（无）", ""]
    out += ["## 方法说明", ""] + [f"- {line}" for line in _method(report)] + [""]
    return "\n".join(out)


def _change_groups(changes: ChangesView) -> list[tuple[str, list[Row]]]:
    return [(f"{name}（{len(rows)}）", rows) for name, rows in changes.groups if rows]


def _change_lines(changes: ChangesView) -> list[str]:
    lines = [f"班车 {bus}：{status_label(a)} → {status_label(b)}" for bus, a, b in changes.buses]
    lines += [f"逾期未报：{bus} · {ind}" for bus, ind in changes.stale]
    return lines


def _followup_note(report: ReportView) -> list[str]:
    """What the 督办 section holds: the items by the agency that answers, and with --since
    what is struck off."""
    assert report.followup is not None
    since = report.followup.since
    lines = [
        "红灯、黄灯指标与逾期未报（待报）的指标，按回复单位列出，连续为连续几次会商（待报为连续几期）。"
    ]
    if since is not None:
        lines.append(f"销号：{since.isoformat()} 会商时列入督办、现已解除的事项。")
    if not report.followup.agencies:
        lines.append("（无督办事项）")
    return lines


def tolerance_text(lag: float) -> str:
    """The lag tolerance as people read it, in percentage points (a gap between two ratios,
    not a percent of the schedule): the legend and the method note say the same."""
    return f"{lag * 100:g} 个百分点"


def _method(report: ReportView) -> list[str]:
    """The short method note: how the figures are computed, and from which data."""
    return [
        "完成率 =（最新值 − 基线）÷（目标 − 基线）；班车完成率为已开始的有目标指标按权重平均，"
        "每项截至 100%，未报数的指标按 0 计；报送率为其中已到报送截止日的指标里"
        "已报该期数据者的权重占比。",
        "序时进度 =（计划值 − 基线）÷（目标 − 基线）；计划值按日在起点、各年度目标（里程碑）"
        "与截止日之间直线插值"
        + (f"（{report.milestones} 项指标设有年度目标）" if report.milestones else "")
        + "。",
        f"落后序时进度不超过 {tolerance_text(report.lag_tolerance)}为滞后，超过为严重滞后。",
        f"报送期按自然月、季、半年、年计，期末后 {report.report_days} 天为报送截止日；"
        "已过截止日而该期（或其后）没有读数、且未完成的指标列为未报。",
        f"数据截至 {report.as_of.isoformat()}；此后的读数不计入。",
    ]


def _md_bar(row: Row, column: Column) -> str:
    return text_bar(row[column.key])


# ---------------------------------------------------------------------------------------------
# HTML

_CSS = """
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif;
       margin: 2em auto; max-width: 72em; color: #1a1a1a; line-height: 1.5; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ccc; }
p.meta { color: #555; } p.facts { color: #333; } p.summary { color: #555; }
table { border-collapse: collapse; width: 100%; margin: 0.6em 0 1.2em; font-size: 0.92em; }
th, td { border-bottom: 1px solid #ddd; padding: 0.3em 0.5em; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; } td { white-space: nowrap; }
td:first-child, td:last-child { white-space: normal; } td.num { text-align: right; }
td span.bar { display: inline-block; width: 6em; height: 0.7em; background: #e6e6e6;
              vertical-align: middle; margin-right: 0.4em; }
td span.bar > span { display: block; height: 100%; }
figure.chart { margin: 0.8em 0; }
figure.chart > svg { display: block; max-width: 100%; height: auto; }
p.legend span { margin-right: 1.2em; white-space: nowrap; }
p.legend b { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.3em;
             vertical-align: -0.05em; }
td, th { overflow-wrap: anywhere; }
@page { size: A4; margin: 12mm 12mm 16mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt; color: #555; } }
@media (max-width: 60em) { td { white-space: normal; } }
@media print { body { margin: 0; max-width: none; font-size: 9.5pt; }
  td { white-space: normal; } table { font-size: 8.5pt; }
  h2 { break-after: avoid; } tr, table, figure.chart { break-inside: avoid; } }
"""

MEANINGS = {  # what each status means, for the legend; every status has one
    "achieved": "达到目标",
    "on_track": "完成率不低于序时进度",
    "in_progress": "有目标、未定截止日期",
    "lagging": "落后序时进度，差距在容差之内",
    "off_track": "落后序时进度超过容差",
    "overdue": "过了截止日期仍未完成",
    "no_data": "有目标但没有读数",
    "monitored": "只监测、不设目标",
}
LEGEND = tuple((key, status_label(key), meaning) for key, meaning in MEANINGS.items())


def _html_bar(ratio: float | None, status: str) -> str:
    if ratio is None:
        return ""
    width = filled(ratio, 100)
    return (
        f'<span class="bar"><span class="{status}" style="width:{width}%"></span></span>'
        f"{percent(ratio)}"
    )


def _html_table(columns: Sequence[Column], rows: Sequence[Row]) -> str:
    head = "".join(f"<th>{c.header}</th>" for c in columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{cell}</td>' if column.right else f"<td>{cell}</td>"
            for column, cell in zip(
                columns, _cells(columns, row, _html_row_bar, html_text, _status_html), strict=True
            )
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_row_bar(row: Row, column: Column) -> str:
    return _html_bar(row[column.key], row["status"])


def _status_html(status: str) -> str:
    return f'<span class="{status}">{status_label(status)}</span>'


def _legend(report: ReportView) -> str:
    tolerance = f"（容差 {tolerance_text(report.lag_tolerance)}）"
    items = "".join(
        f'<span><b class="{key}"></b><strong class="{key}">{label}</strong> '
        f"{meaning}{tolerance if key == 'lagging' else ''}</span> "
        for key, label, meaning in LEGEND
    )
    return f'<p class="legend">状态：{items}</p>'


def _figure(svg: str | None) -> list[str]:
    return [f'<figure class="chart">{svg}</figure>'] if svg else []


def html_report(report: ReportView, charts: Mapping[str, str] | None = None) -> str:
    """The report as one page; `charts` (SVG by bus id, and `race`) are set inline."""
    charts = charts or {}
    parts = [
        f"<h1>{html_text(report.title)}</h1>",
        f'<p class="meta">截至 {report.as_of.isoformat()}</p>',
        "<ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in _headline(report)) + "</ul>",
        _legend(report),
        "<h2>赛马</h2>",
        *_figure(charts.get("race")),
    ]
    parts.append(_html_table(report.race.columns, report.race.rows))
    if report.race.compared is not None:
        parts.append(f"<p>{html_text(report.race.caption)}</p>")
    if report.changes is not None:
        parts.append(f"<h2>{html_text(report.changes.title)}</h2>")
        for heading, rows in _change_groups(report.changes):
            parts += [f"<h3>{html_text(heading)}</h3>", _html_table(CHANGES_TABLE, rows)]
        lines = _change_lines(report.changes)
        if lines:
            parts.append(
                "<ul>" + "".join(f"<li>{html_text(line)}</li>" for line in lines) + "</ul>"
            )
    if report.summary is not None:
        parts += ["<h2>按牵头单位</h2>", _html_table(SUMMARY_TABLE, report.summary.rows)]
    for section in report.buses:
        bus = section.facts
        parts.append(f'<h2 id="bus-{html_text(bus["bus_id"])}">{html_text(bus["bus"])}</h2>')
        parts.append(f'<p class="facts">{" · ".join(_facts(bus, html_text, _status_html))}</p>')
        if section.summary:
            parts.append(f'<p class="summary">{html_text(section.summary)}</p>')
        parts += _figure(charts.get(str(bus["bus_id"])))
        parts.append(_html_table(INDICATOR_TABLE, section.indicators))
    if report.followup is not None:
        parts.append("<h2>督办</h2>")
        parts += [f"<p>{html_text(line)}</p>" for line in _followup_note(report)]
        for agency in report.followup.agencies:
            parts += [
                f"<h3>{html_text(agency.heading)}</h3>",
                _html_table(FOLLOWUP_TABLE, agency.rows),
            ]
    parts.append("<h2>逾期未报的指标</h2>")
    parts.append(_html_table(STALE_TABLE, report.stale) if report.stale else "<p>（无）</p>")
    parts.append("<h2>方法说明</h2>")
    parts.append(
        "<ul>" + "".join(f"<li>{html_text(line)}</li>" for line in _method(report)) + "</ul>"
    )
    from gongfu_cli.rendering.page import html_page

    return html_page(report.title, _CSS + status_css(), "\n".join(parts))
