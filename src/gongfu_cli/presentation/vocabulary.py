"""The words and colours people read, declared once: the Chinese label of every column key
(terminal tables, the report, the 通报, workbook headers, the template), and the label, colour
and terminal style of every status (tables, charts, the report's bars and legend).

Machine formats (CSV, TSV, JSON) keep the keys and never use these; everything drawn for a
person looks its words up here, so one key never reads two ways.
"""

from __future__ import annotations

from typing import NamedTuple

from gongfu_cli.domain.metrics import Status

LABELS: dict[str, str] = {
    "achieved": "已完成",
    "action": "措施",
    "added": "新增",
    "as_of": "截至",
    "attainment": "完成率",
    "attainment_after": "现完成率",
    "attainment_before": "原完成率",
    "baseline": "基数",
    "batch": "批次",
    "bus": "班车",
    "bus_id": "班车编号",
    "buses": "班车数",
    "by": "填报人",
    "cadence": "报送周期",
    "change": "变化",
    "coverage": "报送率",
    "date": "日期",
    "due": "截止",
    "eta": "预计达标",
    "expected": "应达值",
    "field": "领域",
    "file": "文件",
    "gap": "超前序时",
    "group": "分组",
    "group_label": "分组",
    "in_progress": "推进中",
    "indicator": "指标",
    "indicator_id": "指标编号",
    "indicators": "指标数",
    "item": "事项",
    "item_label": "事项",
    "kind": "类别",
    "lagging": "滞后",
    "launched": "发车日期",
    "lead": "牵头单位",
    "line": "行",
    "message": "问题",
    "monitored": "监测",
    "move": "进退",
    "no_data": "无数据",
    "note": "备注",
    "now": "现值",
    "off_track": "严重滞后",
    "on_track": "正常",
    "overdue": "逾期",
    "period": "应报期",
    "present": "已有",
    "previous_rank": "上期名次",
    "projected": "预计完成率",
    "published": "通报值",
    "published_at": "发布时间",
    "rank": "名次",
    "readings": "读数",
    "received": "收到日期",
    "replaced": "替换",
    "reply_by": "回复期限",
    "schedule": "序时进度",
    "severity": "级别",
    "source": "来源",
    "stale": "逾期未报",
    "start": "起始",
    "status": "状态",
    "status_after": "现状态",
    "status_before": "原状态",
    "streak": "连续",
    "target": "目标",
    "trend": "趋势",  # a narrow table's stacked projection and date of reaching the target
    "unit": "单位",
    "value": "数值",
    "value_after": "现值",
    "value_before": "原值",
    "value_date": "数值日期",
}
# The kind of a machine column's numbers where rows are shown to people (Markdown, tabulate):
# ratios as percentages, the gap in percentage points; other numbers as numbers.
KINDS: dict[str, str] = {
    "attainment": "ratio",
    "attainment_after": "ratio",
    "attainment_before": "ratio",
    "coverage": "ratio",
    "projected": "ratio",
    "schedule": "ratio",
    "gap": "points",
}
# Where a narrow terminal table has no room for the label, the one shorter form it may use.
SHORT_LABELS: dict[str, str] = {"schedule": "序时"}


class Look(NamedTuple):
    """How a status reads and shows: its label; its colour for bars and marks (`fill`) and
    for text on white (`ink`); its style in a terminal (named colours, which follow the
    user's terminal theme)."""

    label: str
    fill: str
    ink: str
    terminal: str


STATUS_LOOKS: dict[Status, Look] = {
    Status.ACHIEVED: Look("已完成", "#116329", "#116329", "green"),
    Status.ON_TRACK: Look("正常", "#2da44e", "#1a7f37", "green"),
    Status.IN_PROGRESS: Look("推进中", "#2da44e", "#1a7f37", "green"),
    Status.LAGGING: Look("滞后", "#d4a72c", "#9a6700", "yellow"),
    Status.OFF_TRACK: Look("严重滞后", "#cf222e", "#cf222e", "red"),
    Status.OVERDUE: Look("逾期", "#82071e", "#82071e", "red"),
    Status.NO_DATA: Look("无数据", "#8c959f", "#6e7781", "dim"),
    Status.MONITORED: Look("监测", "#8c959f", "#6e7781", "dim"),
}
STATUS_LABELS: dict[Status, str] = {status: look.label for status, look in STATUS_LOOKS.items()}
STATUS_KEYS = frozenset({"status", "status_before", "status_after"})

CHANGE_LABELS = {"worse": "转差", "better": "好转", "first": "首次报送", "same": "其他"}
CORRECTION_KINDS = {"corrected": "更正", "added": "补报", "deleted": "删除"}
CADENCE_LABELS = {"monthly": "月报", "quarterly": "季报", "half-yearly": "半年报", "yearly": "年报"}
ITEM_LABELS = {"red": "红灯", "yellow": "黄灯", "missing": "待报", "cleared": "销号"}
# The group of buses without a lead agency, as people read it: table headings, sheet and file
# names. Machine rows keep `rows.NO_LEAD`.
UNASSIGNED_LEAD = "未指定牵头单位"


def label(key: str) -> str:
    """The Chinese label of a column key (the key itself for one no table declares)."""
    return LABELS.get(key, key)


def status_label(status: Status | str) -> str:
    """The Chinese label of a status, given as the enum or its key."""
    return STATUS_LOOKS[Status(status)].label


def status_style(status: Status | str) -> str:
    """The terminal style of a status."""
    return STATUS_LOOKS[Status(status)].terminal


def status_css() -> str:
    """The report's colour rules for every status, from the one palette: text (`span.X`,
    `strong.X`), a table's bar (`td span.bar > span.X`) and the legend's swatch (`p.legend
    b.X`). Each rule names what it styles, so none reaches a chart's SVG."""
    rules = []
    for status, look in STATUS_LOOKS.items():
        key = status.value
        rules.append(f"span.{key}, strong.{key} {{ color: {look.ink}; }}")
        rules.append(f"td span.bar > span.{key}, p.legend b.{key} {{ background: {look.fill}; }}")
    return "\n".join(rules) + "\n"
