"""The student runtime (distribution ``toyopt-check``): what a student installs.

* `checks`  -- the check framework and the visible checks of the four exercises;
* `inside`  -- everything that runs next to student code (loading and calling it,
  the probes, the sandbox worker, its supervisor and its wire protocol); it
  imports nothing outside its own folder (tests/test_boundaries.py);
* `plugin`  -- the pytest plugin behind ``pytest autograder``;
* `cells`   -- what the notebook's test cells call;
* `files`   -- atomic file writes.

The instructor's ``toyopt`` is built on this package (hidden checks, oracles,
the sandboxed grader, the release); nothing here imports ``toyopt`` or
``toyopt_ref``.
"""
