"""Compact HTML tables for notebooks (the ``_repr_html_`` of cxjf's objects)."""

from __future__ import annotations

import html
from typing import Iterable, Sequence


def table(title: str, rows: Iterable[Sequence[object]], header: Sequence[str] | None = None) -> str:
    """A small table: a caption and rows of cells, escaped."""
    out = ['<table class="cxjf" style="border-collapse:collapse;font-size:90%">']
    out.append(f'<caption style="text-align:left;font-weight:bold">{html.escape(title)}</caption>')
    if header:
        out.append("<tr>" + "".join(f"<th style='text-align:left;padding:1px 8px'>{html.escape(str(h))}</th>" for h in header) + "</tr>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td style='text-align:left;padding:1px 8px'>{html.escape(_text(c))}</td>" for c in row) + "</tr>")
    out.append("</table>")
    return "".join(out)


def _text(cell: object) -> str:
    if isinstance(cell, float):
        return f"{cell:,.4g}" if abs(cell) < 1e6 else f"{cell:,.0f}"
    if isinstance(cell, int) and not isinstance(cell, bool):
        return f"{cell:,}"
    return str(cell)
