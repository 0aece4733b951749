"""The cgroup v2 half of `toyopt.sandbox.cgroups`, on a fake hierarchy.

Our machines mount cgroup v1, so the v2 code never runs on the real kernel here
(`tests/toyopt/sandbox/test_isolation.py` holds the limits with the real v1 groups).
These tests give it a folder laid out as a v2 mount (``cgroup.controllers`` at
the root, this process in ``/grading``) and read back what it wrote: the same
files, names and values a v2 kernel reads. What the kernel then does with
them (OOM kill, ``cgroup.kill``) needs a v2 machine.
"""

import os

import pytest

from toyopt.sandbox import cgroups

MEMORY, PIDS = 512 * 2**20, 64


@pytest.fixture
def v2(tmp_path, monkeypatch):
    root = tmp_path / "cgroup"
    own = root / "grading"
    own.mkdir(parents=True)
    (root / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    (own / "cgroup.controllers").write_text("cpu memory pids\n")
    (own / "cgroup.subtree_control").write_text("")
    monkeypatch.setattr(cgroups, "ROOT", str(root))
    monkeypatch.setattr(cgroups, "_own_paths", lambda: {"": "/grading"})
    return own


def test_a_v2_mount_is_detected(v2):
    assert cgroups.detect() == ("v2", "cgroup v2")


def test_v2_group_is_made_below_our_own_with_every_limit(v2):
    group, why = cgroups.create(MEMORY, PIDS, cpu_weight=100)
    assert why == "" and group.version == "v2"
    folder = group.dirs["memory"]
    assert os.path.dirname(folder) == str(v2) and os.path.basename(folder).startswith("toyopt-")
    assert set(group.dirs.values()) == {folder}  # one group holds every controller
    assert (v2 / "cgroup.subtree_control").read_text() == "+memory +pids +cpu"

    def value(name):
        with open(os.path.join(folder, name)) as handle:
            return handle.read()

    assert value("memory.max") == str(MEMORY)
    assert value("memory.swap.max") == "0"  # tmpfs and anonymous pages stay in RAM, counted
    assert value("memory.oom.group") == "1"  # an OOM kills the whole sandbox, not one task
    assert value("pids.max") == str(PIDS)
    assert value("cpu.weight") == "100"
    assert group.join_files == [os.path.join(folder, "cgroup.procs")]


def test_controllers_already_enabled_are_not_written_again(v2):
    (v2 / "cgroup.subtree_control").write_text("memory pids cpu")
    group, why = cgroups.create(MEMORY, PIDS)
    assert group is not None and why == ""
    assert (v2 / "cgroup.subtree_control").read_text() == "memory pids cpu"


def test_an_undelegated_v2_group_gives_a_reason_not_a_crash(v2):
    (v2 / "cgroup.subtree_control").unlink()
    (v2 / "cgroup.subtree_control").mkdir()  # cannot be written: as when not delegated
    group, why = cgroups.create(MEMORY, PIDS)
    assert group is None
    assert "cannot enable memory, pids, cpu" in why and "not delegated" in why
    assert [p.name for p in v2.iterdir() if p.name.startswith("toyopt-")] == []


def test_a_limit_that_cannot_be_written_removes_the_group(v2, monkeypatch):
    real = cgroups._write

    def refuse_pids(path, value):
        return False if path.endswith("pids.max") else real(path, value)

    monkeypatch.setattr(cgroups, "_write", refuse_pids)
    group, why = cgroups.create(MEMORY, PIDS)
    assert group is None and "cannot write" in why and "pids.max" in why


def test_v2_kill_writes_cgroup_kill_and_reads_members_from_cgroup_procs(v2):
    group, _ = cgroups.create(MEMORY, PIDS)
    folder = group.dirs["memory"]
    with open(os.path.join(folder, "cgroup.procs"), "w") as handle:
        handle.write("")  # no member left: the kill ends at once
    assert group.kill(timeout=0.5) is True
    with open(os.path.join(folder, "cgroup.kill")) as handle:
        assert handle.read() == "1"
    assert group.pids() == set()


def test_no_cgroup_mount_is_a_reason(tmp_path, monkeypatch):
    monkeypatch.setattr(cgroups, "ROOT", str(tmp_path / "absent"))
    assert cgroups.detect() == (None, f"{tmp_path / 'absent'} is not mounted")
    assert cgroups.create(MEMORY, PIDS) == (None, f"{tmp_path / 'absent'} is not mounted")


def test_a_partial_v1_mount_names_what_is_missing(tmp_path, monkeypatch):
    for controller in ("memory", "pids"):
        (tmp_path / controller).mkdir()
        (tmp_path / controller / "cgroup.procs").write_text("")
    monkeypatch.setattr(cgroups, "ROOT", str(tmp_path))
    assert cgroups.detect() == (None, "no cgroup v2 and no v1 cpu, freezer controller")


def test_v2_cpu_time_is_cpu_stat_usage_usec(v2):
    group, _ = cgroups.create(MEMORY, PIDS)
    with open(os.path.join(group.dirs["cpu"], "cpu.stat"), "w") as handle:
        handle.write("usage_usec 2500000\nuser_usec 2000000\nsystem_usec 500000\n")
    assert group.cpu_seconds() == 2.5


@pytest.mark.parametrize("mounted_with_cpu", [True, False])
def test_v1_cpu_time_is_cpuacct_usage_where_cpuacct_is_mounted(tmp_path, monkeypatch, mounted_with_cpu):
    """Separate hierarchies (as here) get a cpuacct group of their own; ``cpu,cpuacct``
    (most distributions: both names link to one mount) is one folder, made once."""
    for controller in cgroups.V1_CONTROLLERS:
        (tmp_path / controller).mkdir()
        (tmp_path / controller / "cgroup.procs").write_text("")
    if mounted_with_cpu:
        (tmp_path / "cpuacct").symlink_to(tmp_path / "cpu")
    else:
        (tmp_path / "cpuacct").mkdir()
        (tmp_path / "cpuacct" / "cgroup.procs").write_text("")
    monkeypatch.setattr(cgroups, "ROOT", str(tmp_path))
    monkeypatch.setattr(cgroups, "_own_paths", lambda: {})
    group, why = cgroups.create(MEMORY, PIDS)
    assert why == "" and ("cpuacct" in group.dirs) is not mounted_with_cpu
    with open(os.path.join(group.dirs.get("cpuacct", group.dirs["cpu"]), "cpuacct.usage"), "w") as handle:
        handle.write("1500000000\n")
    assert group.cpu_seconds() == 1.5
