"""Shared helpers of the hostile suite: small limits, a CLI runner, the safety check."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from farm import SECRET

from tuireader.config import Config
from tuireader.fetch.http import Limits

# Small limits so every hostile server case ends in seconds.
LIMITS = Limits(jobs=8, connect_timeout=2.0, read_timeout=2.0, total_timeout=4.0,
                max_feed_bytes=2 * 1024 * 1024, max_page_bytes=2 * 1024 * 1024)
CONFIG_TOML = """\
[network]
jobs = 8
connect_timeout = 2
read_timeout = 2
total_timeout = 4
max_feed_mb = 2
max_page_mb = 2
"""

# What may never come out: C0 (but tab/newline/CR), DEL, C1, bidi controls.
UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def hostile_config() -> Config:
    return replace(Config(), limits=LIMITS, default_feeds=[])


def cli_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "TUIREADER_HOME"}
    env.pop("FORCE_COLOR", None)
    env["COLUMNS"] = "200"
    return env


def cli(data_dir: Path, *args: str, check: bool = True, timeout: float = 120,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run `python -m tuireader --data-dir DIR ARGS`; bytes out, so nothing is hidden."""
    result = subprocess.run(
        [sys.executable, "-m", "tuireader", "--data-dir", str(data_dir), *args],
        capture_output=True, env=env or cli_env(), timeout=timeout,
    )
    assert b"Traceback" not in result.stderr, result.stderr.decode("utf-8", "replace")
    if check:
        assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    return result


def assert_safe(text: str | bytes, where: str = "") -> None:
    """No control, C1 or bidi character, and no trace of the local secret."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")  # output must be valid UTF-8 too
    found = UNSAFE.search(text)
    if found is not None:
        around = text[max(0, found.start() - 60):found.end() + 60]
        raise AssertionError(f"{where}: unsafe {found.group()!r} in {around!r}")
    assert SECRET not in text, f"{where}: the local secret leaked"
