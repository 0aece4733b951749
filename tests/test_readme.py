"""The README's quick start is exactly what CI runs."""

import re


def _quick_start(readme):
    block = re.search(r"## Quick start\s+```bash\n(.*?)```", readme, re.S)
    assert block, "README.md has no ```bash block under '## Quick start'"
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_two_commands_run_verbatim_by_ci(repo_root):
    commands = _quick_start((repo_root / "README.md").read_text())
    assert len(commands) == 2
    ci = (repo_root / ".ci" / "run").read_text().splitlines()
    for command in commands:
        assert command in ci, f"CI does not run the README command {command!r}"
