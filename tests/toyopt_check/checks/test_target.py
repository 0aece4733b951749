"""The time budget is validated once (`check_budget`), for every front-end."""

import pytest

from toyopt_check.checks.target import check_budget
from toyopt_check.inside.errors import ConfigurationError


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), "soon", None, True])
def test_bad_budget_is_refused_naming_its_source(value):
    with pytest.raises(ConfigurationError, match="--timeout"):
        check_budget(value, "--timeout")


@pytest.mark.parametrize("value, seconds", [(60, 60.0), ("2.5", 2.5), (0.1, 0.1)])
def test_good_budget_is_seconds_as_a_float(value, seconds):
    assert check_budget(value) == seconds
