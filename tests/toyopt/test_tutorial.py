import json
import subprocess
import sys

import pytest

from toyopt.cli import main
from toyopt.tutorial import TutorialConfig, run_tutorial

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_tutorial_writes_figures_and_summary(tmp_path, capsys):
    rc = main(["tutorial", "--dataset", "circular_data", "--dataset", "linear_data", "--epochs", "60",
               "--points", "200", "--out", str(tmp_path), "--no-progress"])
    assert rc == 0
    names = {p.name for p in tmp_path.iterdir()}
    expected = {"datasets.png", "train_sets.png", "test_sets.png", "loss_shapes.png",
                "curves_circular_data.png", "curves_linear_data.png",
                "boundary_circular_data.png", "boundary_linear_data.png", "summary.json"}
    assert names == expected
    for name in expected - {"summary.json"}:
        assert (tmp_path / name).read_bytes()[:8] == PNG_MAGIC
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert set(summary["runs"]) == {"circular_data", "linear_data"}
    assert summary["runs"]["linear_data"]["epochs"] == 60
    assert summary["config"]["print_every"] == 6  # what ran: ten lines of a 60-epoch run
    out = capsys.readouterr().out
    assert "[0000] train loss=" in out and "[0059]" in out
    assert f"to {tmp_path}" in out


def test_tutorial_is_deterministic_for_a_seed(tmp_path):
    config = TutorialConfig(datasets=("linear_data",), epochs=40, num_points=200, seed=3)
    a = run_tutorial(config, tmp_path / "a", progress=False, echo=lambda s: None).summary["runs"]
    b = run_tutorial(config, tmp_path / "b", progress=False, echo=lambda s: None).summary["runs"]
    c = run_tutorial(TutorialConfig(datasets=("linear_data",), epochs=40, num_points=200, seed=4),
                     tmp_path / "c", progress=False, echo=lambda s: None).summary["runs"]
    assert a == b
    assert a != c


@pytest.mark.parametrize("argv, message", [
    (["--lr", "-1"], "lr must be a positive"),
    (["--epochs", "0"], "epochs must be at least 1"),
    (["--points", "5"], "num_points must be at least 20"),
    (["--device", "cuda:7"], "CUDA is not available"),
])
def test_tutorial_bad_options_give_a_one_line_error(tmp_path, capsys, argv, message):
    import torch

    if "cuda" in argv[-1] and torch.cuda.is_available():
        pytest.skip("a GPU is present")
    rc = main(["tutorial", "--out", str(tmp_path / "o"), "--no-progress", *argv])
    err = capsys.readouterr().err
    assert rc == 2
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "o" / "summary.json").exists()


def test_unknown_dataset_is_refused_by_the_parser():
    proc = subprocess.run([sys.executable, "-m", "toyopt", "tutorial", "--dataset", "moons"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    assert "invalid choice: 'moons'" in proc.stderr


@pytest.mark.parametrize("name", ["tutorial", "release", "grade", "gradescope-bundle", "sweep",
                                  "notebook", "nbgrader"])
def test_each_command_prints_its_own_help(name, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([name, "--help"])
    assert exit_info.value.code == 0
    assert f"usage: toyopt {name}" in capsys.readouterr().out


def test_top_level_help_lists_every_command_without_importing_them(capsys):
    import sys as _sys

    from toyopt.cli import COMMANDS

    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in COMMANDS)
    proc = subprocess.run([_sys.executable, "-c", "import sys; from toyopt.cli import main\n"
                           "try: main(['--help'])\nexcept SystemExit: pass\n"
                           "print('torch' in sys.modules)"], capture_output=True, text=True)
    assert proc.stdout.strip().endswith("False")


def test_unwritable_output_folder_is_a_one_line_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    rc = main(["tutorial", "--out", str(blocker / "out"), "--epochs", "1", "--no-progress"])
    err = capsys.readouterr().err
    assert rc == 2
    assert "cannot create the output folder" in err and "Traceback" not in err


def test_os_errors_of_any_command_become_one_line(tmp_path, capsys, monkeypatch):
    import toyopt.commands.release

    def boom(args):
        raise PermissionError(13, "Permission denied", "/somewhere")

    monkeypatch.setattr(toyopt.commands.release, "run", boom)
    assert main(["release", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "toyopt release: error: Permission denied: /somewhere"


def test_a_tutorial_written_to_a_file_has_no_progress_bar(tmp_path):
    import subprocess
    import sys

    log = tmp_path / "log.txt"
    with log.open("w") as handle:
        done = subprocess.run([sys.executable, "-m", "toyopt", "tutorial", "--dataset", "linear_data",
                               "--epochs", "20", "--points", "100", "--out", str(tmp_path / "o")],
                              stdout=handle, stderr=subprocess.STDOUT, timeout=300)
    text = log.read_text()
    assert done.returncode == 0, text[-2000:]
    assert "\r" not in text and "epoch/s" not in text and "[0019] train loss=" in text
