"""Assemble the nbgrader source notebook from `toyopt_ref` and the checks.

The notebook interleaves `prose` (markdown), code copied from the reference
(`source.Namespace.copy`), the four exercises as nbgrader solution cells
(each a plain top-level ``def`` with its ``### BEGIN SOLUTION`` region, so
that nbgrader strips the solution on release and `toyopt grade` can extract
the function), one autograded test cell per check (hidden checks inside
``### BEGIN HIDDEN TESTS``) and hand-graded answer cells.

Check ids, titles, points and visibility come from `all_checks()` when the
notebook is generated; nothing is hard-coded here. Only CPU checks are
included: nbgrader grades on whatever machine runs `autograde`, and a skipped
CUDA check would cost points there.
"""

from __future__ import annotations

import re

import nbformat
from nbformat import v4

import toyopt.checks  # noqa: F401  (registers the hidden checks with all_checks)
from toyopt_check.checks import EXERCISES, all_checks
from toyopt_check.inside.errors import ConfigurationError
from toyopt_check.inside.runtime import EXERCISE_MODULES

from . import prose
from .source import Namespace, definitions

NOTEBOOK_NAME = "optimisation_and_learning"

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}

SETUP_CODE = '''\
%matplotlib inline
import math

import numpy as np
import torch
from torch import nn
from IPython.display import display

np.random.seed(0)
torch.manual_seed(0)
# The network is tiny: one CPU thread is faster than several.
torch.set_num_threads(1)
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
print(f"running on {device}")'''

BUILD_DATASETS = '''\
num_points = 1000
dbs = {"random_data": random_2d(num_points), "circular_data": circular_2d(num_points)}
try:
    dbs["spiral_data"] = check_db(spiral_2d(num_points), "spiral_2d(num_points)")
except Exception as exc:  # until your spiral_2d works, the tutorial's loop draws the spiral
    print(f"note: spiral_2d does not work yet ({type(exc).__name__}: {exc});\\n"
          "      the spiral data comes from the tutorial's loop spiral_2d_loop until it does")
    dbs["spiral_data"] = spiral_2d_loop(num_points)
dbs["linear_data"] = linear_2d(num_points)
splits = {name: train_test_split(db, test_fraction=0.1) for name, db in dbs.items()}
train_dbs = {name: split[0] for name, split in splits.items()}
test_dbs = {name: split[1] for name, split in splits.items()}
for name in dbs:
    print(f"{name:14s} {len(train_dbs[name][0])} training points, {len(test_dbs[name][0])} test points")'''

DRAW_DATASETS = '''\
try:
    figures = [plot_datasets(dbs, "all points"), plot_datasets(train_dbs, "training sets"),
               plot_datasets(test_dbs, "test sets")]
except Exception as exc:  # the rest of the notebook does not need these figures
    print(f"note: plot_datasets does not work yet ({type(exc).__name__}: {exc});\\n"
          "      the figures of the datasets appear here once it does")
else:
    for figure in figures:
        display(figure)'''

SHOW_MODEL = '''\
model = Simple2DNetwork().to(device)
print(model)'''

LOSS_SHAPES = '''\
shapes = {name: make_loss(name, reduction="none") for name in ("L1", "MSE", "SmoothL1", "Huber", "BCE")}
display(plot_loss_shapes(shapes))'''

LOSS_DEMO = '''\
prediction = torch.tensor([0.1])
target = torch.tensor([2 * math.pi - 0.1])
print(f"MSE:          {nn.MSELoss()(prediction, target).item():.4f}")
try:
    print(f"circular MSE: {CircularMSELoss()(prediction, target).item():.4f}")
except Exception as exc:  # nothing later needs it
    print(f"circular MSE: circular_mse does not work yet ({type(exc).__name__}: {exc})")'''

MAKE_OPTIMISER = '''\
learning_rate = 0.1
optimiser = torch.optim.SGD(model.parameters(), lr=learning_rate)
print(optimiser)'''

UNTRAINED = '''\
which = "linear_data"
inputs = torch.as_tensor(test_dbs[which][0], dtype=torch.float32, device=device)
labels = torch.as_tensor(test_dbs[which][1], device=device)
for init in ("uniform", "xavier", None):
    untrained = Simple2DNetwork(weight_init=init).to(device)
    untrained.eval()
    with torch.no_grad():
        outputs = untrained(inputs).reshape(-1)
    print(f"{str(init):8s} untrained test accuracy: {accuracy(outputs >= 0.5, labels):5.1f} %")'''

