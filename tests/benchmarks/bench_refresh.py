"""Refresh benchmarks against a loopback feed farm, with newsboat beside them.

    python tests/benchmarks/bench_refresh.py [--runs 3] [--only feeds|pages] [--no-newsboat]
        [--pages-from DIR] [--profile DIR]

feeds: 500 feeds x 20 items, 100 ms per request, default settings. Each run
is a fresh process (pool and forkserver start count) on a fresh profile:
first refresh (everything new), then a second one (every feed answers 304)
in the same process, as the app refreshes again; then the second one again
in a new process (imports count); then the same all-304 pass by raw sockets
and by a bare httpx client (yardsticks.py). Wall time is the `Library.refresh` call;
CPU is that process plus its pool workers. The same refresh through the CLI
(`tuireader refresh --no-articles`, interpreter start and imports included)
is timed from outside.

pages: 100 feeds x 20 items with their 2,000 article pages at 20 ms; the
pages are cleaned during the refresh. The rate is compared with the same
refresh held to one CPU (the whole page path on one core), and with cleaning
the same 2,000 pages one after another in one process (cleaning alone).

newsboat, if installed, refreshes the same farm (`newsboat -x reload`) with
16 reload threads, then again (conditional GET), timed from outside.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.request import urlopen

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cache_builder import (
    REPO,
    TreeCPU,
    median,
    proc_cpu,
)
from feed_farm import FeedFarm
from yardsticks import all_304

TUIREADER = str(Path(sys.executable).parent / "tuireader")
PROFILE_ENV = "TUIREADER_BENCH_PROFILE"


# The measured side: runs in a fresh child process.


def child(mode: str, data_dir: Path, urls_file: Path) -> list[dict[str, object]]:
    """Set up a profile if new (not timed), then time one refresh (two for "feeds-twice").

    Mode "pages-one-core" is the pages refresh with this process, and so its
    forkserver and pool, held to one CPU: the single-core rate of the whole
    page path (fetch, clean, index, store).
    """
    if mode == "pages-one-core":
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    setup_started = time.perf_counter()
    from tuireader.collector import collect_less_often
    from tuireader.library import Library

    collect_less_often()  # as the CLI and the app set their process

    library = Library.open(data_dir)
    if not library.feeds(with_counts=False):
        urls = urls_file.read_text().split()
        with library.db.transaction() as conn:
            from tuireader.storage import feeds as feed_store

            for url in urls:
                feed_store.add_feed(conn, url, "", "", True)
    setup = time.perf_counter() - setup_started
    results = [_timed_refresh(library, mode)]
    if mode == "feeds-twice":  # again in the same process, as the app refreshes again
        results.append(_timed_refresh(library, mode))
    library.close()
    for result in results:
        result["setup"] = setup
    return results


def _workers_cpu(library: Any) -> dict[int, float]:
    """CPU seconds so far of each pool worker, by pid."""
    pids = list(getattr(library._pool, "_processes", {}) or {})
    return {pid: proc_cpu(pid) for pid in pids}


def _timed_refresh(library: Any, mode: str) -> dict[str, object]:
    pages_done: list[float] = []

    def progress(p: object) -> None:
        if getattr(p, "result", None) is None:
            pages_done.append(time.perf_counter())

    profiles = Profiles(os.environ.get(PROFILE_ENV, ""), mode)
    workers_before = _workers_cpu(library)
    cpu_started = time.process_time()
    started = time.perf_counter()
    with profiles:
        report = library.refresh_sync(fetch_pages=mode.startswith("pages"), progress=progress)
    wall = time.perf_counter() - started
    cpu_self = time.process_time() - cpu_started
    cpu_workers = sum(
        seconds - workers_before.get(pid, 0.0)
        for pid, seconds in _workers_cpu(library).items()
    )
    return {
        "wall": wall,
        "cpu_self": cpu_self,
        "cpu_workers": cpu_workers,
        "new": report.new_articles,
        "feeds": len(report.feeds),
        "not_modified": sum(r.not_modified for r in report.feeds),
        "failed": len(report.failures),
        "first_failure": report.failures[0].error if report.failures else None,
        "pages_cleaned": report.pages_cleaned,
        "pages_failed": report.pages_failed,
        "first_page": (pages_done[0] - started) if pages_done else None,
    }


class Profiles:
    """cProfile of the refresh's event loop and, apart, of its writer thread, written as
    DIR/<mode>-<n>-loop.prof and DIR/<mode>-<n>-writer.prof, n counting the refreshes
    of that mode already in DIR (feeds-twice: odd n a first refresh, even n the second
    one after it; feeds: the one in a new process); no DIR: no profiling.

    Profiling slows the run: its times are not the benchmark's figures.
    """

    def __init__(self, folder: str, mode: str) -> None:
        self.folder = Path(folder) if folder else None
        self.mode = mode
        self.loop = cProfile.Profile()
        self.writer = cProfile.Profile()

    def __enter__(self) -> None:
        if self.folder is None:
            return
        from tuireader import refresh

        transaction = refresh.Writer._transaction
        writer = self.writer

        def profiled(self_: object) -> object:
            writer.enable()
            try:
                return transaction(self_)
            finally:
                writer.disable()

        self.unpatched = transaction
        refresh.Writer._transaction = profiled  # type: ignore[method-assign]
        self.loop.enable()

    def __exit__(self, *_exc: object) -> None:
        if self.folder is None:
            return
        self.loop.disable()
        from tuireader import refresh

        refresh.Writer._transaction = self.unpatched  # type: ignore[method-assign]
        self.folder.mkdir(parents=True, exist_ok=True)
        number = len(list(self.folder.glob(f"{self.mode}-[0-9]*-loop.prof"))) + 1
        self.loop.dump_stats(self.folder / f"{self.mode}-{number}-loop.prof")
        self.writer.dump_stats(self.folder / f"{self.mode}-{number}-writer.prof")


def run_child(mode: str, data_dir: Path, urls_file: Path) -> list[dict[str, object]]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(data_dir), str(urls_file)],
        check=True,
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_cli(data_dir: Path, pages: bool) -> tuple[float, float]:
    """`tuireader refresh` timed from outside: (wall seconds, CPU seconds of the tree)."""
    args = [TUIREADER, "--data-dir", str(data_dir), "refresh"]
    if not pages:
        args.append("--no-articles")
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with TreeCPU(process.pid) as cpu:
        _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"tuireader refresh failed: {process.stderr.read()!r}")
    cpu_seconds = max(cpu.seconds, usage.ru_utime + usage.ru_stime)
    return wall, cpu_seconds


# newsboat


def newsboat_path() -> str | None:
    return shutil.which("newsboat")


def run_newsboat(work: Path, urls: list[str], threads: int | None) -> tuple[float, float]:
    """`newsboat -x reload` on its own cache in `work`: (wall, CPU seconds)."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "urls").write_text("\n".join(urls) + "\n")
    config = "" if threads is None else f"reload-threads {threads}\n"
    (work / "config").write_text(config)
    args = [
        newsboat_path() or "newsboat",
        "-x",
        "reload",
        "-u",
        str(work / "urls"),
        "-c",
        str(work / "cache.db"),
        "-C",
        str(work / "config"),
    ]
    env = dict(os.environ, HOME=str(work), XDG_CONFIG_HOME=str(work), XDG_DATA_HOME=str(work))
    started = time.perf_counter()
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=work
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"newsboat failed with {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime


def newsboat_count(cache: Path) -> int:
    import sqlite3

    with closing(sqlite3.connect(cache)) as conn, conn:
        return conn.execute("SELECT count(*) FROM rss_item").fetchone()[0]


# The benchmarks


def bench_feeds(args: argparse.Namespace, work: Path) -> list[tuple[str, str, str, str]]:
    rows = []
    with FeedFarm(args.feeds, args.items, args.latency) as farm:
        urls_file = work / "urls.txt"
        urls_file.write_text("\n".join(farm.feed_urls()))
        firsts, seconds, colds = [], [], []
        raw: list[tuple[float, float]] = []
        bare: list[tuple[float, float]] = []
        for run in range(args.runs):
            data_dir = work / f"feeds-{run}"
            first, second = run_child("feeds-twice", data_dir, urls_file)
            [cold] = run_child("feeds", data_dir, urls_file)
            assert first["new"] == args.feeds * args.items, first
            for again in (second, cold):
                assert again["not_modified"] == args.feeds, again
            firsts.append(first)
            seconds.append(second)
            colds.append(cold)
            raw.append(all_304(farm.feed_urls(), "raw"))
            bare.append(all_304(farm.feed_urls(), "httpx"))
            print(
                f"  run {run}: first {first['wall']:.2f} s (cpu {first['cpu_self']:.2f}"
                f" + workers {first['cpu_workers']:.2f}), second {second['wall']:.2f} s"
                f" (cpu {second['cpu_self']:.2f}), second in a new process {cold['wall']:.2f} s"
                f" (cpu {cold['cpu_self']:.2f}); all 304 by raw sockets {raw[-1][0]:.2f} s,"
                f" by bare httpx {bare[-1][0]:.2f} s",
                flush=True,
            )
        floor = math.ceil(args.feeds / 16) * args.latency  # whole rounds of 16 requests
        cli_first: list[tuple[float, float]] = []
        cli_second: list[tuple[float, float]] = []
        for run in range(args.runs):
            data_dir = work / f"cli-{run}"
            run_child_setup(data_dir, urls_file)
            cli_first.append(run_cli(data_dir, pages=False))
            cli_second.append(run_cli(data_dir, pages=False))
        nb_first: list[tuple[float, float]] = []
        nb_second: list[tuple[float, float]] = []
        nb_default: list[tuple[float, float]] = []
        if newsboat_path() and not args.no_newsboat:
            for run in range(args.runs):
                nb_dir = work / f"newsboat-{run}"
                nb_first.append(run_newsboat(nb_dir, farm.feed_urls(), 16))
                nb_second.append(run_newsboat(nb_dir, farm.feed_urls(), 16))
                count = newsboat_count(nb_dir / "cache.db")
                assert count == args.feeds * args.items, count
            if args.newsboat_default:
                nb_default.append(run_newsboat(work / "newsboat-default", farm.feed_urls(), None))

    def wall(items: list[dict[str, object]]) -> float:
        return median([float(i["wall"]) for i in items])

    def cpu(items: list[dict[str, object]]) -> float:
        return median([float(i["cpu_self"]) + float(i["cpu_workers"]) for i in items])

    def nb(pairs: list[tuple[float, float]], mine: float) -> str:
        if not pairs:
            return "not run" if newsboat_path() else "not installed"
        theirs = median([p[0] for p in pairs])
        return f"{theirs:.2f} s ({median([p[1] for p in pairs]):.2f} cpu); x{theirs / mine:.2f}"

    label = f"{args.feeds} feeds x {args.items} @ {args.latency * 1000:g} ms"
    rows.append(
        (
            f"refresh {label}, first (Library.refresh)",
            "<= 3.5 s",
            f"{wall(firsts):.2f} s, cpu {cpu(firsts):.2f} s (floor {floor:.2f} s)",
            "",
        )
    )
    rows.append(
        (
            "  same, second (all 304), in the same process",
            "<= 3.3 s",
            f"{wall(seconds):.2f} s, cpu {cpu(seconds):.2f} s",
            "",
        )
    )
    rows.append(
        (
            "  same, second (all 304), in a new process (imports count)",
            "<= 3.3 s",
            f"{wall(colds):.2f} s, cpu {cpu(colds):.2f} s",
            "",
        )
    )
    for name, pairs in (
        ("raw sockets, 16 keep-alive connections (the farm's floor)", raw),
        ("a bare httpx.AsyncClient, 16 at a time", bare),
    ):
        rows.append((
            f"  yardstick, all 304: {name}", "",
            f"{median([w for w, _c in pairs]):.2f} s, cpu {median([c for _w, c in pairs]):.2f} s",
            "",
        ))
    first_cli = median([w for w, _c in cli_first]) if cli_first else wall(firsts)
    second_cli = median([w for w, _c in cli_second]) if cli_second else wall(colds)
    rows.append(
        (
            "  CLI `tuireader refresh --no-articles`, first",
            "",
            f"{first_cli:.2f} s, cpu {median([c for _w, c in cli_first]):.2f} s",
            nb(nb_first, first_cli) + " [16 threads]",
        )
    )
    rows.append(
        (
            "  CLI, second (all 304)",
            "",
            f"{second_cli:.2f} s, cpu {median([c for _w, c in cli_second]):.2f} s",
            nb(nb_second, second_cli) + " [16 threads]",
        )
    )
    if nb_default:
        rows.append(
            ("  newsboat default (1 reload thread), first", "", "", nb(nb_default, first_cli))
        )
    return rows


