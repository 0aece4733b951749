"""The folders are the boundaries: what runs next to student code
(``toyopt_check/inside/``) imports nothing outside itself, and the student
runtime (``toyopt_check``) imports nothing of the instructor's side."""

import ast
from pathlib import Path

import pytest
from grade_support import ROOT

INSIDE = ROOT / "toyopt_check" / "inside"
RUNTIME = ROOT / "toyopt_check"
#: third-party libraries the inside may use (the sandbox's interpreter has them)
#: third-party libraries the sandbox side may use (IPython and traitlets: the notebook cell runner)
THIRD_PARTY = {"numpy", "torch", "matplotlib", "IPython", "traitlets"}


def imports(path: Path):
    """``(line, level, module)`` of every import statement in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, 0, alias.name
        elif isinstance(node, ast.ImportFrom):
            yield node.lineno, node.level, node.module or ""
        elif (isinstance(node, ast.Call) and isinstance(node.func, (ast.Attribute, ast.Name))
              and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
              and node.args and isinstance(node.args[0], ast.Constant)):
            yield node.lineno, 0, node.args[0].value


def stdlib(name: str) -> bool:
    import sys

    return name.split(".")[0] in sys.stdlib_module_names


def relative_target(path: Path, level: int, module: str) -> Path:
    base = path.parent
    for _ in range(level - 1):
        base = base.parent
    return base.joinpath(*module.split(".")) if module else base


def inside_files():
    return sorted(INSIDE.rglob("*.py"))


def test_inside_folder_has_the_sandbox_side():
    names = {p.relative_to(INSIDE).as_posix() for p in inside_files()}
    assert {"worker.py", "supervisor.py", "protocol.py", "runtime.py", "probes/__init__.py"} <= names


@pytest.mark.parametrize("path", inside_files(), ids=lambda p: p.relative_to(INSIDE).as_posix())
def test_inside_imports_nothing_from_the_trusted_side(path):
    bad = []
    for line, level, module in imports(path):
        if level:
            target = relative_target(path, level, module)
            if not (target == INSIDE or INSIDE in target.parents):
                bad.append(f"line {line}: relative import leaves inside/: {'.' * level}{module}")
        elif not (stdlib(module) or module.split(".")[0] in THIRD_PARTY):
            bad.append(f"line {line}: import {module}")
    assert not bad, f"{path.relative_to(ROOT)} reaches outside toyopt_check/inside: {bad}"


def runtime_files():
    for path in sorted(RUNTIME.rglob("*.py")):
        yield pytest.param(path, id=path.relative_to(RUNTIME).as_posix())


@pytest.mark.parametrize("path", runtime_files())
def test_student_runtime_imports_nothing_of_the_instructor(path):
    bad = [f"line {line}: import {module}" for line, level, module in imports(path)
           if level == 0 and module.split(".")[0] in ("toyopt", "toyopt_ref")]
    assert not bad, f"{path.relative_to(ROOT)} imports the instructor's side: {bad}"


def test_the_boundary_test_sees_a_forbidden_import(tmp_path):
    path = tmp_path / "probe.py"
    path.write_text("import os\nfrom toyopt.errors import X\nimport importlib\n"
                    "importlib.import_module('toyopt_ref.data')\n")
    found = [m for _, level, m in imports(path) if not level and not stdlib(m)]
    assert found == ["toyopt.errors", "toyopt_ref.data"]


FIRST_PARTY = ("toyopt", "toyopt_check", "toyopt_ref", "exercises")


def module_file(module: str) -> Path | None:
    """The file that defines `module` in this tree, or None."""
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def tree_sources():
    """``(name, source)`` of every Python file and notebook code cell of the
    project (the corpus specimens are students' code, not the project's)."""
    import json

    skip = ("tests/corpus", "tests/hostile")
    for path in sorted(ROOT.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not rel.startswith(skip) and "/." not in f"/{rel}" and not rel.startswith(("build/", "dist/")):
            yield rel, path.read_text(encoding="utf-8")
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for n, cell in enumerate(cells):
            if cell["cell_type"] == "code":
                yield f"{path.name} cell {n}", "".join(cell["source"])


def top_level_names(path: Path) -> set[str]:
    """The names that the module at `path` binds at its top level."""
    names = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names.update(t.id for t in targets if isinstance(t, ast.Name))
    return names


def stale_imports(name: str, source: str):
    """The first-party modules that `source` imports and that have no file."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a notebook cell with IPython magics, or a stub region
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level and name.endswith(".py"):
            package = (ROOT / name).parent.relative_to(ROOT).parts
            base = ".".join(package[:len(package) - node.level + 1])
            module = f"{base}.{node.module}" if node.module else base
            modules = [module] if node.module else []
            package = module_file(module)
            if package is not None and package.name == "__init__.py":
                defined = top_level_names(package)
                modules += [f"{module}.{a.name}" for a in node.names if a.name not in defined]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            package = module_file(node.module)
            if package is not None and package.name == "__init__.py":
                defined = top_level_names(package)
                modules += [f"{node.module}.{a.name}" for a in node.names if a.name not in defined]
        else:
            continue
        found += [f"{name}:{node.lineno}: {m}" for m in modules
                  if m.split(".")[0] in FIRST_PARTY and module_file(m) is None]
    return found


def test_every_import_names_the_file_where_the_code_lives():
    bad = [line for name, source in tree_sources() for line in stale_imports(name, source)]
    assert not bad, "imports of modules that have no file (an old path?):\n" + "\n".join(bad)


def test_the_import_test_sees_an_old_path():
    source = "from toyopt.notebook.cells import run\nimport toyopt.checks\nfrom toyopt import probes\n"
    assert stale_imports("x.py", source) == ["x.py:1: toyopt.notebook.cells", "x.py:3: toyopt.probes"]
    relative = "from .errors import ToyoptError\nfrom . import tutorial\nfrom .checks import core\n"
    assert stale_imports("toyopt/cli.py", relative) == ["toyopt/cli.py:1: toyopt.errors",
                                                        "toyopt/cli.py:3: toyopt.checks.core"]


def test_no_import_hook_of_the_project_is_installed():
    import sys

    import toyopt.checks
    import toyopt.grading
    import toyopt.sandbox  # noqa: F401  (imported for the hooks it might install)

    ours = [f for f in sys.meta_path if type(f).__module__.split(".")[0] in FIRST_PARTY]
    assert not ours, f"import hooks of the project: {ours}"