TRAIN = '''\
# The starting weights: seed 0 happens to stall on this dataset (try it).
torch.manual_seed(1)
which = "circular_data"
model = Simple2DNetwork(weight_init="uniform").to(device)
criterion = nn.L1Loss()
optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
epochs = 1000

history = {"train_acc": [], "train_loss": [], "test_acc": [], "test_loss": []}
try:
    for epoch in range(epochs):
        train_acc, train_loss, _ = epoch_loop(model, train_dbs[which], criterion, optimiser)
        test_acc, test_loss, _ = epoch_loop(model, test_dbs[which], criterion)
        for key, value in zip(history, (train_acc, train_loss, test_acc, test_loss)):
            history[key].append(value)
        if epoch % (epochs // 10) == 0 or epoch == epochs - 1:
            print(f"[{epoch:4d}] train loss {train_loss:.4f} acc {train_acc:6.2f}   "
                  f"test loss {test_loss:.4f} acc {test_acc:6.2f}")
except Exception as exc:  # training needs a working epoch_loop
    print(f"note: epoch_loop does not work yet ({type(exc).__name__}: {exc});\\n"
          "      the network trains here once it does")'''

SHOW_RESULTS = '''\
if history["train_acc"]:
    log = TrainLog(**{key: np.array(values) for key, values in history.items()})
    print(log.summary())
    display(plot_learning_curves(log, f"{which}, {type(criterion).__name__}"))
    display(plot_decision_boundary(model, test_dbs[which], f"{which}: test points"))
else:
    print("note: no training run to show yet (epoch_loop does not work yet, see above)")'''


def grade_id(text: str) -> str:
    """A name nbgrader and nbformat accept as an id (letters, digits, _ and -)."""
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_")


def notebook_checks(exercise: str):
    """The checks of `exercise` that get a test cell (CPU checks only)."""
    return [c for c in all_checks([exercise]) if c.device == "cpu"]


def exercise_points(exercise: str) -> float:
    return sum(c.points for c in notebook_checks(exercise))


def check_hidden_ids(hidden) -> frozenset:
    """`hidden` as a set of known CPU check ids (an unknown id is a configuration error)."""
    hidden = frozenset(hidden)
    known = {c.id for ex in EXERCISES for c in notebook_checks(ex)}
    unknown = sorted(hidden - known)
    if unknown:
        raise ConfigurationError(f"unknown check id {unknown[0]!r} to hide (known: {', '.join(sorted(known))})")
    return hidden


def grading_cell_source(chk, hidden=()) -> str:
    """The code of the test cell of check `chk`: hidden (in a hidden region) when the
    registry marks it not visible or `hidden` names it."""
    call = f"run({chk.exercise!r}, globals(), ids=[{chk.id!r}])".replace("'", '"')
    if chk.visibility == "visible" and chk.id not in hidden:
        return (f"# Test {chk.exercise}: {chk.title} ({chk.points:g} points)\n"
                f"from toyopt_check.cells import run\n\n{call}")
    # the hidden checks are the instructor's (``toyopt.checks``): imported inside the
    # hidden region, which nbgrader and the kit remove from what students get
    return (f"# Hidden test of {chk.exercise} ({chk.points:g} points): it runs when your notebook is graded.\n"
            f"from toyopt_check.cells import run\n\n"
            f"### BEGIN HIDDEN TESTS\nimport toyopt.checks  # noqa: F401  (the instructor's hidden checks)\n"
            f"{call}\n### END HIDDEN TESTS")