def run_child_setup(data_dir: Path, urls_file: Path) -> None:
    subprocess.run(
        [sys.executable, __file__, "--child", "setup", str(data_dir), str(urls_file)],
        check=True,
        capture_output=True,
        cwd=REPO,
    )


def fetch_pages(farm: FeedFarm, items: int) -> list[tuple[bytes, str]]:
    urls = [f"{farm.base}/page/{f}/{j}.html" for f in range(farm.feeds) for j in range(items)]
    with ThreadPoolExecutor(32) as pool:
        bodies = list(pool.map(lambda u: urlopen(u, timeout=30).read(), urls))
    return list(zip(bodies, urls, strict=True))


def clean_single_core(pages: list[tuple[bytes, str]]) -> float:
    """Seconds to clean every page one after another in this process."""
    from tuireader.workers import clean_page_job

    clean_page_job(*pages[0])  # imports and warm caches are not the point here
    started = time.perf_counter()
    for body, url in pages:
        clean_page_job(body, url)
    return time.perf_counter() - started


def bench_pages(args: argparse.Namespace, work: Path) -> list[tuple[str, str, str, str]]:
    feeds = args.pages // 20
    with FeedFarm(
        feeds, 20, args.page_latency, pages=True, pages_from=args.pages_from
    ) as farm:
        urls_file = work / "page-urls.txt"
        urls_file.write_text("\n".join(farm.feed_urls()))
        pages = fetch_pages(farm, 20)
        size = sum(len(b) for b, _u in pages) / len(pages)
        single = clean_single_core(pages)
        single_rate = len(pages) / single
        print(
            f"  single core: {len(pages)} pages ({size / 1024:.1f} KB avg) cleaned in"
            f" {single:.2f} s = {single_rate:.1f} pages/s",
            flush=True,
        )
        results = []
        for run in range(args.runs):
            [result] = run_child("pages", work / f"pages-{run}", urls_file)
            assert result["pages_cleaned"] == len(pages), result
            results.append(result)
            rate = len(pages) / float(result["wall"])
            print(
                f"  run {run}: {result['wall']:.2f} s = {rate:.1f} pages/s"
                f" (x{rate / single_rate:.2f}); cpu {result['cpu_self']:.2f} main"
                f" + {result['cpu_workers']:.2f} workers",
                flush=True,
            )
        [pinned] = run_child("pages-one-core", work / "pages-one-core", urls_file)
        assert pinned["pages_cleaned"] == len(pages), pinned
        one_core_rate = len(pages) / float(pinned["wall"])
        print(f"  same refresh held to one core: {pinned['wall']:.2f} s ="
              f" {one_core_rate:.1f} pages/s", flush=True)
    wall = median([float(r["wall"]) for r in results])
    rate = len(pages) / wall
    main_cpu = median([float(r["cpu_self"]) for r in results])
    return [
        (
            f"refresh with {len(pages)} article pages @ {args.page_latency * 1000:g} ms",
            ">= 1.7x one core",
            f"{wall:.2f} s = {rate:.0f} pages/s = x{rate / one_core_rate:.2f} of the same"
            f" refresh on one core ({one_core_rate:.0f}/s), x{rate / single_rate:.2f} of"
            f" cleaning alone on one core ({single_rate:.0f}/s); main-process cpu"
            f" {main_cpu:.2f} s",
            "(newsboat fetches no pages)",
        )
    ]


