"""``check``, ``fix`` and ``map`` take the run's arguments alike (commands.common.add_run_arguments)."""

from __future__ import annotations

import pytest

REGISTRY = '[services.orders]\nowns = ["orders.*"]\npaths = ["**"]\n[services.algo]\nowns = ["public.strategy"]\n'
SOURCE = 'def f(cur):\n    cur.execute("SELECT name FROM public.strategy")\n'


@pytest.fixture()
def project(tmp_path):
    (tmp_path / "boundaries.toml").write_text(REGISTRY)
    for folder in ("kept", "legacy"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "q.py").write_text(SOURCE)
    return tmp_path


def seen(command, run) -> set:
    """Which folders' finding the command's output shows."""
    if command[0] == "map":  # an edge labelled with the count of reads
        return {"kept", "legacy"} if '"2 reads"' in run.out else {"one"} if '"1 read"' in run.out else set()
    text = run.out + run.err
    return {folder for folder in ("kept", "legacy") if f"{folder}/q.py:2" in text}


@pytest.mark.parametrize("command", [["check"], ["fix", "--diff", "--assume-clients"], ["map"]])
@pytest.mark.parametrize("flag", ["--exclude", "--extend-exclude"])
def test_every_run_command_skips_what_exclude_names(project, run_cli, command, flag):
    both = run_cli(*command, ".", cwd=project)
    one = run_cli(*command, flag, "legacy", ".", cwd=project)
    assert seen(command, both) == {"kept", "legacy"}, both
    assert seen(command, one) == ({"one"} if command[0] == "map" else {"kept"}), one
