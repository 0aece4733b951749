"""Pictures for the feedback, drawn with Matplotlib (Agg) in the trusted process from plain
data that the checks' own probes return: :func:`draw_figures`.  Sizes are checked before
any drawing, so the parent's memory stays bounded.  A picture is a bonus: any failure
omits it, and an exercise's figures may spend at most `BUDGET_SHARE` of what its checks
left of its budget (and `MAX_SECONDS`).
"""

from __future__ import annotations

import io
import math
import time
from dataclasses import dataclass

import numpy as np

from toyopt_check.inside.runtime import StudentCodeError

from .report import Figure

BUDGET_SHARE = 0.25  #: of what an exercise's checks left of its budget
MAX_SECONDS = 10.0
DPI = 80  #: a few hundred pixels a side
SPIRAL_POINTS, SPIRAL_SEED = 400, 0
LOSS_GRID = 401
TRAINING_SEED = 0  # the first seed of the convergence check: the picture is its run
MAX_POINTS = 20_000  #: most points the grader redraws in one picture


class MalformedData(Exception):
    """A probe's answer cannot be drawn (wrong shape, type, non-finite...)."""


@dataclass
class _Allowance:
    """`target.probe` for one exercise, within `seconds` in total."""

    target: object
    seconds: float

    def probe(self, name: str, **kwargs) -> dict:
        start = time.perf_counter()
        try:
            out = self.target.probe_within(self.seconds, name, **kwargs)
        finally:
            self.seconds -= time.perf_counter() - start
        if not isinstance(out, dict):
            raise MalformedData(f"{name} answered a {type(out).__name__}")
        return out


