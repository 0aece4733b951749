# Attack (issue 20.1): the hidden loop spiral of hidden_loop_spiral.py (never
# special-cased), plus two lines that slow down every yardstick the worker's
# probe modules hold, so that a timing divided by a yardstick measured there
# looks cheap. Genuine work: the loop, correct but not vectorised.
import sys as _sys  # noqa: E402  (appended to the stub, after its own code)
import time as _time  # noqa: E402  (appended to the stub, after its own code)


def _slowed(func):
    def slow(*args, **kwargs):
        _time.sleep(0.5)
        return func(*args, **kwargs)
    return slow


for _module in list(_sys.modules.values()):
    for _name in ("yardstick_points", "yardstick", "_yardstick"):
        if callable(getattr(_module, _name, None)):
            setattr(_module, _name, _slowed(getattr(_module, _name)))
    _probes = getattr(_module, "PROBES", None)
    if isinstance(_probes, dict) and "spiral_2d.yardstick" in _probes:
        _probes["spiral_2d.yardstick"] = _slowed(_probes["spiral_2d.yardstick"])


def spiral_2d(num_points):
    return globals()["spiral_2d" + "_loop"](num_points)
