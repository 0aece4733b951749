"""One test per autograder check; its id is the check's id (``spiral_2d.layout``).

Select exercises with ``-k``, e.g. ``pytest autograder -k spiral_2d``.
The plugin (options, time budget, score table) is `toyopt_check.plugin`,
loaded by `conftest.py`.
"""

import pytest

from toyopt_check.checks import all_checks

CHECKS = all_checks()


@pytest.mark.parametrize("chk", CHECKS, ids=[c.id for c in CHECKS])
def test_check(chk, grading):
    res = grading.run(chk)
    if res.status == "skipped":
        pytest.skip(res.message)
    if not res.passed:
        pytest.fail(res.message, pytrace=False)
