"""Kept for old instructions: ``python bench/calibrate.py ARGS`` is ``toyopt calibrate ARGS``."""

import sys

from toyopt.cli import main

if __name__ == "__main__":
    sys.exit(main(["calibrate", *sys.argv[1:]]))
