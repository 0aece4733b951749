"""Probe module for the sandbox tests (the real one is ``toyopt``'s probes.py).

Runs inside the worker: standard library and NumPy only, no torch (fast starts).
"""

import os

import numpy as np


def echo(ctx, **kwargs):
    """Return the arguments unchanged (arrays included)."""
    return dict(kwargs)


def call(ctx, exercise, args=(), kwargs=None):
    """Call the student's ``exercise`` and return what it gave, as plain data."""
    value = ctx.load(exercise)(*args, **(kwargs or {}))
    if isinstance(value, np.ndarray):
        return {"value": value}
    return {"value": value}


def raw(ctx, exercise, args=()):
    """Return the student's value without any conversion (it may not cross)."""
    return {"value": ctx.load(exercise)(*args)}


def whoami(ctx):
    return {"pid": os.getpid(), "cwd": os.getcwd(), "scratch": ctx.scratch,
            "env": dict(os.environ)}


PROBES = {"echo": echo, "call": call, "raw": raw, "whoami": whoami}