def _array(value, shape_check, what: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise MalformedData(f"{what}: not numeric") from None
    if not shape_check(arr.shape):
        raise MalformedData(f"{what}: shape {arr.shape}")
    return arr


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    return buffer.getvalue()


def _new_figure(width: float, height: float, ncols: int = 1):
    from matplotlib.figure import Figure as MplFigure  # no pyplot: no global state

    fig = MplFigure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, axes


def draw_spiral(target) -> Figure:
    from toyopt.oracles.spiral_2d import ideal_points
    from toyopt_ref.data import SPIRAL_NOISE

    n = SPIRAL_POINTS
    out = target.probe("spiral_2d.call", num_points=n, seed=SPIRAL_SEED)
    # at most the n asked for: the distance table below is points x curve samples
    points = _array(out.get("points"), lambda s: len(s) == 2 and s[1] == 2 and 0 < s[0] <= n,
                    "points")
    labels = _array(out.get("labels"), lambda s: s == (len(points),), "labels")
    if not np.all(np.isfinite(points)):
        raise MalformedData("points: not finite")
    colours = {0: "red", 1: "blue"}
    fig, (ax,) = _new_figure(5.5, 5.5)
    band = SPIRAL_NOISE * math.sqrt(2)  # farthest a point's noise can move it
    far = np.zeros(len(points), dtype=bool)
    curves = ideal_points(1000).reshape(2, 1000, 2)  # the noise-free spirals of class 0 and 1
    for label, colour in colours.items():
        curve = curves[label]
        ax.plot(curve[:, 0], curve[:, 1], color=colour, alpha=0.18, linewidth=7,
                solid_capstyle="round", label=f"expected class {label} (band: noise)")
        ax.plot(curve[:, 0], curve[:, 1], color=colour, alpha=0.6, linewidth=0.8)
        mine = labels == label
        if mine.any():
            dist = np.sqrt(((points[mine, None, :] - curve[None]) ** 2).sum(-1)).min(1)
            far[mine] = dist > band + 0.02  # + the sampling of the curve
            ax.scatter(points[mine, 0], points[mine, 1], s=7, color=colour, edgecolors="black",
                       linewidths=0.3, label=f"your label {label}")
    other = ~np.isin(labels, list(colours))
    far |= other
    if other.any():
        ax.scatter(points[other, 0], points[other, 1], s=7, color="grey", label="other labels")
    ax.set_aspect("equal")
    ax.legend(loc="upper left", fontsize=7, framealpha=0.8)
    ax.set_title(f"spiral_2d({n}) after np.random.seed({SPIRAL_SEED}):\n"
                 f"{int(far.sum())} of {len(points)} points off their expected spiral "
                 f"(farther than the ±{SPIRAL_NOISE:g} noise)", fontsize=9)
    caption = (f"Your spiral_2d({n}) (points, coloured by your labels) over the expected "
               "spirals of class 0 (red) and class 1 (blue), with the band the noise allows.")
    alt = (f"Scatter plot of your {len(points)} spiral points over the two expected spirals; "
           f"{int(far.sum())} points lie outside the noise band.")
    return Figure("spiral_2d", caption, _png(fig), alt)


def draw_plot_datasets(target) -> Figure:
    from toyopt_check.checks import plot_datasets as plotting

    datasets, title, pass_title = plotting.scenarios()[0]
    try:  # the checks' answer for the first scenario, when they kept it
        out = plotting._CACHE[target.target][0]
    except (KeyError, TypeError):
        out = target.probe("plot_datasets.summary", datasets=[list(d) for d in datasets],
                           title=title, pass_title=pass_title)
    axes = out.get("axes") if out.get("is_figure") else None
    if not isinstance(axes, list) or not 0 < len(axes) <= 8:
        raise MalformedData("plot_datasets did not return a figure with 1 to 8 axes")
    panels = []
    for summary in axes:
        if not isinstance(summary, dict):
            raise MalformedData("an Axes summary is not a dict")
        points = _array(summary.get("points"), lambda s: len(s) == 2 and s[1] == 2, "points")
        rows = len(points)
        face = _array(summary.get("facecolors"), lambda s, rows=rows: s == (rows, 4), "colours")
        panels.append((summary, points, face))
    drawn_points = sum(len(points) for _, points, _ in panels)
    if drawn_points > MAX_POINTS:
        raise MalformedData(f"{drawn_points} points to redraw (at most {MAX_POINTS})")
    fig, drawn = _new_figure(2.4 * len(axes), 2.8, ncols=len(axes))
    for ax, (summary, points, face) in zip(drawn, panels):
        ax.scatter(points[:, 0], points[:, 1], s=5, c=np.clip(face, 0, 1))
        ax.set_title(str(summary.get("title", ""))[:40], fontsize=8)
        ax.set_aspect("equal" if summary.get("aspect") in ("equal", 1.0) else "auto")
        ax.tick_params(labelsize=6)
    fig.suptitle(str(out.get("suptitle", ""))[:80], fontsize=9)
    caption = ("The figure your plot_datasets drew, redrawn by the grader: every point it "
               "found, in the colour you gave it (label 0 should be red, label 1 blue).")
    return Figure("plot_datasets", caption, _png(fig),
                  f"Your plot_datasets figure redrawn: {len(axes)} panels of coloured points.")


def draw_circular_mse(target) -> Figure:
    period = 2 * math.pi
    grid = np.linspace(-2 * period, 2 * period, LOSS_GRID)
    out = target.probe("circular_mse.evaluate", cases=[
        {"prediction": grid, "target": np.zeros_like(grid), "dtype": "float64",
         "reduction": "none"}])
    results = out.get("results")
    if not isinstance(results, list) or len(results) != 1 or not isinstance(results[0], dict):
        raise MalformedData("circular_mse.evaluate: no result")
    loss = _array(results[0].get("value"), lambda s: s == grid.shape, "loss values")
    wrapped = np.remainder(grid + period / 2, period) - period / 2
    fig, (ax,) = _new_figure(6.5, 3.6)
    ax.plot(grid, grid ** 2, color="grey", linestyle=":", label="plain MSE (d²)")
    ax.plot(grid, wrapped ** 2, color="green", linewidth=5, alpha=0.35,
            label="expected circular MSE")
    ax.plot(grid, loss, color="black", linewidth=1.2, label="your circular_mse")
    top = (period / 2) ** 2
    ax.set_ylim(-0.1 * top, 1.6 * top)
    ax.set_xlabel("prediction (target 0, period 2π)")
    ax.set_ylabel("elementwise loss")
    # Below the Axes: inside, every place is crossed by a curve (a loss that does not wrap climbs anywhere).
    fig.legend(loc="outside lower center", ncol=3, fontsize=7, frameon=False)
    finite = np.isfinite(loss)
    worst = float(np.max(np.abs(loss[finite] - wrapped[finite] ** 2))) if finite.any() else math.inf
    ax.set_title(f"circular_mse(prediction, 0, reduction='none'): largest gap to the expected "
                 f"loss {worst:.3g}", fontsize=9)
    caption = ("Your circular_mse against the prediction, target 0, reduction='none', from -2 to "
               "2 periods: it should follow the green curve (periodic), not the dotted plain MSE.")
    return Figure("circular_mse", caption, _png(fig),
                  f"Line plot of your loss over the expected circular MSE; largest gap {worst:.3g}.")


def draw_epoch_loop(target) -> Figure:
    from toyopt.checks.convergence import accuracy_per_epoch, network_setup
    from toyopt.checks.thresholds import CONVERGENCE
    from toyopt_check.checks.target import InProcessTarget

    cfg = CONVERGENCE["epoch_loop.linear"]
    epochs_run = cfg["epochs"]  # as many as the check trains: its messages' epochs are the picture's
    weights, train_db, test_db = network_setup(cfg, TRAINING_SEED)
    kwargs = dict(weights=weights, points=train_db[0], labels=train_db[1],
                  criterion=cfg["criterion"], lr=cfg["lr"], epochs=epochs_run)
    theirs = target.probe("epoch_loop.train", **kwargs)
    ours = InProcessTarget.reference().probe("epoch_loop.train", **kwargs)
    curves = {}
    for who, out in (("yours", theirs), ("reference", ours)):
        history = _array(out.get("weights"), lambda s: s == (epochs_run, 21), "weights")
        loss = _array(out.get("train_loss"), lambda s: s == (epochs_run,), "loss")
        with np.errstate(all="ignore"):
            acc = accuracy_per_epoch(np.nan_to_num(history), test_db)
        curves[who] = (loss, acc)
    epochs = np.arange(1, epochs_run + 1)
    fig, (left, right) = _new_figure(8.0, 3.2, ncols=2)
    for who, style in (("reference", dict(color="grey", linewidth=4, alpha=0.45)),
                       ("yours", dict(color="tab:orange", linewidth=1.3))):
        loss, acc = curves[who]
        left.plot(epochs, loss, label=who, **style)
        right.plot(epochs, acc, label=who, **style)
    left.set_title("training loss your epoch_loop returned", fontsize=9)
    right.set_title("test accuracy (%) of the weights, computed by the grader", fontsize=9)
    for ax in (left, right):
        ax.set_xlabel("epoch")
        ax.legend(fontsize=7)
    right.set_ylim(0, 100)
    fig.suptitle(f"{cfg['dataset']} data, {cfg['train_points']} points, {cfg['criterion']} loss, "
                 f"SGD lr={cfg['lr']}, same start as the reference", fontsize=9)
    final = curves["yours"][1][-1]
    caption = (f"Learning curves of {epochs_run} epochs with your epoch_loop (orange) and "
               "the reference's (grey) from the same initial weights and data.")
    return Figure("epoch_loop", caption, _png(fig),
                  f"Loss and test accuracy per epoch; yours ends at {final:.1f} % test accuracy.")


DRAWERS = (("spiral_2d", draw_spiral), ("plot_datasets", draw_plot_datasets),
           ("circular_mse", draw_circular_mse), ("epoch_loop", draw_epoch_loop))


def draw_figures(target, results, omitted: list) -> tuple[Figure, ...]:
    """The feedback's pictures for `results` graded through `target` (a
    `SandboxTarget`); never raises for anything a submission does.  Why a
    picture was left out is appended to `omitted` (notes for staff)."""
    # exercises with results, none of them not_implemented
    wanted = {r.exercise for r in results} - {r.exercise for r in results if r.status == "not_implemented"}
    figures = []
    for exercise, draw in DRAWERS:
        left = target.budget - target.used.get(exercise, 0.0)
        allowance = _Allowance(target, min(MAX_SECONDS, BUDGET_SHARE * left))
        if exercise not in wanted or allowance.seconds <= 0:
            continue
        try:
            figures.append(draw(allowance))
        except StudentCodeError as exc:  # the student's code failed, timed out: no picture
            omitted.append(f"figure of {exercise} omitted: {type(exc).__name__}")
        except MalformedData as exc:
            omitted.append(f"figure of {exercise} omitted: malformed data ({exc})")
        except Exception as exc:
            omitted.append(f"figure of {exercise} omitted: grader error "
                           f"{type(exc).__name__}: {exc}")
    return tuple(figures)
