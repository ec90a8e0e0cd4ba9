"""Start-up as a person sees it: command to first full screen, at 100,000 articles.

    python tests/benchmarks/bench_start.py [--articles 100000] [--runs 5] [--no-newsboat]

Each run starts `tuireader --data-dir DIR` in a detached tmux session of
160x48 (on a private tmux socket) and polls `tmux capture-pane` until the
screen is "full": at least FEEDS_SHOWN feed titles in the feed pane and
ROWS_SHOWN titles of the newest articles (the "All" view, what a new
profile opens on) in the article list. The time is from just before tmux is
asked to start the command to the capture that first shows a full screen.
Peak memory is the app process's VmHWM a moment later (after the refresh it
starts on open has begun). The profile is a copy of the built cache whose
feeds point at a closed loopback port, so that refresh fails at once and
the same copy serves every run.

newsboat, if installed, gets the same 100,000 articles written into its own
cache schema; "full" is its feed list on screen, and `newsboat -x
print-unread` (its whole-cache load without a UI) is timed too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cache_builder import (
    cached_profile,
    copy_profile,
    feed_title,
    median,
    proc_hwm_mb,
    proc_tree,
)

TUIREADER = str(Path(sys.executable).parent / "tuireader")
BARE_APP = Path(__file__).resolve().parent / "bare_app.py"
SOCKET = f"tuireader-bench-{os.getpid()}"
WIDTH, HEIGHT = 160, 48
FEEDS_SHOWN = 5
ROWS_SHOWN = 10
PREFIX = 18  # characters of a title that must appear (narrow panes truncate the rest)
POLL = 0.005
TIMEOUT = 30.0
NEWSBOAT_TIMEOUT = 300.0


def tmux(*args: str, check: bool = True) -> str:
    out = subprocess.run(
        ["tmux", "-L", SOCKET, *args], capture_output=True, text=True, check=check
    )
    return out.stdout


def capture(session: str) -> str:
    return tmux("capture-pane", "-p", "-t", session, check=False)


def pane_pid(session: str) -> int:
    return int(tmux("list-panes", "-t", session, "-F", "#{pane_pid}").split()[0])


def app_pid(root: int, marker: str) -> int | None:
    """The process under the pane whose command line contains `marker`."""
    for pid in proc_tree(root):
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmdline and "forkserver" not in cmdline:
            return pid
    return None


def timed_start(
    command: str, full: callable, marker: str, settle: float = 1.5, timeout: float = TIMEOUT
) -> tuple[float, float, str]:
    """(seconds to a full screen, peak MB of the app, last screen)."""
    session = f"s{time.monotonic_ns()}"
    started = time.perf_counter()
    tmux("new-session", "-d", "-s", session, "-x", str(WIDTH), "-y", str(HEIGHT), command)
    screen = ""
    elapsed = float("nan")
    pids: list[int] = []
    try:
        deadline = started + timeout
        while time.perf_counter() < deadline:
            at = time.perf_counter()
            screen = capture(session)
            if full(screen):
                elapsed = at - started
                break
            time.sleep(POLL)
        time.sleep(settle)
        pids = proc_tree(pane_pid(session))
        pid = app_pid(pids[0], marker)
        peak = proc_hwm_mb(pid) if pid else float("nan")
    finally:
        tmux("kill-session", "-t", session, check=False)
    _wait_gone(pids)
    return elapsed, peak, screen


def _wait_gone(pids: list[int], grace: float = 5.0) -> None:
    """Wait until the measured processes have exited, killing them after `grace` s.

    Closing the session hangs them up, but newsboat goes on loading its cache
    for a minute: it then held its lock when `-x print-unread` ran (which
    failed at once), and took CPU from the next start.
    """
    deadline = time.perf_counter() + grace
    while (left := [pid for pid in pids if _running(pid)]) and time.perf_counter() < deadline:
        time.sleep(0.01)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    while any(_running(pid) for pid in left):
        time.sleep(0.01)


def _running(pid: int) -> bool:
    """Alive and not a zombie (a zombie's parent, the tmux server, reaps it)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


# tuireader


def prepare_profile(source: Path, work: Path) -> Path:
    print(f"copying {source} ...", file=sys.stderr, flush=True)
    target = copy_profile(source, work / "profile")
    with closing(sqlite3.connect(target / "tuireader.db")) as conn, conn:
        conn.execute(
            "UPDATE feeds SET url = 'http://127.0.0.1:9/feed/' || id || '.xml', etag = NULL,"
            " last_modified = NULL"
        )
    (target / "state.json").unlink(missing_ok=True)
    return target


def expectations(profile: Path) -> tuple[list[str], list[str]]:
    with closing(sqlite3.connect(profile / "tuireader.db")) as conn, conn:
        titles = [
            row[0][:PREFIX]
            for row in conn.execute(
                "SELECT title FROM articles ORDER BY published DESC, id DESC LIMIT 60"
            )
        ]
        feeds = [row[0][:PREFIX] for row in conn.execute("SELECT title FROM feeds")]
    return titles, feeds


def full_screen(titles: list[str], feeds: list[str]):  # type: ignore[no-untyped-def]
    def full(screen: str) -> bool:
        rows = sum(1 for line in screen.splitlines() if any(t in line for t in titles))
        if rows < ROWS_SHOWN:
            return False
        shown = sum(1 for line in screen.splitlines() if any(f in line for f in feeds))
        return shown >= FEEDS_SHOWN

    return full


# newsboat


def newsboat_cache(profile: Path, work: Path) -> tuple[Path, Path]:
    """newsboat's own cache with the profile's feeds and articles; (cache, urls)."""
    target = work / "newsboat"
    target.mkdir(exist_ok=True)
    urls = target / "urls"
    cache = target / "cache.db"
    config = target / "config"
    config.write_text("")
    urls.write_text("http://127.0.0.1:9/none.xml\n")  # newsboat wants one URL to make its cache
    subprocess.run(
        ["newsboat", "-x", "reload", "-u", str(urls), "-c", str(cache), "-C", str(config)],
        check=False, capture_output=True, env=dict(os.environ, HOME=str(target)), timeout=60,
    )
    src = sqlite3.connect(profile / "tuireader.db")
    dst = sqlite3.connect(cache)
    feeds = src.execute("SELECT id, url, title FROM feeds").fetchall()
    dst.executemany(
        "INSERT INTO rss_feed (rssurl, url, title) VALUES (?, ?, ?)",
        [(url, url, title) for _id, url, title in feeds],
    )
    url_of = {feed_id: url for feed_id, url, _t in feeds}
    rows = src.execute(
        "SELECT feed_id, guid, title, author, url, CAST(strftime('%s', published) AS INTEGER),"
        " content_html, 1 - read FROM articles"
    )
    dst.executemany(
        "INSERT INTO rss_item (guid, title, author, url, feedurl, pubDate, content, unread)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        ((g, t, a, u, url_of.get(f, ""), p or 0, c, r) for f, g, t, a, u, p, c, r in rows),
    )
    dst.commit()
    count = dst.execute("SELECT count(*) FROM rss_item").fetchone()[0]
    dst.close()
    src.close()
    urls.write_text("\n".join(url for _id, url, _t in feeds) + "\n")
    print(f"newsboat cache: {count:,} items", file=sys.stderr)
    return cache, urls


def newsboat_full(feeds: list[str]):  # type: ignore[no-untyped-def]
    def full(screen: str) -> bool:
        return sum(1 for line in screen.splitlines() if any(f in line for f in feeds)) >= 10

    return full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument("--skip-app", action="store_true", help="newsboat only")
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("tmux is needed for the start benchmark")
    source = cached_profile(args.articles, args.feeds)
    print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f},"
          f" {time.strftime('%Y-%m-%d %H:%M %Z')}")
    rows = []
    # A session kept open for the whole run: otherwise the tmux server exits with each
    # measured session, and a new-session racing its exit is sometimes refused.
    tmux("new-session", "-d", "-s", "keeper", "sleep 3600")
    try:
        rows = measure(args, source)
    finally:
        tmux("kill-server", check=False)
    print()
    print("| figure | target | measured | newsboat |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def measure(args: argparse.Namespace, source: Path) -> list[tuple[str, str, str, str]]:
    """Start-up of the app and of newsboat; the table's rows."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="tuireader-bench-start-") as tmp:
        work = Path(tmp)
        profile = prepare_profile(source, work)
        titles, feeds = expectations(profile)
        full = full_screen(titles, feeds)
        command = f"{TUIREADER} --data-dir {profile}"
        lines = work / "lines.json"
        lines.write_text(json.dumps({"feeds": feeds, "titles": titles}), encoding="utf-8")
        bare_command = f"{sys.executable} {BARE_APP} {lines}"
        timed_start(command, full, "--data-dir")  # warm the page cache: not counted
        timed_start(bare_command, full, str(BARE_APP))
        times, peaks, bare_times = [], [], []
        for run in range(0 if args.skip_app else args.runs):
            elapsed, peak, screen = timed_start(command, full, "--data-dir")
            times.append(elapsed)
            peaks.append(peak)
            bare, _peak, _screen = timed_start(bare_command, full, str(BARE_APP))
            bare_times.append(bare)
            print(f"  run {run}: {elapsed:.3f} s to a full screen, peak {peak:.0f} MB;"
                  f" the bare app just after: {bare:.3f} s", flush=True)
            if elapsed != elapsed:  # NaN: never full; show what was there
                print(screen)
        mine = median(times) if times else float("nan")
        nb_text = "not installed"
        if shutil.which("newsboat") and not args.no_newsboat:
            cache, urls = newsboat_cache(profile, work)
            nb_cmd = (
                f"HOME={work / 'newsboat'} newsboat -u {urls} -c {cache}"
                f" -C {work / 'newsboat' / 'config'}"
            )
            nb_full = newsboat_full([feed_title(i)[:PREFIX] for i in range(args.feeds)])
            nb_times, nb_peaks = [], []
            for run in range(min(args.runs, 2)):  # newsboat takes a minute at 100,000
                elapsed, peak, _screen = timed_start(
                    nb_cmd, nb_full, "newsboat", settle=0.5, timeout=NEWSBOAT_TIMEOUT
                )
                nb_times.append(elapsed)
                nb_peaks.append(peak)
                print(f"  newsboat run {run}: {elapsed:.3f} s, peak {peak:.0f} MB", flush=True)
            started = time.perf_counter()
            done = subprocess.run(
                ["newsboat", "-x", "print-unread", "-u", str(urls), "-c", str(cache),
                 "-C", str(work / "newsboat" / "config")],
                capture_output=True, text=True, env=dict(os.environ, HOME=str(work / "newsboat")),
                check=False, timeout=600,
            )
            print_unread = f"{time.perf_counter() - started:.1f} s"
            if done.returncode:
                print_unread = f"failed: {(done.stderr or done.stdout).strip()[:120]}"
            theirs = median(nb_times)
            nb_text = (f"{theirs:.2f} s, {median(nb_peaks):.0f} MB; x{theirs / mine:.1f}"
                       f" (`-x print-unread` {print_unread})")
        elif args.no_newsboat:
            nb_text = "not run"
    rows.append((f"start to full screen at {args.articles:,} articles (tmux 160x48)",
                 "<= 0.6 s", _with_runs(times),
                 nb_text))
    rows.append(("  peak memory of the app (VmHWM)", "<= 150 MB", f"{median(peaks):.0f} MB", ""))
    if bare_times:
        own = median([t - b for t, b in zip(times, bare_times, strict=True)])
        rows.append(("  a bare three-pane Textual app, run for run (bare_app.py)", "~0.25 s",
                     _with_runs(bare_times), ""))
        rows.append(("  our own start-up work (tuireader less the bare app, per run)", "~0.35 s",
                     f"{own:.3f} s", ""))
    return rows


def _with_runs(times: list[float]) -> str:
    if not times:
        return "not run"
    return f"{median(times):.3f} s (runs: {', '.join(f'{t:.2f}' for t in times)})"


if __name__ == "__main__":
    main()
