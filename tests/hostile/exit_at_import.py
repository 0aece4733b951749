# Attack: leave at import time, hoping the grader counts "no failure" as success.
import sys as _sys
_sys.exit(0)
