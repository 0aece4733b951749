"""The hidden check of `plot_datasets` (instructor side: never in the student kit).

Shown to students after the due date; it reads the same figure summaries as
the visible checks (`toyopt_check.checks.plot_datasets`).
"""

from __future__ import annotations

from toyopt_check.checks.core import CheckFailure, check
from toyopt_check.checks.plot_datasets import EX, SCENARIOS, _figure, describe_call


@check(EX, "suptitle", 2, "the title argument becomes the figure's suptitle (none when not given)",
       visibility="after_due_date")
def check_suptitle(target):
    for index, scenario in enumerate(SCENARIOS):
        got = _figure(target, index)["suptitle"]
        title = scenario[1]
        if title is not None and got != title:
            raise CheckFailure(
                f"{describe_call(scenario)}: expected the figure's suptitle {title!r}, got "
                + (repr(got) if got else "none"))
        if title is None and got:
            raise CheckFailure(
                f"{describe_call(scenario)}: no title was given, so the figure should have no "
                f"suptitle, got {got!r}")
