"""Moved to ``toyopt_check.files`` (the student runtime writes results too)."""

from toyopt_check.files import atomic_write, write_json_atomic, write_text_atomic  # noqa: F401  (re-exported)
