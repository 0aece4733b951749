"""`stub_message`: an untouched stub is reported "not implemented" without a call.

The fast path must never call real work a stub: every function it accepts
raises `NotImplementedError` with the same message when called, and anything
else (work before the raise, a computed message, a rebound name, a wrapper)
is left to be called as usual.
"""

import functools
import types

import pytest
from grade_support import ROOT

from toyopt_check.inside.runtime import NamespaceContext, StudentCodeError, stub_message


def _define(source: str, namespace=None):
    namespace = {} if namespace is None else namespace
    exec(compile(source, "<cell 1>", "exec"), namespace)
    return namespace["f"]


STUBS = {
    "message": 'def f(x):\n    """Doc."""\n    raise NotImplementedError("f: not implemented yet")\n',
    "bare": "def f(x):\n    raise NotImplementedError\n",
    "called, no message": "def f(x, *, y=2):\n    # to do\n    raise NotImplementedError()\n",
    "empty message": 'def f():\n    raise NotImplementedError("")\n',
}

NOT_STUBS = {
    "work first": 'def f(x):\n    print(x)\n    raise NotImplementedError("later")\n',
    "conditional": 'def f(x):\n    if x:\n        return 1\n    raise NotImplementedError("x")\n',
    "computed message": 'def f(x):\n    raise NotImplementedError(f"no {x}")\n',
    "two arguments": 'def f(x):\n    raise NotImplementedError("a", "b")\n',
    "another error": 'def f(x):\n    raise ValueError("not implemented")\n',
    "returns": "def f(x):\n    return x\n",
    "chained": 'def f(x):\n    raise NotImplementedError("a") from None\n',
}


@pytest.mark.parametrize("name", sorted(STUBS))
def test_a_stub_gives_the_message_a_call_would(name):
    func = _define(STUBS[name])
    message = stub_message(func)
    assert message is not None
    with pytest.raises(NotImplementedError) as raised:
        func(*([1] * func.__code__.co_argcount))
    assert message == (str(raised.value) or "NotImplementedError")


@pytest.mark.parametrize("name", sorted(NOT_STUBS))
def test_anything_else_is_called(name):
    assert stub_message(_define(NOT_STUBS[name])) is None


def test_a_rebound_name_is_not_a_stub():
    class Mine(Exception):
        pass

    assert stub_message(_define(STUBS["message"], {"NotImplementedError": Mine})) is None
    assert stub_message(_define(STUBS["message"], {"__builtins__": {"NotImplementedError": Mine}})) is None


def test_wrappers_and_non_functions_are_called():
    stub = _define(STUBS["message"])

    @functools.wraps(stub)
    def wrapper(*args):
        return stub(*args)

    assert stub_message(wrapper) is None
    assert stub_message(functools.partial(stub, 1)) is None
    assert stub_message(types.MethodType(stub, object())) is None
    assert stub_message(type("C", (), {"__call__": stub})()) is None


def test_the_runtime_reports_a_stub_without_calling_it():
    calls = []
    namespace = {"calls": calls}
    stub = _define(STUBS["message"], namespace)
    ctx = NamespaceContext({"spiral_2d": stub})
    with pytest.raises(StudentCodeError) as raised:
        ctx.load("spiral_2d")
    assert (raised.value.kind, raised.value.message) == (
        "not_implemented", "not implemented yet: complete spiral_2d() in its solution cell of the notebook "
        "(it still raises NotImplementedError)")  # worded by the context that loaded it
    working = NamespaceContext({"spiral_2d": _define("def f(x):\n    calls.append(x)\n    return x\n", namespace)})
    assert working.call("spiral_2d", 3) == 3 and calls == [3]


def test_the_released_stubs_are_all_recognised():

    from toyopt_check.inside.runtime import EXERCISE_MODULES, PackageContext

    ctx = PackageContext(ROOT)  # the committed exercises/
    for exercise in EXERCISE_MODULES:
        assert stub_message(ctx._find(exercise)) == f"{exercise}: not implemented yet", exercise