def bench_refused_pages(
    args: argparse.Namespace, work: Path
) -> list[tuple[str, str, str, str]]:
    """The pages refresh against a site that refuses every page (a 404 each, as a paywall
    answers 403): each article is then indexed by its feed's text."""
    feeds = args.pages // 20
    with FeedFarm(feeds, 20, args.page_latency, pages=False) as farm:
        urls_file = work / "refused-urls.txt"
        urls_file.write_text("\n".join(farm.feed_urls()))
        results = []
        for run in range(args.runs):
            [result] = run_child("pages", work / f"refused-{run}", urls_file)
            assert result["pages_failed"] == feeds * 20, result
            results.append(result)
            print(f"  refused run {run}: {result['wall']:.2f} s; cpu {result['cpu_self']:.2f}"
                  f" main + {result['cpu_workers']:.2f} workers", flush=True)
    wall = median([float(r["wall"]) for r in results])
    main_cpu = median([float(r["cpu_self"]) for r in results])
    return [(
        f"refresh whose {feeds * 20} article pages are all refused (404) @"
        f" {args.page_latency * 1000:g} ms",
        "",
        f"{wall:.2f} s, main-process cpu {main_cpu:.2f} s",
        "(newsboat fetches no pages)",
    )]


def print_table(rows: list[tuple[str, str, str, str]]) -> None:
    print()
    print("| figure | target | measured | newsboat |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["feeds", "pages", "refused"])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--page-latency", type=float, default=0.02)
    parser.add_argument("--pages-from", default="", metavar="DIR",
                        help="serve real pages (*.html.gz), e.g. ../shared/bench/extraction/html")
    parser.add_argument("--no-newsboat", action="store_true")
    parser.add_argument(
        "--newsboat-default",
        action="store_true",
        help="also time newsboat with its default single reload thread (~1 min)",
    )
    parser.add_argument(
        "--profile", metavar="DIR",
        help="write cProfile files of each run's event loop and writer thread to DIR"
        " (read them with `python -m pstats`); profiled runs are slower",
    )
    parser.add_argument("--child", nargs=3, metavar=("MODE", "DIR", "URLS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        os.environ[PROFILE_ENV] = str(Path(args.profile).resolve())
    if args.child:
        mode, data_dir, urls = args.child
        if mode == "setup":
            from tuireader.library import Library

            library = Library.open(Path(data_dir))
            with library.db.transaction() as conn:
                from tuireader.storage import feeds as feed_store

                for url in Path(urls).read_text().split():
                    feed_store.add_feed(conn, url, "", "", True)
            library.close()
            return
        print(json.dumps(child(mode, Path(data_dir), Path(urls))))
        return
    print(
        f"machine: {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M %Z')},"
        f" python {sys.version.split()[0]}"
    )
    rows = []
    with tempfile.TemporaryDirectory(prefix="tuireader-bench-refresh-") as tmp:
        work = Path(tmp)
        if args.only in (None, "feeds"):
            print(f"feeds: {args.feeds} x {args.items} @ {args.latency * 1000:g} ms", flush=True)
            rows += bench_feeds(args, work)
        if args.only in (None, "pages"):
            print(f"pages: {args.pages} @ {args.page_latency * 1000:g} ms", flush=True)
            rows += bench_pages(args, work)
        if args.only in (None, "refused"):
            print(f"refused pages: {args.pages} @ {args.page_latency * 1000:g} ms", flush=True)
            rows += bench_refused_pages(args, work)
    print_table(rows)


if __name__ == "__main__":
    main()
