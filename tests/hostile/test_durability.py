"""Nothing lost: a refresh killed at any moment, two processes at once, no room to write.

Real `tuireader` subprocesses against the slow farm (each response 0.3 s
away), killed with SIGKILL at seeded random moments; the database must pass
`PRAGMA integrity_check` and keep every article it had, and the next refresh
must complete.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from farm import Farm
from hostile_helpers import CONFIG_TOML, assert_safe, cli, cli_env

SLOW_FEEDS = 10  # 8 items each, every response 0.3 s away


MARK = "TUIREADER_HOSTILE_RUN"


def start(data_dir: Path, *args: str, quiet: bool = False) -> subprocess.Popen[bytes]:
    """A CLI process; it and everything it starts carry a marker in their environment."""
    out = subprocess.DEVNULL if quiet else subprocess.PIPE
    env = cli_env() | {MARK: f"{os.getpid()}-{uuid.uuid4().hex}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--data-dir", str(data_dir), *args],
        stdout=out, stderr=out, env=env,
    )
    proc.mark = f"{MARK}={env[MARK]}".encode()  # type: ignore[attr-defined]
    return proc


def marked(mark: bytes) -> set[int]:
    """Live processes whose environment carries `mark` (ours, even once orphaned)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark in (entry / "environ").read_bytes().split(b"\0"):
                    found.add(int(entry.name))
            except OSError:
                continue
    return {pid for pid in found if alive(pid)}


def descendants(pid: int) -> set[int]:
    """Every process under `pid` (the pool's fork server and its workers)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def kill_refresh(proc: subprocess.Popen[bytes], grace: float = 3.0) -> set[int]:
    """SIGKILL a refresh; returns the processes it started that outlived it by `grace`
    seconds, after killing them too (they are ours: this test started them)."""
    children = descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(alive(pid) for pid in children):
        time.sleep(0.1)
    left = {pid for pid in children if alive(pid)}
    for pid in left | marked(proc.mark):  # type: ignore[attr-defined]
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    return left


def articles(db_file: Path) -> dict[str, str]:
    """guid -> page status, read straight from the file (no tuireader code)."""
    conn = sqlite3.connect(db_file, timeout=30)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return dict(conn.execute("SELECT guid, page_status FROM articles"))
    finally:
        conn.close()


def test_sigkill_during_refresh_loses_nothing(farm: Farm, data_dir: Path) -> None:
    for i in range(SLOW_FEEDS // 2):
        cli(data_dir, "add", farm.url(f"/slow/{i}.xml"))
    cli(data_dir, "refresh", "--jobs", "8")
    db_file = data_dir / "tuireader.db"
    had = articles(db_file)
    assert len(had) == 8 * (SLOW_FEEDS // 2)
    for i in range(SLOW_FEEDS // 2, SLOW_FEEDS):
        cli(data_dir, "add", farm.url(f"/slow/{i}.xml"))
    rng = random.Random(20261127)
    for moment in sorted(rng.uniform(0.3, 3.5) for _ in range(5)):
        proc = start(data_dir, "refresh", "--jobs", "8", quiet=True)
        time.sleep(moment)
        kill_refresh(proc, grace=0)
        now = articles(db_file)
        assert set(had) <= set(now), f"articles lost after a kill at {moment:.2f} s"
        had = now
    done = cli(data_dir, "refresh", "--jobs", "8")
    assert done.returncode == 0
    final = articles(db_file)
    assert len(final) == 8 * SLOW_FEEDS
    assert set(final.values()) == {"done"}, "pages left pending by the kills were not fetched"


def test_sigkill_leaves_no_orphan_workers(farm: Farm, data_dir: Path) -> None:
    for i in range(SLOW_FEEDS):
        cli(data_dir, "add", farm.url(f"/slow/{i}.xml"))
    proc = start(data_dir, "refresh", "--jobs", "8", quiet=True)
    time.sleep(1.5)
    assert descendants(proc.pid), "the refresh started no pool"
    left = kill_refresh(proc, grace=3.0)
    assert not left, f"{len(left)} processes outlived the killed refresh"


def test_cli_exit_prints_no_traceback(data_dir: Path) -> None:
    """The pool is shut down without CPython's exit hook writing to a closed pipe."""
    cli(data_dir, "add", "http://127.0.0.1:9/feed")
    for _ in range(8):
        result = subprocess.run(
            [sys.executable, "-m", "tuireader", "--data-dir", str(data_dir), "refresh",
             "--no-articles"], capture_output=True, env=cli_env(), timeout=60)
        assert b"Traceback" not in result.stderr, result.stderr.decode()


