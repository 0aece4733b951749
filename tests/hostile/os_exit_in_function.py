# Attack: kill the process from inside the graded function (no exception to catch).
import os as _os

_genuine_circular_mse = circular_mse


def circular_mse(*args, **kwargs):
    _os._exit(0)