class _Builder:
    def __init__(self, hidden):
        self.cells = []
        self.ns = Namespace()
        self.hidden = hidden

    def _add(self, cell, cell_id, **nbgrader):
        """Append `cell`; with `nbgrader` settings it is an nbgrader cell whose grade id is `cell_id`."""
        cell["id"] = cell_id
        if nbgrader:
            cell.metadata["nbgrader"] = {"grade_id": cell_id, "schema_version": 3, **nbgrader}
        self.cells.append(cell)

    def md(self, text):
        self._add(v4.new_markdown_cell(text), f"md-{len(self.cells):02d}")

    def code(self, source):
        self.ns.define(source)
        self._add(v4.new_code_cell(source), f"code-{len(self.cells):02d}")

    def copy(self, module, names):
        self.code(self.ns.copy(module, names))

    def exercise(self, exercise):
        module = EXERCISE_MODULES[exercise]
        source = definitions(module)[exercise][0]
        imports, deps = self.ns.needs(source, module)
        if imports or deps:  # the solution cell stays a plain def: what it uses goes just before
            parts = ["\n".join(imports)] if imports else []
            parts += [src for src, _ in deps]
            self.code("# Names the next function uses\n" + "\n\n\n".join(parts))
        self.ns.define(source)
        self._add(v4.new_code_cell(source), exercise, grade=False, locked=False, solution=True)
        checks = notebook_checks(exercise)
        if checks:
            self.md(prose.TESTS)
        for chk in checks:
            self._add(v4.new_code_cell(grading_cell_source(chk, self.hidden)), grade_id(f"test_{chk.id}"),
                      grade=True, locked=True, points=chk.points, solution=False)

    def question(self, key):
        question, guide = prose.QUESTIONS[key]
        self.md(question)
        self._add(v4.new_markdown_cell(guide), f"answer_{key}", grade=True, locked=False,
                  points=prose.ANSWER_POINTS, solution=True)


def build_notebook(hidden=()):
    """The source notebook as an `nbformat.NotebookNode` (no outputs).

    `hidden`: ids of checks to put in hidden test regions besides those the
    registry marks as not visible (a course may keep more of them hidden).
    """
    b = _Builder(check_hidden_ids(hidden))
    pts = {ex: f"{exercise_points(ex):g}" for ex in EXERCISES}
    b.md(prose.GENERATED + "\n\n" + prose.INTRO)
    b.md(prose.SETUP)
    b.code(SETUP_CODE)

    b.md(prose.DATASETS)
    b.copy("data", ["LINEAR_BOUNDARY", "SPIRAL_RADIUS", "SPIRAL_TURNS", "SPIRAL_NOISE", "_empty",
                    "random_2d", "circular_2d", "linear_2d", "spiral_2d_loop"])
    b.md(prose.EXERCISE_SPIRAL.format(points=pts["spiral_2d"]))
    b.exercise("spiral_2d")
    b.md(prose.SPLIT)
    b.copy("data", ["check_db", "train_test_split"])
    b.code(BUILD_DATASETS)

    b.md(prose.PLOTTING)
    b.copy("plotting", ["LABEL_COLOURS", "plot_db"])
    b.md(prose.EXERCISE_PLOT.format(points=pts["plot_datasets"]))
    b.exercise("plot_datasets")
    b.code(DRAW_DATASETS)
    b.md(prose.AFTER_PLOT)

    b.md(prose.ACCURACY)
    b.copy("training", ["accuracy", "model_device"])
    b.md(prose.MODEL)
    b.copy("model", ["WEIGHT_INITS", "Simple2DNetwork"])
    b.code(SHOW_MODEL)

    b.md(prose.LOSSES)
    b.copy("losses", ["make_loss"])
    b.copy("plotting", ["plot_loss_shapes"])
    b.code(LOSS_SHAPES)
    b.md(prose.EXERCISE_LOSS.format(points=pts["circular_mse"]))
    b.exercise("circular_mse")
    b.md(prose.AFTER_LOSS)
    b.copy("losses", ["CircularMSELoss"])
    b.code(LOSS_DEMO)

    b.md(prose.OPTIMISER)
    b.code(MAKE_OPTIMISER)
    b.md(prose.INIT)
    b.code(UNTRAINED)
    b.md(prose.AFTER_INIT)
    b.question("initialisation")

    b.md(prose.TRAINING)
    b.md(prose.EXERCISE_EPOCH.format(points=pts["epoch_loop"]))
    b.exercise("epoch_loop")
    b.md(prose.TRAIN_RUN)
    b.code(TRAIN)
    b.md(prose.RESULTS)
    b.copy("training", ["TrainLog"])
    b.copy("plotting", ["plot_learning_curves", "plot_decision_boundary"])
    b.code(SHOW_RESULTS)

    b.md(prose.EXPERIMENTS)
    for key in ("loss", "learning_rate", "epochs"):
        b.question(key)

    nb = v4.new_notebook(cells=b.cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["toyopt"] = {"generated_by": "toyopt notebook", "source": "toyopt_ref"}
    nbformat.validate(nb)
    return nb

