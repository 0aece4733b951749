"""The student runtime (distribution ``toyopt-check``): what a student installs.

Its modules are listed in docs/architecture.md. The instructor's ``toyopt`` is
built on it; nothing here imports ``toyopt`` or ``toyopt_ref``.
"""
