"""Moved: the probes live in ``toyopt_check/inside/probes/`` and the runtime in
``toyopt_check/inside/runtime.py`` (what runs next to student code). These
names keep the old import paths working."""

from toyopt._moved import alias
from toyopt_check.inside.probes import HERE, PROBE_MODULES, exercise_of, load_probes, probe_files  # noqa: F401  (re-exported)

alias(__name__, {name: f"toyopt_check.inside.{'' if name == 'runtime' else 'probes.'}{name}"
                 for name in ("runtime", *PROBE_MODULES)})
