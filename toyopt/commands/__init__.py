"""The `toyopt` verbs: one module per command, each a thin layer over one library call.

A command module has a docstring (its first paragraph is the command's
description), ``add_arguments(parser)`` and ``run(args) -> int``. Defaults and
validation live in the library; a command reads defaults from its constants so
that help texts show what the library really uses.
"""

#: verb -> (module under toyopt.commands, one-line help); `toyopt --help` lists these
COMMANDS = {
    "tutorial": ("tutorial", "run the tutorial end to end and write its figures"),
    "release": ("release", "generate the student stubs (exercises/), or the student kit (KIT + KIT.zip)"),
    "grade": ("grade", "grade submissions in a sandbox (Gradescope JSON, CSV, feedback)"),
    "gradescope-bundle": ("gradescope_bundle", "build the Gradescope autograder zip"),
    "sweep": ("sweep", "train a grid of runs at once and answer the tutorial's questions"),
    "notebook": ("notebook", "generate the nbgrader source notebook from toyopt_ref"),
    "nbgrader": ("nbgrader", "nbgrader course tools (init)"),
}

