"""Not a notebook: nbgrader cannot read it (it scores 0, others are untouched)."""
BASE, SOLVED = "release", ()
RAW = '{"cells": [ this is not json'
