"""The hidden check of `plot_datasets` (instructor side: never in the student kit).

Shown to students after the due date; it reads the same figure summaries as
the visible checks (`toyopt_check.checks.plot_datasets`).
"""

from __future__ import annotations

from toyopt_check.checks.core import CheckFailure, check
from toyopt_check.checks.plot_datasets import EX, VALUES, _box_has, _drawing, describe_call, scenarios


@check(EX, "suptitle", 2, "the title argument becomes the figure's suptitle (none when not given)",
       visibility="after_due_date", clause="`title`, when given, is the figure's suptitle", requires=VALUES)
def check_suptitle(target):
    for index, scenario in enumerate(scenarios()):
        out, image, masks = _drawing(target, index)
        got = out.get("suptitle") or ""
        title = scenario[1] if scenario[2] else None
        if title is not None and got != title:
            raise CheckFailure(
                f"{describe_call(scenario)}: expected the figure's suptitle {title!r}, got "
                + (repr(got) if got else "none"))
        if title is None and got:
            raise CheckFailure(
                f"{describe_call(scenario)}: no title was given, so the figure should have no "
                f"suptitle, got {got!r}")
        if title and not _box_has(masks["ink"], out.get("suptitle_box"), image.shape[0]):
            raise CheckFailure(f"{describe_call(scenario)}: the suptitle is not visible in the "
                               "drawn figure")
