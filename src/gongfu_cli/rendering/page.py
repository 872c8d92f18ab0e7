"""The one HTML page skeleton: the report, and every picture or chart saved as a page, are a
single self-contained file (nothing fetched, styles inline, printable) built here."""

from __future__ import annotations

from gongfu_cli.escapes import html_text


def html_page(title: str, style: str, body: str) -> str:
    """A whole page: `title` is user text (escaped here); `style` and `body` are gongfu's own
    markup, with any user text in them already escaped by the caller."""
    return (
        "\n".join(
            [
                "<!DOCTYPE html>",
                '<html lang="zh-CN"><head><meta charset="utf-8">',
                '<meta name="viewport" content="width=device-width, initial-scale=1">',
                f"<title>{html_text(title)}</title>",
                f"<style>{style}</style></head><body>",
                body,
                "</body></html>",
            ]
        )
        + "\n"
    )
