"""Code of `toyopt_ref` as notebook cells: definitions copied verbatim, plus
the imports they need.

The notebook is generated from the reference (one source of truth): a cell
holds top-level definitions (functions, classes, constants, with the comment
lines just above them) cut from a `toyopt_ref` module by `ast`, never
retyped. `Namespace` tracks which names earlier cells define, so that each
cell imports exactly the globals its code uses and nothing defines them yet.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import types

from toyopt_check.inside.errors import ConfigurationError


def _module(name: str):
    return importlib.import_module(f"toyopt_ref.{name}")


def definitions(module_name: str) -> dict[str, tuple[str, bool]]:
    """``{name: (source, is_assignment)}`` of the top-level defs, classes and
    simple assignments of ``toyopt_ref.<module_name>``, each with its leading
    comment lines."""
    module = _module(module_name)
    text = inspect.getsource(module)
    lines = text.splitlines()
    tree = ast.parse(text)
    found = {}
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names = [node.name]
        elif isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
            names = [t.id for t in node.targets]
        else:
            continue
        start = node.lineno - 1
        if getattr(node, "decorator_list", None):
            start = min(d.lineno for d in node.decorator_list) - 1
        while start > 0 and lines[start - 1].lstrip().startswith("#"):
            start -= 1
        end = node.end_lineno
        # Trailing comments inside the body (``    ### END SOLUTION``) belong to it.
        while end < len(lines) and lines[end][:1].isspace() and lines[end].lstrip().startswith("#"):
            end += 1
        source = "\n".join(lines[start:end])
        for name in names:
            found[name] = (source, isinstance(node, ast.Assign))
    return found


def free_names(source: str) -> set[str]:
    """Names `source` reads but does not bind (builtins excluded).

    Conservative: a name bound anywhere in the code counts as bound, so a
    global read in one function and assigned in another is missed; a missed
    import shows up when the generated notebook is run by the tests.
    """
    tree = ast.parse(source)
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((a.asname or a.name).split(".")[0] for a in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
    return loaded - bound - set(dir(builtins))


def _import(name: str, value, module_name: str) -> tuple[str | None, str]:
    """How a cell binds `name` to `value`, a global of ``toyopt_ref.<module_name>``:
    ``(module, name)`` for ``from module import name``, or ``(None, statement)``."""
    if isinstance(value, types.ModuleType):
        full = value.__name__
        parent, _, last = full.rpartition(".")
        if full == name:
            return None, f"import {full}"
        if parent and last == name:
            return parent, name
        return None, f"import {full} as {name}"
    home = getattr(value, "__module__", None)
    if not (isinstance(value, (type, types.FunctionType)) and home and getattr(value, "__name__", None) == name):
        home = f"toyopt_ref.{module_name}"
    return home, name


def _ref_home(name: str, module_name: str) -> str | None:
    """The `toyopt_ref` module (short name) that defines global `name` of
    ``toyopt_ref.<module_name>``, or None when it comes from elsewhere."""
    value = vars(_module(module_name)).get(name)
    if isinstance(value, types.ModuleType):
        return None
    home = _import(name, value, module_name)[0]
    return home[len("toyopt_ref."):] if home.startswith("toyopt_ref.") else None


class Namespace:
    """The names defined so far by the generated notebook's cells."""

    def __init__(self):
        self.defined: set[str] = set()

    def needs(self, source: str, module_name: str) -> tuple[list[str], list[tuple[str, str]]]:
        """What `source`, code of ``toyopt_ref.<module_name>``, uses that no earlier cell
        defines: the import lines (sorted, deduplicated) and `inline`'s definitions. Names
        defined in `toyopt_ref` itself are never imported but copied: the release notebook
        imports nothing of the reference."""
        deps = self.inline(source, module_name)
        plain, grouped = set(), {}
        for piece, piece_module in [*deps, (source, module_name)]:
            module = vars(_module(piece_module))
            for name in free_names(piece) - self.defined:
                if name in module and _ref_home(name, piece_module) is None:
                    home, what = _import(name, module[name], piece_module)
                    if home is None:
                        plain.add(what)
                    else:
                        grouped.setdefault(home, set()).add(what)
        imports = sorted(plain) + [f"from {home} import {', '.join(sorted(grouped[home]))}" for home in sorted(grouped)]
        return imports, deps

    def inline(self, source: str, module_name: str) -> list[tuple[str, str]]:
        """``[(definition source, module)]`` of the `toyopt_ref` globals that
        `source` needs and no earlier cell defines, dependencies first."""
        found: list[tuple[str, str]] = []
        seen: set[str] = set()

        def visit(src, mod):
            for name in sorted(free_names(src) - self.defined - seen):
                home = _ref_home(name, mod)
                if home is None:
                    continue
                defs = definitions(home)
                if name not in defs:
                    raise ConfigurationError(f"toyopt_ref.{home} defines no {name!r} to copy")
                seen.update(n for n, d in defs.items() if d == defs[name])
                visit(defs[name][0], home)
                if (defs[name][0], home) not in found:
                    found.append((defs[name][0], home))

        visit(source, module_name)
        return found

    def copy(self, module_name: str, names) -> str:
        """A cell's code: imports, then the definitions `names` copied from
        ``toyopt_ref.<module_name>`` in the order given."""
        defs = definitions(module_name)
        missing = [n for n in names if n not in defs]
        if missing:
            raise ConfigurationError(f"toyopt_ref.{module_name} defines no {missing[0]!r}")
        body, previous = "", None
        for source, is_assignment in dict.fromkeys(defs[n] for n in names):
            if previous is not None:
                if previous and is_assignment:
                    body += "\n\n" if source.startswith("#") else "\n"
                else:
                    body += "\n\n\n"
            body += source
            previous = is_assignment
        imports, deps = self.needs(body, module_name)
        if deps:
            body = "\n\n\n".join(src for src, _ in deps) + "\n\n\n" + body
        self.define(body)
        if not imports:
            return body
        defines_first = body.startswith(("def ", "class ", "@"))
        return "\n".join(imports) + ("\n\n\n" if defines_first else "\n\n") + body

    def define(self, source: str) -> None:
        """Record the names `source` binds at its top level (IPython magics skipped)."""
        tree = ast.parse("\n".join(line for line in source.splitlines() if not line.startswith(("%", "!"))))
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                self.defined.add(node.name)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for t in targets:
                    for sub in ast.walk(t):
                        if isinstance(sub, ast.Name):
                            self.defined.add(sub.id)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self.defined.update((a.asname or a.name).split(".")[0] for a in node.names)
            elif isinstance(node, (ast.For, ast.With)):
                for sub in ast.walk(node):
                    if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                        self.defined.add(sub.id)
