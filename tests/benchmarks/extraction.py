"""Score `clean_page` on the shared article-extraction benchmark.

Run as `python tests/benchmarks/extraction.py [--worst N]` from anywhere. It
cleans every page of `<repo>/../shared/bench/extraction/html`, times only the
cleaning in CPU seconds of this one process (so other work on the machine
does not skew pages/second), hands the texts to the benchmark's own
scorer and ends with a markdown table row for the README. Pages that raise
`ExtractError` count as empty, as a reader would see them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BENCH = REPO.parent / "shared" / "bench" / "extraction"
sys.path.insert(0, str(REPO))

from tuireader.errors import ExtractError  # noqa: E402
from tuireader.extract import clean_page  # noqa: E402


def load_pages(bench: Path) -> dict[str, tuple[str, str]]:
    """Page id -> (html, url); decoding is not part of what we time."""
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    pages = {}
    for path in sorted((bench / "html").glob("*.html.gz")):
        page_id = path.name.split(".")[0]
        html = gzip.decompress(path.read_bytes()).decode("utf-8")
        pages[page_id] = (html, truth.get(page_id, {}).get("url", ""))
    return pages


def predict(pages: dict[str, tuple[str, str]]) -> tuple[dict[str, str], float, int]:
    """Clean every page; return texts, seconds spent cleaning and failures."""
    texts: dict[str, str] = {}
    failures = 0
    elapsed = 0.0
    for page_id, (html, url) in pages.items():
        start = time.process_time()
        try:
            texts[page_id] = clean_page(html, url).text
        except ExtractError:
            texts[page_id] = ""
            failures += 1
        elapsed += time.process_time() - start
    return texts, elapsed, failures


def score(bench: Path, texts: dict[str, str], worst: int) -> str:
    """Run the benchmark's scorer on our predictions and return its report."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8", delete=False) as fh:
        json.dump(texts, fh, ensure_ascii=False)
    try:
        result = subprocess.run(
            [sys.executable, "score.py", fh.name, "--worst", str(worst)],
            cwd=bench,
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        Path(fh.name).unlink()
    return result.stdout


def metric(report: str, name: str) -> str:
    """The first number on the scorer's line for `name`."""
    for line in report.splitlines():
        parts = line.split()
        if parts and parts[0] == name:
            return parts[1]
    return "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worst", type=int, default=10)
    args = parser.parse_args(argv)
    if not BENCH.is_dir():
        print("skipped: ../shared absent")
        return 0
    pages = load_pages(BENCH)
    texts, elapsed, failures = predict(pages)
    report = score(BENCH, texts, args.worst)
    print(report, end="")
    speed = len(pages) / elapsed if elapsed else 0.0
    print(f"pages/s    {speed:.1f} ({len(pages)} pages, {failures} ExtractError)")
    p, r, f1 = (metric(report, key) for key in ("precision", "recall", "f1"))
    print()
    print("| system | P | R | F1 | pages/s |")
    print("|---|---|---|---|---|")
    print(f"| tuireader clean_page | {p} | {r} | {f1} | {speed:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
