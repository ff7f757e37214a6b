"""Long builds and validations show what is done on a terminal, and nothing in CI logs."""

from __future__ import annotations

import io

from generator.progress import Progress
from conftest import run_cli


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_steps_and_datasets_done_then_a_clean_line(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    screen = Terminal()
    progress = Progress(screen, delay=0)
    progress.update("bộ dữ liệu/datasets", 10, 1000)
    progress.update("bộ dữ liệu/datasets", 1000, 1000)
    progress.update("bước/steps", 8, 8)
    progress.close()
    text = screen.getvalue()
    assert "bộ dữ liệu/datasets 1000/1000" in text and "bước/steps 8/8" in text
    assert text.endswith("\r\x1b[K")  # the line is cleared: the summary prints on a clean line


def test_short_work_ci_and_pipes_show_nothing(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    screen = Terminal()
    quick = Progress(screen, delay=60)
    quick.update("bộ dữ liệu/datasets", 1, 2)
    quick.close()
    assert screen.getvalue() == ""
    monkeypatch.setenv("CI", "true")
    ci = Progress(Terminal(), delay=0)
    ci.update("bộ dữ liệu/datasets", 1, 2)
    assert not ci.live and ci.stream.getvalue() == ""
    assert not Progress(io.StringIO(), delay=0).live


def test_the_commands_write_no_progress_into_a_log():
    result = run_cli("validate", "--offline", "data/so-gddt")
    assert result.returncode == 0
    assert "\r" not in result.stderr + result.stdout
