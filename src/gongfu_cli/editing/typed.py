"""Numbers and dates as people type them: full-width digits, thousands separators, 年月日.

Pure functions raising `EntryError` with a message fit for the user; the CLI turns it into a
usage error, the core into a located error.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from gongfu_cli.domain.model import Indicator, Number
from gongfu_cli.escapes import quote
from gongfu_cli.i18n import T, joined
from gongfu_cli.store.validate import number_problem


class EntryError(ValueError):
    """What was typed is not a number or date gongfu can take; `text` says why (a `Text`)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+")
_EXPONENT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)[eE][+-]?\d+")


def _folded(text: str) -> str:
    """Full-width digits, points, commas, signs and spaces as their ASCII forms."""
    text = unicodedata.normalize("NFKC", text)
    return text.replace("−", "-").replace("－", "-").strip()  # U+2212 minus is not folded


def parse_number(text: str, unit: str = "") -> Number:
    """`85`, `８５．５`, `－5`, `1,200`, `1，200`, `85%` (when the unit is %), `1e3`."""
    raw = text
    text = _folded(text)
    if text.endswith("%"):
        if unit.strip() != "%":
            raise EntryError(
                T(
                    "{value}: a percentage, but the indicator's unit is {unit}; write the "
                    "number alone",
                    value=quote(raw),
                    unit=quote(unit) if unit else T("not %"),
                )
            )
        text = text[:-1].rstrip()
    if _NUMBER.fullmatch(text):
        plain = text.replace(",", "")
        fractional = "." in plain
        value: Number = float(plain) if fractional else int(plain)
    elif _EXPONENT.fullmatch(text):
        value = float(text)
        mantissa = re.split("[eE]", text)[0]
        if value == 0 and any(c in "123456789" for c in mantissa):
            raise EntryError(
                T("{value} is too small to store (it would become 0)", value=quote(raw))
            )
    else:
        raise EntryError(T("{value} is not a number", value=quote(raw)))
    problem = number_problem(value)
    if problem:
        raise EntryError(T("{value}: {problem}", value=quote(raw), problem=problem))
    return value


_DAY_FORMS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


def parse_day(text: str) -> date:
    """`2024-06-30`, `2024/06/30`, `2024.6.30`, `2024年6月30日`, `20240630`.

    ISO week and ordinal dates (`2023W527`, `2023-180`), which Python's own parser accepts,
    are refused: nobody means them in a progress report.
    """
    folded = _folded(text).replace(" ", "")
    for form in _DAY_FORMS:
        match = form.fullmatch(folded)
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise EntryError(
                    T("{value} is not a date: no such day", value=quote(text))
                ) from None
    raise EntryError(
        T(
            "{value} is not a date; write 2024-06-30 (or 2024/6/30, 2024年6月30日)",
            value=quote(text),
        )
    )


def check_text(text: str | None, what: str) -> str | None:
    """Refuse text that is not valid Unicode (bytes the shell passed through undecoded)."""
    if text is None:
        return None
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise EntryError(
            T(
                "{what} is not valid text (it holds bytes that are not UTF-8); check the "
                "terminal's encoding",
                what=what,
            )
        ) from None
    if not text.strip():
        raise EntryError(T("{what} is empty", what=what))
    return unicodedata.normalize("NFC", text)


_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_PERIOD_FORMS = (
    # 2024年6月, 2024-06, 2024/6, 2024.6: the last day of the month
    (re.compile(r"(\d{4})(?:年|-|/|\.)(\d{1,2})月?"), "month"),
    # 2024年二季度, 2024年第2季度, 2024Q2, 2024-Q2: the last day of the quarter
    (re.compile(r"(\d{4})年?第?([一二三四1-4])季度?"), "quarter"),
    (re.compile(r"(\d{4})[-]?[Qq]([1-4])"), "quarter"),
    # 2024年上半年, 2024H1: 30 June; 2024年下半年, 2024H2: 31 December
    (re.compile(r"(\d{4})年?(上半年|下半年|[Hh][12])"), "half"),
    # 2024年, 2024年度, 2024年全年, 2024: 31 December
    (re.compile(r"(\d{4})(?:年(?:度|全年)?)?"), "year"),
)


