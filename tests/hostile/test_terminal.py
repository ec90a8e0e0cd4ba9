"""No byte from the network reaches a terminal as a control sequence, nor as markup.

The real CLI in subprocesses (`python -m tuireader --data-dir ...`) over a
profile filled from the hostile farm: piped output must carry no control
character at all; output on a pseudo-terminal may carry only the styling
sequences Rich itself writes (SGR, and OSC 8 links to http(s) pages).
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from farm import MARKUP_PIECES, Farm
from hostile_helpers import CONFIG_TOML, assert_safe, cli, cli_env
from ptykit import read_until

FEEDS = ["hostile-text", "json-hostile", "pages", "ok", "evil-reason", "status-404",
         "not-http", "malformed", "lying-charset"]


@pytest.fixture(scope="module")
def profile(farm: Farm, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("terminal") / "profile"
    root.mkdir()
    (root / "config.toml").write_text(CONFIG_TOML, encoding="utf-8")
    for case in FEEDS:
        cli(root, "add", farm.url(f"/feed/{case}"))
    refresh = cli(root, "refresh", "--jobs", "8")
    (root / "refresh.stderr").write_bytes(refresh.stderr)
    yield root


def listed(profile: Path) -> list[dict[str, object]]:
    return json.loads(cli(profile, "list", "--json").stdout)


def hostile_ids(profile: Path) -> list[int]:
    return [int(item["id"]) for item in listed(profile)
            if "Evil" in str(item["title"]) or "[" in str(item["title"])]


def test_refresh_failure_lines_are_clean(profile: Path) -> None:
    stderr = (profile / "refresh.stderr").read_bytes()
    assert_safe(stderr, "refresh stderr")
    lines = stderr.decode().splitlines()
    assert any("evil-reason" in line and "HTTP 500" in line for line in lines), lines
    assert any("status-404" in line for line in lines)
    assert all(line.startswith("failed: ") for line in lines), lines


def test_list_is_clean_and_literal(profile: Path) -> None:
    out = cli(profile, "list").stdout
    assert_safe(out, "list")
    text = out.decode()
    for piece in MARKUP_PIECES:
        assert piece in text, piece


def test_list_json_has_no_escapes_at_all(profile: Path) -> None:
    raw = cli(profile, "list", "--json").stdout
    assert_safe(raw, "list --json")
    assert b"\\u00" not in raw and b"\\u001b" not in raw.lower() and b"\\u009" not in raw
    assert b"\\u202" not in raw and b"\\u206" not in raw
    items = json.loads(raw)
    assert items
    for item in items:
        assert_safe(json.dumps(item, ensure_ascii=False), "list item")
        url = str(item["url"])
        assert url == "" or url.startswith(("http://", "https://"))


@pytest.mark.parametrize("plain", [False, True], ids=["rich", "plain"])
def test_read_is_clean_and_literal(profile: Path, plain: bool) -> None:
    ids = hostile_ids(profile)
    assert ids
    bodies = ""
    for article_id in ids:
        args = ["read", str(article_id)] + (["--plain"] if plain else [])
        out = cli(profile, *args).stdout
        assert_safe(out, f"read {article_id}")
        bodies += out.decode()
    assert "[@click=app.quit]x[/]" in bodies
    assert "x[i]" in bodies


def test_search_is_clean_and_literal(profile: Path) -> None:
    out = cli(profile, "search", "Evil").stdout
    assert_safe(out, "search")
    assert b"Evil" in out
    raw = cli(profile, "search", "Evil", "--json").stdout
    assert_safe(raw, "search --json")
    assert b"\\u001b" not in raw.lower() and b"\\u009" not in raw.lower()
    hits = json.loads(raw)
    assert hits and all("snippet" in hit for hit in hits)
    markup = cli(profile, "search", "click").stdout
    assert_safe(markup, "search click")


@pytest.mark.parametrize("query", ['"', "[/]", "x[i] OR", "NEAR(", "*", "a\x1b[2J", "-", ":"])
def test_search_with_hostile_queries(profile: Path, query: str) -> None:
    result = cli(profile, "search", query, check=False)
    assert result.returncode in (0, 2), result.stderr
    assert_safe(result.stdout + result.stderr, f"search {query!r}")


def test_related_is_clean(profile: Path) -> None:
    for article_id in hostile_ids(profile):
        for extra in ([], ["--json"]):
            out = cli(profile, "related", str(article_id), *extra).stdout
            assert_safe(out, "related")


def test_export_is_clean_xml(profile: Path, tmp_path: Path) -> None:
    from lxml import etree

    out = cli(profile, "export").stdout
    assert_safe(out, "export")
    root = etree.fromstring(out)
    assert len(root.findall(".//outline")) == len(FEEDS)
    target = tmp_path / "subs.opml"
    cli(profile, "export", str(target))
    assert_safe(target.read_bytes(), "export file")
    etree.fromstring(target.read_bytes())


def test_hostile_opml_round_trip(tmp_path: Path, secret_file: Path, farm: Farm) -> None:
    """An OPML file with entities, a DTD and control characters imports and exports clean."""
    profile = tmp_path / "p"
    opml = (
        '<?xml version="1.0"?>'
        f'<!DOCTYPE opml [<!ENTITY xxe SYSTEM "file://{secret_file}">'
        f'<!ENTITY remote SYSTEM "{farm.url("/trap/opml")}">]>'
        '<opml version="2.0"><head><title>t</title></head><body>'
        '<outline text="Evil &#x1b;]52;c;QUFB&#x7;folder &xxe; &remote;">'
        '<outline text="T &#x9b;2J &#x202e;gnp [bold]x[/]" xmlUrl="http://feeds.test/a"/>'
        '<outline text="js" xmlUrl="javascript:alert(1)"/>'
        '<outline text="file" xmlUrl="file:///etc/passwd"/>'
        "</outline></body></opml>"
    )
    path = tmp_path / "in.opml"
    path.write_text(opml, encoding="utf-8")
    result = cli(profile, "import", str(path))
    assert b"1 feeds added, 0 already subscribed, 2 left out" in result.stdout
    out = cli(profile, "export").stdout
    assert_safe(out, "export")
    assert b"javascript" not in out and b"file:" not in out
    assert b"[bold]x[/]" in out
    assert farm.asked("/trap") == []


def test_add_with_hostile_title(tmp_path: Path) -> None:
    profile = tmp_path / "p"
    cli(profile, "add", "http://feeds.test/x", "--title", "T \x1b]52;c;QUFB\x07 \x9b2J [b]x[/b]")
    out = cli(profile, "export").stdout
    assert_safe(out, "export")
    assert b"[b]x[/b]" in out
    bad = cli(profile, "add", "javascript:alert(1)", check=False)
    assert bad.returncode == 2 and b"not a web address" in bad.stderr
    bad = cli(profile, "add", "http://x.test/\x1b]52;c;QUFB\x07", check=False)
    assert bad.returncode == 2
    assert_safe(bad.stderr, "add stderr")


# On a terminal: only the sequences Rich writes for styling may appear.
_ALLOWED = re.compile(
    r"\x1b\[[0-9;]*m"  # SGR styling
    r"|\x1b\]8;[^;\x1b\x07]*;(?:https?://[^\x00-\x1f\x7f-\x9f]*)?\x1b\\"  # OSC 8, web links only
    r"|\x1b\[\?25[lh]|\x1b\[2K|\x1b\[1A|\x1b\[\d*[GK]|\r"  # progress bar: cursor and erase
)
# The injected clear-screen and blink + colour, were they to slip through whole.
_FORBIDDEN_SGR = ("\x1b[5;38;5;196m", "\x1b[2J")


def run_on_pty(data_dir: Path, *args: str, timeout: float = 60) -> bytes:
    """Run the CLI with stdout and stderr on a pseudo-terminal; everything it wrote."""
    primary, secondary = pty.openpty()
    env = cli_env() | {"TERM": "xterm-256color", "COLUMNS": "160", "LINES": "48"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--data-dir", str(data_dir), *args],
        stdin=subprocess.DEVNULL, stdout=secondary, stderr=secondary, env=env,
    )
    os.close(secondary)
    started = time.monotonic()
    try:
        out = read_until(primary, lambda _out: False, timeout)  # to the end of its output
    finally:
        os.close(primary)
    if time.monotonic() - started >= timeout:  # cut off, not ended: a partial output
        proc.kill()
        raise AssertionError(f"{args}: output not ended in {timeout} s")
    proc.wait(timeout=timeout)
    assert b"Traceback" not in out, out.decode("utf-8", "replace")
    return out


def assert_tty_safe(out: bytes, where: str) -> None:
    text = out.decode("utf-8")
    for forbidden in _FORBIDDEN_SGR:
        assert forbidden not in text, f"{where}: injected SGR came through"
    rest = _ALLOWED.sub("", text)
    assert "evil.test" not in "".join(m.group() for m in re.finditer(r"\x1b\]8;[^\x1b]*", text))
    assert_safe(rest.replace("\r", ""), where)


def test_terminal_output_has_only_our_own_styling(profile: Path) -> None:
    out = run_on_pty(profile, "list")
    assert_tty_safe(out, "list on a tty")
    assert b"x[i]" in out
    for article_id in hostile_ids(profile):
        assert_tty_safe(run_on_pty(profile, "read", str(article_id)), "read on a tty")
    assert_tty_safe(run_on_pty(profile, "search", "Evil"), "search on a tty")


def test_refresh_on_a_terminal_shows_clean_failures(profile: Path) -> None:
    out = run_on_pty(profile, "refresh", "--no-articles")
    assert_tty_safe(out, "refresh on a tty")
    assert b"failed:" in out
