"""Probe module for the sandbox tests (the real one is ``toyopt``'s probes.py).

Runs inside the worker: standard library and NumPy only, no torch (fast starts).
"""

import os


def echo(ctx, **kwargs):
    """Return the arguments unchanged (arrays included)."""
    return dict(kwargs)


def call(ctx, exercise, args=(), kwargs=None):
    """Call the student's ``exercise`` and return what it gave (arrays stay arrays)."""
    return {"value": ctx.load(exercise)(*args, **(kwargs or {}))}


def raw(ctx, exercise, args=()):
    """Like ``call`` but with positional arguments only."""
    return {"value": ctx.load(exercise)(*args)}


def whoami(ctx):
    return {"pid": os.getpid(), "cwd": os.getcwd(), "scratch": ctx.scratch,
            "env": dict(os.environ)}


PROBES = {"echo": echo, "call": call, "raw": raw, "whoami": whoami}