def parse_period(text: str) -> date:
    """A date as reporting sheets write it: a day (see `parse_day`), or the end of a period.

    `2024年6月` is 30 June 2024, `2024年二季度` and `2024Q2` are 30 June, `2024年上半年` is 30
    June, `2024年` is 31 December: a reading for a period is its level at the period's end.
    """
    folded = _folded(text).replace(" ", "")
    try:
        return parse_day(folded)
    except EntryError:
        pass
    for form, kind in _PERIOD_FORMS:
        match = form.fullmatch(folded)
        if not match:
            continue
        year = int(match.group(1))
        if kind == "month":
            month = int(match.group(2))
        elif kind == "quarter":
            month = 3 * _QUARTERS[match.group(2)]
        elif kind == "half":
            month = 6 if match.group(2) in ("上半年", "H1", "h1") else 12
        else:
            month = 12
        if not 1 <= month <= 12 or year < 1900:
            break
        return _month_end(year, month)
    raise EntryError(
        T(
            "{value} is not a date; write 2024-06-30 (or 2024/6/30, 2024年6月30日), or a "
            "period: 2024年6月, 2024年二季度, 2024Q2, 2024年",
            value=quote(text),
        )
    )


def _month_end(year: int, month: int) -> date:
    import calendar

    return date(year, month, calendar.monthrange(year, month)[1])


# ---------------------------------------------------------------------------------------------
# One set of rules for a new reading, whether `record` or `import` brings it


def date_problem(indicator: Indicator, day: date) -> str | None:
    """A reading dated before its indicator starts measures nothing the plan counts."""
    if day < indicator.start:
        return T("the date is before the indicator starts ({start})", start=str(indicator.start))
    return None


def typed_as_percent(text: str) -> bool:
    """`46%` or `０.４６％`: the person said percent, so a small value is meant as it is."""
    return _folded(text).endswith("%")


FRACTION_MAX = 1.5  # 0.46 for 46%, 1.2 for 120%: a fraction a spreadsheet cell kept as typed
PERCENT_LEVEL = 5  # a % indicator whose figures are at least this counts in whole percents


def fraction_problem(indicator: Indicator, day: date, value: Number) -> str | None:
    """A fraction typed for a percentage (0.46 for 46%, from a General cell): a value in
    (0, 1.5] on a `%` indicator whose target, baseline or latest earlier reading is at least 5.
    It would go in as 0.46%, silently, and read as a collapse; `--as-typed` keeps it."""
    if indicator.unit.strip() != "%" or not 0 < value <= FRACTION_MAX:
        return None
    earlier = [r.value for r in indicator.readings if r.date < day][-1:]
    levels = [indicator.target, indicator.baseline, *earlier]
    if not any(level is not None and level >= PERCENT_LEVEL for level in levels):
        return None
    from gongfu_cli.presentation.values import plain_number

    typed, meant = plain_number(value), plain_number(round(value * 100, 9))
    target, baseline, latest = indicator.target, indicator.baseline, earlier[0] if earlier else None
    given = []
    if target is not None and target >= PERCENT_LEVEL:
        given.append(T("target {value}", value=plain_number(target)))
    if baseline is not None and baseline >= PERCENT_LEVEL:
        given.append(T("baseline {value}", value=plain_number(baseline)))
    if latest is not None and latest >= PERCENT_LEVEL:
        given.append(T("latest {value}", value=plain_number(latest)))
    return T(
        "{typed}: {meant}%? a fraction where this indicator counts whole percents ({given}); "
        "type {meant} or {meant}%, or keep {typed}% with --as-typed",
        typed=typed,
        meant=meant,
        given=joined(given, ", "),
    )
