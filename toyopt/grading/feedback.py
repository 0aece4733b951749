"""A student's ``feedback.html``: each check's title, status, points and message,
grouped by exercise, with pictures inlined as base64 PNG (self-contained).

The page comes from the template ``feedback.html`` beside this module (a page
and four fragments separated by ``<!-- NAME -->`` lines), filled with
`string.Template`; every value from a report is passed through `html.escape`
first.  Hidden checks show their title and score only.
"""

from __future__ import annotations

import base64
import html
import re
from functools import lru_cache
from pathlib import Path
from string import Template

from toyopt_check.checks.core import EXERCISES
from toyopt_check.checks.results import exercise_totals

TEMPLATE = Path(__file__).with_name("feedback.html")
STATUS_TEXT = {"passed": "passed", "failed": "failed", "error": "error",
               "not_implemented": "not implemented yet", "timeout": "timed out",
               "skipped": "skipped"}


@lru_cache(maxsize=1)
def templates() -> dict[str, Template]:
    """``{"PAGE": ..., "SECTION": ..., "ROW": ..., "FIGURE": ..., "OUTPUT": ..., "NOTICE": ...}``."""
    parts = re.split(r"^<!-- ([A-Z]+) -->\n", TEMPLATE.read_text(encoding="utf-8"), flags=re.M)
    found = {"PAGE": parts[0], **dict(zip(parts[1::2], parts[2::2]))}
    return {name: Template(text) for name, text in found.items()}


def _fill(name: str, **values) -> str:
    """Fill fragment `name`; plain values are escaped, `Markup` values are not."""
    safe = {k: v.html if isinstance(v, Markup) else html.escape(str(v), quote=True)
            for k, v in values.items()}
    return templates()[name].substitute(safe)


class Markup:
    """Already-rendered HTML (only ever built by this module from filled fragments)."""

    def __init__(self, html_text: str):
        self.html = html_text


def _points(value) -> str:
    return f"{float(value):g}"


def _row(result) -> str:
    shown = result.visibility != "hidden"  # a hidden check: title and score only
    return _fill("ROW", status=result.status if shown else "hidden", title=result.title,
                 status_text=STATUS_TEXT.get(result.status, result.status) if shown else "",
                 score=_points(result.score), max_score=_points(result.max_score),
                 message=(result.message or "") if shown else "")


def render_feedback(report) -> str:
    """The feedback page of a `GradeReport` as a string."""
    totals = exercise_totals(report.results)
    order = [ex for ex in EXERCISES if ex in totals] + [ex for ex in totals if ex not in EXERCISES]
    sections = []
    for exercise in order:
        rows = "\n".join(_row(r) for r in report.results if r.exercise == exercise)
        figures = "\n".join(
            _fill("FIGURE", caption=f.caption, alt=f.alt or f.caption,
                  png=base64.b64encode(f.png).decode("ascii"))
            for f in report.figures if f.exercise == exercise)
        sections.append(_fill("SECTION", exercise=exercise, score=_points(totals[exercise]["score"]),
                              max_score=_points(totals[exercise]["max_score"]),
                              rows=Markup(rows), figures=Markup(figures)))
    output = _fill("OUTPUT", text=report.output) if report.output else ""
    # the isolation facts are staff's (results.json's extra_data, the CLI), not the student's
    notice = _fill("NOTICE", text=report.error) if report.error else ""
    return _fill("PAGE", submission=report.submission, score=_points(report.score),
                 max_score=_points(report.max_score), notice=Markup(notice),
                 sections=Markup("\n".join(sections)), output=Markup(output))
