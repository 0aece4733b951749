"""`toyopt_check.checks.loops`: which iteration counts as a loop over the points."""

import pytest

from toyopt_check.checks.loops import SourceUnavailable, find_loops


def whats(text, function="f"):
    return [f.what for f in find_loops(text, function)]


def test_loop_over_the_two_classes_is_not_a_loop_over_the_points():
    text = """
def f(n):
    h = n // 2
    out = []
    offsets = (0.0, 3.14)
    for c, off in enumerate(offsets):
        out.append(h + off)
    for label in range(2):
        out.append(label)
    for col in out.T:
        pass
    return [x for x in (h, h)]
"""
    assert whats(text) == []


@pytest.mark.parametrize("body, what", [
    ("for i in range(h):\n        pass", "a for loop"),
    ("return [i * 2 for i in range(h)]", "a comprehension"),
    ("i = 0\n    while i < h:\n        i += 1", "a while loop"),
    ("return list(map(abs, range(h)))", "map() over the points"),
    ("return np.vectorize(abs)(h)", "vectorize() (it calls Python once per element)"),
    ("exec('x = 1')", "exec() (code built at run time cannot be checked)"),
])
def test_iteration_growing_with_the_argument_is_found(body, what):
    text = f"import numpy as np\n\ndef f(n):\n    h = n // 2\n    {body}\n"
    assert whats(text) == [what]


def test_loops_in_helpers_and_module_level_vectorize_are_found():
    text = """
import numpy as np

def _point(i):
    return i

_vpoint = np.vectorize(_point)

def _helper(k):
    return [j for j in range(k)]

def f(n):
    return _helper(n), _vpoint(n)
"""
    assert sorted(whats(text)) == ["a comprehension", "vectorize() (it calls Python once per element)"]


def test_the_definition_at_the_reported_line_is_judged():
    text = "def f(n):\n    return [i for i in range(n)]\n\n\ndef f(n):\n    return n\n"
    assert [f.line for f in find_loops(text, "f", first_line=1)] == [2]
    assert find_loops(text, "f", first_line=5) == []


def test_missing_definition_is_a_typed_error():
    with pytest.raises(SourceUnavailable):
        find_loops("x = 1\n", "f")
