"""`toyopt sweep`: its grid, files, numbers and error messages."""

import itertools
import os

import numpy as np
import pytest
import torch

from toyopt.cli import main
from toyopt.engine.batched import make_splits
from toyopt.engine.lean import train
from toyopt.sweep.config import SweepConfig
from toyopt.sweep.engine import COLUMNS, run_sweep
from toyopt.sweep.output import read_csv, write_outputs
from toyopt_check.files import atomic_write
from toyopt_check.inside.errors import ConfigurationError
from toyopt_ref.losses import make_loss
from toyopt_ref.model import Simple2DNetwork

TINY = dict(datasets=("linear_data", "circular_data"), losses=("MSE", "L1"), inits=("uniform",),
            lrs=(0.1, 0.05), epochs=(20, 60), seeds=2, first_seed=3)
TINY_ARGS = ["--datasets", "linear_data,circular_data", "--losses", "MSE,L1", "--inits", "uniform",
             "--lrs", "0.1,0.05", "--epochs", "20,60", "--seeds", "2", "--first-seed", "3",
             "--no-progress"]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("sweep")
    assert main(["sweep", *TINY_ARGS, "--out", str(out)]) == 0
    return out


def test_default_grid_has_100_seeds_per_cell_and_10000_runs():
    config = SweepConfig().validate()
    assert config.seeds >= 100
    assert config.num_trained_runs >= 10_000
    assert config.trained_epochs == 1000


def test_cli_writes_one_csv_row_per_run_and_budget(tiny_out):
    rows = read_csv(tiny_out / "runs.csv")
    assert list(rows[0]) == list(COLUMNS)
    keys = [(r["dataset"], r["loss"], r["init"], float(r["lr"]), int(r["epochs"]), int(r["seed"]))
            for r in rows]
    want = set(itertools.product(TINY["datasets"], TINY["losses"], TINY["inits"], TINY["lrs"],
                                 TINY["epochs"], (3, 4)))
    assert len(keys) == len(want) and set(keys) == want
    for r in rows:
        for name in ("untrained_test_acc", "final_train_acc", "final_test_acc", "best_test_acc"):
            assert 0 <= float(r[name]) <= 100, (name, r)
        assert float(r["best_test_acc"]) >= float(r["final_test_acc"])
        if r["epoch_to_95"]:
            assert 1 <= int(r["epoch_to_95"]) <= int(r["epochs"])
            assert float(r["best_test_acc"]) >= 95


def test_cli_writes_figures_and_a_summary_answering_each_question(tiny_out):
    names = {p.name for p in tiny_out.iterdir()}
    figures = {"heatmap_median_accuracy.png", "heatmap_solved_share.png",
               "curves_linear_data.png", "curves_circular_data.png"}
    assert figures <= names
    for name in figures:
        assert (tiny_out / name).read_bytes()[:8] == PNG_MAGIC
    assert not [n for n in names if n.endswith(".tmp")]
    summary = (tiny_out / "summary.md").read_text()
    for question in ("untrained features", "single loss function", "decrease the learning rate",
                     "reduce the number of epochs", "same number of epochs", "initialisation"):
        assert question in summary, question
    assert "toyopt sweep" in summary  # the command that regenerates it


def test_csv_rows_are_the_sequential_runs_and_their_prefixes(tiny_out):
    rows = {(r["dataset"], r["loss"], r["lr"], r["epochs"], r["seed"]): r
            for r in read_csv(tiny_out / "runs.csv")}
    torch.manual_seed(4)
    net = Simple2DNetwork("uniform")
    train_db, test_db = make_splits(4)["circular_data"]
    log = train(net, train_db, test_db, make_loss("MSE"), lr=0.05, epochs=60)
    for budget in (20, 60):
        row = rows["circular_data", "MSE", "0.05", str(budget), "4"]
        assert float(row["final_test_acc"]) == pytest.approx(log.test_acc[budget - 1], abs=1e-4)
        assert float(row["best_test_acc"]) == pytest.approx(log.test_acc[:budget].max(), abs=1e-4)
        assert float(row["final_train_acc"]) == pytest.approx(log.train_acc[budget - 1], abs=1e-3)


def test_epoch_to_95_is_the_first_epoch_at_95_percent():
    from toyopt.sweep.engine import first_reaching

    acc = np.array([[50, 96, 90, 99], [50, 60, 70, 80], [95, 95, 95, 95.0]])
    got = first_reaching(acc, 95)
    assert got[0] == 2 and np.isnan(got[1]) and got[2] == 1


@pytest.mark.parametrize("args, message", [
    (["--datasets", "moons"], "--datasets: unknown dataset 'moons'"),
    (["--losses", "BCE"], "--losses: unknown loss 'BCE'"),
    (["--inits", "kaiming"], "--inits: unknown init 'kaiming'"),
    (["--lrs", "fast"], "--lrs: 'fast' is not a number"),
    (["--lrs", "0.1,-1"], "--lrs: learning rate must be a positive"),
    (["--epochs", "0"], "--epochs: epoch counts must be integers >= 1"),
    (["--epochs", "10,,20"], "--epochs: expected a comma-separated list"),
    (["--seeds", "0"], "--seeds must be an integer >= 1"),
    (["--seeds", "many"], "--seeds: 'many' is not an integer"),
    (["--losses", "MSE,MSE"], "listed twice"),
])
def test_bad_options_give_a_clear_message_and_no_traceback(args, message, tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["sweep", *args, "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_without_a_gpu_is_a_clear_error(tmp_path, capsys):
    assert main(["sweep", "--seeds", "1", "--device", "cuda", "--out", str(tmp_path / "o")]) == 2
    assert "CUDA is not available" in capsys.readouterr().err


def test_config_validation_raises_configuration_error():
    with pytest.raises(ConfigurationError, match="--points"):
        SweepConfig(num_points=5).validate()
    with pytest.raises(ConfigurationError, match="--lrs"):
        SweepConfig(lrs=(float("nan"),)).validate()


def test_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "runs.csv"
    target.write_text("old\n")

    def half_written(tmp):
        tmp.write_text("dataset,loss\nlinear_data,")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, half_written)
    assert target.read_text() == "old\n"
    assert os.listdir(tmp_path) == ["runs.csv"]


def test_library_run_and_write_without_the_cli(tmp_path):
    config = SweepConfig(datasets=("linear_data",), losses=("BCEWithLogits",), inits=("xavier",),
                         lrs=(0.1,), epochs=(30,), seeds=3)
    result = run_sweep(config, progress=False)
    assert result.runs_trained == 3 and result.num_rows == 3
    assert set(result.bands) == {("linear_data", "BCEWithLogits", "xavier", 0.1)}
    p5, p50, p95 = result.bands["linear_data", "BCEWithLogits", "xavier", 0.1]
    assert np.all(p5 <= p50) and np.all(p50 <= p95) and len(p50) == 30
    paths = write_outputs(result, tmp_path)
    assert (tmp_path / "summary.md") in paths
