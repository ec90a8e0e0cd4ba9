"""Bounded resources: 50 feeds mixing every hostile case, one `refresh --jobs 8`.

Within 60 s and under 500 MB: the CLI process's peak RSS comes from
`os.wait4` (its own and its waited-for children's rusage); the pool
workers are also sampled from /proc while the refresh runs, summed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from farm import FAILING_FEEDS, WORKING_FEEDS, Farm
from hostile_helpers import assert_safe, cli, cli_env

MB = 1024 * 1024


def _tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and every process under it, right now."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    page = os.sysconf("SC_PAGE_SIZE")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(stat[1])
        rss[int(entry.name)] = int(stat[21]) * page
    total, todo, seen = rss.get(pid, 0), [pid], {pid}
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in seen:
                seen.add(child)
                total += rss.get(child, 0)
                todo.append(child)
    return total


def test_fifty_mixed_feeds_in_bounded_time_and_memory(farm: Farm, data_dir: Path) -> None:
    cases = [*WORKING_FEEDS, *FAILING_FEEDS]
    urls = [farm.url(f"/feed/{cases[i % len(cases)]}") for i in range(40)]
    urls += [farm.url(f"/slow/{i}.xml") for i in range(10)]
    assert len(set(urls)) == 50
    for url in urls:
        cli(data_dir, "add", url)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--data-dir", str(data_dir), "refresh",
         "--jobs", "8"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=cli_env(),
    )
    started = time.monotonic()
    peak_tree = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak_tree
        while not done.is_set():
            peak_tree = max(peak_tree, _tree_rss(proc.pid))
            done.wait(0.2)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stderr = proc.stderr.read()  # type: ignore[union-attr]
    proc.stdout.read()  # type: ignore[union-attr]
    _pid, status, usage = os.wait4(proc.pid, 0)
    seconds = time.monotonic() - started
    done.set()
    sampler.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    print(f"\n50 mixed feeds: {seconds:.1f} s, CLI peak RSS {usage.ru_maxrss // 1024} MB,"
          f" whole tree peak {peak_tree // MB} MB (sampled)")
    assert proc.returncode == 0, stderr.decode()
    assert seconds < 60
    assert usage.ru_maxrss * 1024 < 500 * MB
    assert peak_tree < 1000 * MB  # CLI + fork server + 2 workers, all together
    assert_safe(stderr, "refresh stderr")
    failed = [line for line in stderr.decode().splitlines() if line.startswith("failed: ")]
    assert len(failed) >= len([u for u in urls if any(u.endswith(f"/feed/{c}")
                                                      for c in FAILING_FEEDS)]) - 2
    listed = json.loads(cli(data_dir, "list", "--json").stdout)
    slow = [item for item in listed if str(item["title"]).startswith("Slow ")]
    assert len(slow) == 80  # the well-behaved feeds were not held up by the rest
