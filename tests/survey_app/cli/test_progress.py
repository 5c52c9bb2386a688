"""Long commands draw a progress bar on a terminal's stderr, and nothing anywhere else.

The runner's stderr is no terminal, so the ``terminal`` fixture says it is
one: the bar is then drawn into the captured stderr, where the test can see
it. What a command writes to stdout or to its file is the same either way.
"""

from __future__ import annotations

import io
import sys

import pytest

import analysis.progress
from analysis.progress import progress, stages


@pytest.fixture
def terminal(monkeypatch) -> None:
    monkeypatch.setattr(analysis.progress, "on_terminal", lambda: True)


@pytest.fixture
def demo(runner) -> None:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def test_a_bar_is_drawn_on_a_terminal_only(monkeypatch):
    for shown in (False, True):
        stderr = io.StringIO()
        monkeypatch.setattr(sys, "stderr", stderr)
        monkeypatch.setattr(analysis.progress, "on_terminal", lambda shown=shown: shown)
        assert list(progress(range(3), label="tellen")) == [0, 1, 2]
        with stages(2) as bar:
            bar.begin("lezen")
            bar.begin("schrijven")
        drawn = stderr.getvalue()
        assert (("tellen" in drawn) and ("schrijven" in drawn)) is shown
        assert drawn == "" or shown


def test_the_report_command_shows_its_stages_and_writes_the_same_file(
    runner, demo, terminal, tmp_path, monkeypatch
):
    quiet, shown = tmp_path / "quiet.html", tmp_path / "shown.html"
    args = ["report", "--campaign", "1", "--kind", "diagnosis", "--lang", "nl", "--out"]
    with_bar = runner.invoke(args=[*args, str(shown)])
    monkeypatch.setattr(analysis.progress, "on_terminal", lambda: False)
    without = runner.invoke(args=[*args, str(quiet)])
    assert with_bar.exit_code == without.exit_code == 0, with_bar.output
    assert shown.read_bytes() == quiet.read_bytes()
    assert with_bar.stdout == without.stdout == ""
    for stage in ("De antwoorden lezen", "Het rapport maken", "shown.html schrijven"):
        assert stage in with_bar.stderr
    assert without.stderr == f"{quiet} geschreven.\n"


def test_analyse_and_impact_write_the_same_stdout_with_a_bar(runner, demo, monkeypatch):
    commands = (
        ["analyse", "--campaign", "1", "--format", "json", "--lang", "fr"],
        ["impact", "--campaign", "1", "--format", "json", "--lang", "fr"],
    )
    for args in commands:
        monkeypatch.setattr(analysis.progress, "on_terminal", lambda: True)
        with_bar = runner.invoke(args=args)
        monkeypatch.setattr(analysis.progress, "on_terminal", lambda: False)
        without = runner.invoke(args=args)
        assert with_bar.exit_code == without.exit_code == 0, with_bar.output
        assert with_bar.stdout == without.stdout and with_bar.stdout[:1] in ("{", "[")
        assert "Lecture des réponses" in with_bar.stderr and without.stderr == ""


def test_an_error_is_printed_after_the_bar_is_gone(runner, terminal):
    result = runner.invoke(args=["analyse", "--campaign", "42", "--lang", "en"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "Reading the responses" in result.stderr  # the bar was there, then cleared
    last_line = result.stderr.split("\r")[-1]
    assert last_line.startswith("Error: ") and "42" in last_line
