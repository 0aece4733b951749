"""Importing this module registers every check (one module per exercise)."""
# Each exercise's check module is imported here once it exists, e.g.
# from . import spiral  # noqa: F401
