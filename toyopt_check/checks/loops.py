"""Static judgement of "no Python loop over the points", from source text.

The trusted side parses the submitted file itself (`ast`: nothing of the
student's code runs here) and looks, in the exercise's function and every
function of the same file it calls, for Python-level iteration whose trip
count depends on the function's arguments:

* ``for`` loops and comprehensions over an iterable computed from an argument
  (``range(h)``, ``zip(r, t)``, ``points``, ...);
* ``while`` loops that mention such a value;
* per-element calls: ``np.vectorize`` / ``np.frompyfunc`` (always: they call
  Python once per element), and ``map``, ``filter``, ``functools.reduce``,
  ``itertools.starmap``, ``np.fromiter``, ``np.apply_along_axis`` on such a
  value;
* a call of the function to itself (recursion over the size);
* ``exec`` / ``eval`` / ``compile``: code that cannot be read cannot be judged;
* a module-level name the function uses that is bound to ``np.vectorize(...)``.

"Computed from an argument" is a flow-insensitive taint: a name is tainted
once any assignment to it mentions a tainted name. Iterating over something
whose length is fixed by the text is not a loop over the points, even where
its items are tainted: a literal ``(a, b)`` / ``[x, y]``, ``enumerate`` /
``zip`` / ``reversed`` of literals, ``range(k)`` with an untainted ``k``,
``np.split(x, 2)``, ``x.T`` (the columns of a points array), and a name
only ever bound to a literal.

Limits (the timing half of the vectorisation check covers these): a loop
hidden in another module or behind ``getattr``/``importlib`` is not seen here.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

#: Calls that run Python once per element whatever their arguments.
ALWAYS_PER_ELEMENT = {"vectorize", "frompyfunc"}
#: Calls that iterate in Python over an argument (flagged when one is tainted).
ITERATING = {"map", "filter", "reduce", "starmap", "fromiter", "apply_along_axis", "accumulate"}
#: Calls whose result has a length fixed by their (untainted) last argument.
FIXED_SPLITS = {"split", "array_split", "hsplit", "vsplit", "dsplit", "chunk"}
DYNAMIC = {"exec", "eval", "compile"}


@dataclass(frozen=True)
class Finding:
    """One loop over the points: where, and the line's text."""

    line: int
    what: str  # "for loop", "comprehension", "np.vectorize", ...
    text: str


class SourceUnavailable(Exception):
    """The function's definition is not in the text (e.g. built at run time)."""


def _call_name(node: ast.Call) -> str:
    return getattr(node.func, "id", None) or getattr(node.func, "attr", "")


def _names(node) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _functions(tree: ast.Module) -> dict[str, list]:
    """Every function definition of the file by name (nested ones too)."""
    found: dict[str, list] = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found.setdefault(node.name, []).append(node)
    return found


def _reachable(root, functions) -> list:
    """`root` and every function of the file it (transitively) names."""
    seen, todo, out = set(), [root], []
    while todo:
        fn = todo.pop()
        if id(fn) in seen:
            continue
        seen.add(id(fn))
        out.append(fn)
        for name in _names(fn):
            todo.extend(functions.get(name, ()))
    return out


def _module_bindings(tree: ast.Module, functions_to_scan) -> list:
    """Module-level statements binding a name the scanned functions use
    (``helper = np.vectorize(f)``)."""
    used = set().union(*(_names(fn) for fn in functions_to_scan))
    out = []
    for stmt in tree.body:
        if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            if any(_names(t) & used for t in targets):
                out.append(stmt)
    return out


def _tainted(functions_to_scan) -> set[str]:
    """Names computed from any argument of the scanned functions (fixpoint)."""
    taint: set[str] = set()
    for fn in functions_to_scan:
        args = fn.args
        taint |= {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg) if a}
    changed = True
    while changed:
        changed = False
        for fn in functions_to_scan:
            for node in ast.walk(fn):
                pairs = []
                if isinstance(node, ast.Assign):
                    pairs = [(t, node.value) for t in node.targets]
                elif isinstance(node, (ast.AugAssign, ast.AnnAssign)) and node.value is not None:
                    pairs = [(node.target, node.value)]
                elif isinstance(node, ast.NamedExpr):
                    pairs = [(node.target, node.value)]
                elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                    pairs = [(node.target, node.iter)]
                elif isinstance(node, (ast.With, ast.AsyncWith)):
                    pairs = [(i.optional_vars, i.context_expr) for i in node.items if i.optional_vars]
                for target, value in pairs:
                    new = _names(target) - taint
                    if new and _names(value) & taint:
                        taint |= new
                        changed = True
    return taint


