"""Files people open elsewhere: CSV for spreadsheets and Markdown for documents, safe to open.

Text in them comes from the papers and from questions, which anyone can write. A spreadsheet runs a
cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return as a formula (OWASP's
"CSV injection"), so such a cell is prefixed with ``'`` and read as text. A Markdown viewer renders
raw HTML, so ``<``, ``>`` and ``&`` are written as entities and ``javascript:`` links cannot form.
"""
from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterable, Mapping

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A value as a CSV cell a spreadsheet shows as text, never runs."""
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        value = f"{value[0]}–{value[1]}" if value[0] != value[1] else str(value[0])
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _mappings(rows: Iterable) -> list[Mapping]:
    """Register records (anything with ``to_json``) as their export columns; mappings as they are."""
    return [r.to_json() if hasattr(r, "to_json") else r for r in rows]


def csv_text(rows: Iterable, columns: list[str] | None = None) -> str:
    """Records or rows as CSV, every cell made safe; ``columns`` default to the first row's (``doc_id`` left
    out). The CLI's ``--format csv`` and the app's downloads both come from here, with the same columns."""
    rows = _mappings(rows)
    if not rows:
        return ""
    columns = columns or [k for k in rows[0] if k != "doc_id"]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(c) for c in columns])
    for row in rows:
        writer.writerow([safe_cell(row.get(c)) for c in columns])
    return out.getvalue()


def csv_bytes(rows: Iterable, columns: list[str] | None = None) -> bytes:
    """CSV for a download: with a byte-order mark so spreadsheets read £ and – right."""
    return csv_text(rows, columns).encode("utf-8-sig")


_SCRIPT_SCHEME = re.compile(r"(?i)\b(javascript|vbscript|data)(?:\s|\\)*:")


def md_text(text) -> str:
    """Text from a paper or a question for a Markdown file: HTML inert, ``javascript:`` links broken.

    A Markdown viewer decodes entities and backslash escapes inside a link's target, so ``javascript&#58;``
    alone would still make a live ``[x](javascript:...)`` link: a zero-width space after the scheme's name
    (invisible when read) leaves no scheme a browser runs. ``![`` is escaped so that no image (a tracking pixel
    in a paper's text) is fetched when the file is opened."""
    escaped = html.escape("" if text is None else str(text), quote=False).replace("![", "!\\[")
    return _SCRIPT_SCHEME.sub("\\1\u200b&#58;", escaped)


def md_cell(value) -> str:
    """A value for a Markdown table cell: one line, pipes escaped, HTML inert."""
    if isinstance(value, (list, tuple)) and len(value) == 2 and all(isinstance(v, int) for v in value):
        value = f"pp. {value[0]}–{value[1]}" if value[0] != value[1] else f"p. {value[0]}"
    return md_text(re.sub(r"\s+", " ", str(value or ""))).replace("|", "\\|")


def md_table(rows: Iterable, columns: list[str]) -> str:
    rows = _mappings(rows)
    if not rows:
        return "_Nothing recorded._\n"
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(md_cell(r.get(c)) for c in columns) + " |" for r in rows]
    return "\n".join(lines) + "\n"
