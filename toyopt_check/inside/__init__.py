"""What runs next to student code: loading and calling it (`runtime`), the
probes, the sandbox worker, its supervisor and its wire protocol.

Relative imports only, and nothing outside this folder (stdlib, NumPy, torch
and matplotlib aside): the launcher copies this folder into the sandbox as a
package of its own, where ``toyopt`` is hidden. tests/test_boundaries.py holds it.
"""