def _literal_names(functions_to_scan) -> set[str]:
    """Names only ever bound (by plain assignment) to a tuple/list literal."""
    literal, other = set(), set()
    for fn in functions_to_scan:
        for node in ast.walk(fn):
            if isinstance(node, ast.Assign):
                for t in node.targets:
                    if isinstance(t, ast.Name):
                        is_display = (isinstance(node.value, (ast.Tuple, ast.List))
                                      and not any(isinstance(e, ast.Starred) for e in node.value.elts))
                        (literal if is_display else other).add(t.id)
                    else:
                        other |= _names(t)
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign, ast.NamedExpr, ast.For,
                                   ast.AsyncFor, ast.comprehension)):
                other |= _names(node.target)
    return literal - other


def _fixed_length(node, taint, literal=frozenset()) -> bool:
    """The iterable's length is fixed by the text (see the module docstring)."""
    if isinstance(node, ast.Name) and node.id in literal:
        return True
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return not any(isinstance(e, ast.Starred) for e in node.elts)
    if isinstance(node, ast.Dict):
        return None not in node.keys
    if isinstance(node, ast.Attribute) and node.attr == "T":
        return True
    if isinstance(node, ast.Call):
        name = _call_name(node)
        if name in ("enumerate", "zip", "reversed", "sorted", "list", "tuple"):
            return bool(node.args) and all(_fixed_length(a, taint, literal) for a in node.args)
        if name in FIXED_SPLITS and len(node.args) >= 2:
            return not (_names(node.args[1]) & taint)
        if name in ("items", "values", "keys"):
            return isinstance(node.func, ast.Attribute) and _fixed_length(node.func.value, taint, literal)
    return not (_names(node) & taint)  # range(k), a constant: fixed unless computed from an argument


def find_loops(text: str, function: str, first_line: int | None = None) -> list[Finding]:
    """Loops over the points in `function` (defined in `text`) and its helpers.

    Raises `SyntaxError` for text that does not parse and `SourceUnavailable`
    when no definition of `function` is found.
    """
    tree = ast.parse(text)
    functions = _functions(tree)
    candidates = functions.get(function, [])
    if not candidates:
        raise SourceUnavailable(f"no definition of {function}() in the submitted file")
    root = candidates[-1]  # the definition bound last at module level wins
    if first_line is not None:
        exact = [fn for fn in candidates
                 if fn.lineno == first_line or any(d.lineno == first_line for d in fn.decorator_list)]
        root = exact[0] if exact else root
    scanned = _reachable(root, functions)
    bound = _module_bindings(tree, scanned)
    taint = _tainted(scanned)
    literal = _literal_names(scanned)
    lines = text.splitlines()

    def say(node, what):
        return Finding(node.lineno, what, lines[node.lineno - 1].strip()[:120])

    out: list[Finding] = []
    for fn in scanned:
        for node in ast.walk(fn):
            if isinstance(node, (ast.For, ast.AsyncFor)) and not _fixed_length(node.iter, taint, literal):
                out.append(say(node, "a for loop"))
            elif isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
                if any(not _fixed_length(g.iter, taint, literal) for g in node.generators):
                    out.append(say(node, "a comprehension"))
            elif isinstance(node, ast.While) and _names(node) & taint:
                out.append(say(node, "a while loop"))
            elif isinstance(node, ast.Call):
                name = _call_name(node)
                args = list(node.args) + [k.value for k in node.keywords]
                if name in ALWAYS_PER_ELEMENT:
                    out.append(say(node, f"{name}() (it calls Python once per element)"))
                elif name in ITERATING and any(_names(a) & taint for a in args):
                    out.append(say(node, f"{name}() over the points"))
                elif name in DYNAMIC:
                    out.append(say(node, f"{name}() (code built at run time cannot be checked)"))
                elif name == fn.name and any(_names(a) & taint for a in args):
                    out.append(say(node, "a recursive call"))
    for node in bound:  # e.g. `_vpoint = np.vectorize(_point)` at module level
        for call in ast.walk(node):
            if isinstance(call, ast.Call) and _call_name(call) in ALWAYS_PER_ELEMENT:
                out.append(say(call, f"{_call_name(call)}() (it calls Python once per element)"))
    unique = {(f.line, f.what): f for f in out}
    return sorted(unique.values(), key=lambda f: f.line)
