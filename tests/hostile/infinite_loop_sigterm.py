# Attack: ignore SIGTERM and loop forever (the grader must still stop it, and
# only this exercise may lose points).
import signal as _signal


def circular_mse(*args, **kwargs):
    _signal.signal(_signal.SIGTERM, _signal.SIG_IGN)
    while True:
        pass
