"""Ended by the system (kill, a closed terminal), the app quits as with q: the real
`tuireader --demo` on a pseudo-terminal, in its own process."""

import os
import pty
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from ptykit import read_until

LEAVE_ALTERNATE_SCREEN = b"\x1b[?1049l"


@pytest.fixture
def temp() -> Iterator[Path]:
    """A TMPDIR of its own, short: the pool's forkserver puts a socket in it, and a
    socket's path may not pass 107 bytes (pytest's tmp_path can)."""
    with tempfile.TemporaryDirectory(prefix="tq-", dir="/tmp") as path:
        yield Path(path)


@pytest.mark.parametrize("quit_signal", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_quits_the_demo_cleanly(temp: Path, quit_signal: signal.Signals) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TUIREADER_HOME"}
    env |= {"TMPDIR": str(temp), "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    primary, secondary = pty.openpty()
    app = subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--demo"],
        stdin=secondary, stdout=secondary, stderr=secondary, env=env, start_new_session=True,
    )
    os.close(secondary)
    try:
        shown = read_until(primary, lambda out: b"Wire Service" in out, 60)  # feeds drawn
        assert b"Wire Service" in shown, shown[-2000:]
        assert list(temp.glob("tuireader-demo-*"))
        app.send_signal(quit_signal)
        ending = read_until(primary, lambda _out: app.poll() is not None, 20)
        assert app.wait(timeout=1) == 0
    finally:
        if app.poll() is None:
            app.kill()
        os.close(primary)
    assert LEAVE_ALTERNATE_SCREEN in ending  # the terminal is given back
    assert b"Traceback" not in shown + ending
    assert list(temp.iterdir()) == []  # the demo's profile is gone with it (and the pool's)