def test_two_refreshes_at_once(farm: Farm, data_dir: Path) -> None:
    for i in range(4):
        cli(data_dir, "add", farm.url(f"/slow/{i}.xml"))
    procs = [start(data_dir, "refresh", "--jobs", "4") for _ in range(2)]
    outs = [proc.communicate(timeout=120) for proc in procs]
    for proc, (_out, err) in zip(procs, outs, strict=True):
        assert b"Traceback" not in err, err.decode()
        assert proc.returncode == 0, err.decode()
        assert b"locked" not in err and b"busy" not in err, err.decode()
    final = articles(data_dir / "tuireader.db")
    assert len(final) == 8 * 4
    assert set(final.values()) == {"done"}


def test_refresh_while_listing_and_saving(farm: Farm, data_dir: Path) -> None:
    for i in range(3):
        cli(data_dir, "add", farm.url(f"/slow/{i}.xml"))
    cli(data_dir, "refresh", "--no-articles")
    first = json.loads(cli(data_dir, "list", "--json").stdout)
    for i in range(3, 7):
        cli(data_dir, "add", farm.url(f"/slow/{i}.xml"))
    refresh = start(data_dir, "refresh", "--jobs", "8")
    rounds = 0
    while refresh.poll() is None and rounds < 30:
        listed = cli(data_dir, "list", "--json")
        assert json.loads(listed.stdout)
        target = first[rounds % len(first)]["id"]
        cli(data_dir, "save", str(target))
        rounds += 1
    _out, err = refresh.communicate(timeout=120)
    assert refresh.returncode == 0 and b"Traceback" not in err, err.decode()
    assert rounds >= 2
    saved = json.loads(cli(data_dir, "list", "--saved", "--json").stdout)
    assert {item["id"] for item in saved} == {first[i % len(first)]["id"] for i in range(rounds)}
    articles(data_dir / "tuireader.db")


def test_data_dir_under_a_regular_file_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    for args in (["list"], ["add", "http://feeds.test/a"], ["refresh"], ["export"]):
        result = cli(blocker / "profile", *args, check=False)
        assert result.returncode in (1, 2), (args, result.returncode)
        message = result.stderr.decode()
        assert message.startswith("tuireader: ") and message.count("\n") == 1, message
        assert "profile" in message or "file" in message


def _profile_on_tmpfs(where: Path, size: str, farm: Farm) -> Path:
    """A profile subscribed to the farm's plain feed, on a tmpfs of `size` mounted at `where`."""
    where.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    profile = where / "profile"
    profile.mkdir()
    (profile / "config.toml").write_text(CONFIG_TOML)
    cli(profile, "add", farm.url("/feed/ok"))
    return profile


@pytest.fixture
def mounted(tmp_path: Path) -> Iterator[Path]:
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    where = tmp_path / "mnt"
    yield where
    subprocess.run(["umount", "-l", str(where)], capture_output=True)


def test_read_only_data_dir_is_a_clear_error(farm: Farm, mounted: Path) -> None:
    profile = _profile_on_tmpfs(mounted, "16m", farm)
    cli(profile, "refresh", "--no-articles")
    done = subprocess.run(["mount", "-o", "remount,ro", str(mounted)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot remount read-only")
    for args in (["list"], ["list", "--json"], ["add", farm.url("/feed/utf16")], ["refresh"],
                 ["save", "1"], ["search", "story"], ["export"]):
        result = cli(profile, *args, check=False)
        assert result.returncode in (0, 1, 2), (args, result.returncode)
        if result.returncode:
            message = result.stderr.decode()
            assert message.startswith("tuireader: ") and message.count("\n") == 1, message
            assert_safe(message)


def test_full_disk_is_a_clear_error(farm: Farm, mounted: Path) -> None:
    profile = _profile_on_tmpfs(mounted, "4m", farm)
    filler = mounted / "filler"
    with filler.open("wb", buffering=0) as out:  # leave ~300 KB: the refresh fills it
        while True:
            free = os.statvfs(mounted).f_bavail * os.statvfs(mounted).f_frsize
            if free < 300 * 1024:
                break
            out.write(b"\0" * min(65536, free - 280 * 1024))
    for case in ("pages", "hostile-text", "utf16"):
        cli(profile, "add", farm.url(f"/feed/{case}"), check=False)
    result = cli(profile, "refresh", "--jobs", "4", check=False)
    assert result.returncode in (0, 1), result.stderr.decode()
    assert_safe(result.stderr)
    listed = cli(profile, "list", check=False)
    assert listed.returncode in (0, 1)
    filler.unlink()
    conn = sqlite3.connect(profile / "tuireader.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    cli(profile, "refresh", "--no-articles")
