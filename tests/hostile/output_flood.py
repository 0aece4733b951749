# Attack: flood stdout and stderr (50 MB each) at import time.
import sys as _sys

_line = "spam " * 200 + "\n"
for _ in range(50_000):
    _sys.stdout.write(_line)
    _sys.stderr.write(_line)
