"""The SPEC command line, driven in a subprocess as outside checks drive it."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from feedkit import STORY, page, rss
from pytest_httpserver import HTTPServer

ARTICLE_KEYS = {"id", "feed", "title", "url", "published", "read", "saved"}


def run(data_dir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "TUIREADER_HOME"}
    result = subprocess.run(
        [sys.executable, "-m", "tuireader", "--data-dir", str(data_dir), *args],
        capture_output=True, text=True, env=env, timeout=120,
    )
    assert "Traceback" not in result.stderr, result.stderr
    if check:
        assert result.returncode == 0, result.stderr
    return result


@pytest.fixture
def served(httpserver: HTTPServer) -> HTTPServer:
    items = [
        {"title": "Harbour bridge shut after cracks found", "link": httpserver.url_for("/b.html"),
         "guid": "b", "summary": "Bridge closed."},
        {"title": "Council approves new tram line", "link": httpserver.url_for("/t.html"),
         "guid": "t", "summary": "Trams are coming."},
    ]
    httpserver.expect_request("/feed").respond_with_data(
        rss("Harbour News", items), content_type="application/rss+xml"
    )
    httpserver.expect_request("/b.html").respond_with_data(
        page("Harbour bridge shut", STORY), content_type="text/html"
    )
    httpserver.expect_request("/t.html").respond_with_data(
        page("Tram line", ["The council voted 9 to 4 for a tram line along the river road,"
                           " to open in 2029 with twelve stops."] * 3),
        content_type="text/html",
    )
    return httpserver


def test_spec_commands_and_json_shapes(tmp_path: Path, served: HTTPServer) -> None:
    data = tmp_path / "d"
    feed_url = served.url_for("/feed")
    run(data, "add", feed_url, "--title", "Harbour")
    run(data, "add", feed_url)  # a duplicate is a no-op
    run(data, "refresh")
    listed = json.loads(run(data, "list", "--json").stdout)
    assert len(listed) == 2
    assert all(set(item) >= ARTICLE_KEYS for item in listed)
    assert all(item["feed"] == "Harbour" and item["read"] is False for item in listed)
    bridge = next(item for item in listed if "bridge" in item["title"])

    plain = run(data, "read", str(bridge["id"]), "--plain").stdout
    assert plain.startswith(STORY[0])
    assert "\n\n" + STORY[1] in plain
    assert "rights reserved" not in plain
    rich_out = run(data, "read", str(bridge["id"])).stdout
    assert "Harbour bridge shut" in rich_out and "ultrasound" in rich_out

    hits = json.loads(run(data, "search", "ultrasound", "--json").stdout)
    assert [hit["id"] for hit in hits] == [bridge["id"]]
    assert set(hits[0]) >= ARTICLE_KEYS | {"snippet"}
    assert "ultrasound" in hits[0]["snippet"]

    related = json.loads(run(data, "related", str(bridge["id"]), "--json").stdout)
    assert bridge["id"] not in [item["id"] for item in related]
    assert all(set(item) >= ARTICLE_KEYS | {"score"} for item in related)

    run(data, "save", str(bridge["id"]))
    saved = json.loads(run(data, "list", "--saved", "--json").stdout)
    assert [item["id"] for item in saved] == [bridge["id"]] and saved[0]["saved"] is True
    unread = json.loads(run(data, "list", "--unread", "--feed", feed_url, "--json").stdout)
    assert len(unread) == 2

    exported = run(data, "export").stdout
    assert f'xmlUrl="{feed_url}"' in exported
    opml = tmp_path / "subs.opml"
    run(data, "export", str(opml))
    other = tmp_path / "other"
    run(other, "import", str(opml))
    assert f'xmlUrl="{feed_url}"' in run(other, "export").stdout

    run(data, "remove", feed_url)
    left = json.loads(run(data, "list", "--json").stdout)
    assert [item["id"] for item in left] == [bridge["id"]]  # the saved one stays
    run(data, "unsave", str(bridge["id"]))


def test_save_url_reads_back_offline(tmp_path: Path) -> None:
    data = tmp_path / "d"
    server = HTTPServer(host="127.0.0.1")  # its own server, so stopping it is safe
    server.expect_request("/b.html").respond_with_data(
        page("Harbour bridge shut", STORY), content_type="text/html"
    )
    server.start()
    url = server.url_for("/b.html")
    try:
        article_id = run(data, "save", url).stdout.strip()
    finally:
        server.stop()
    plain = run(data, "read", article_id, "--plain").stdout
    assert STORY[2] in plain
    saved = json.loads(run(data, "list", "--saved", "--json").stdout)
    assert saved[0]["url"] == url


@pytest.mark.parametrize("pages", [True, False])
def test_save_url_of_a_cached_article_saves_that_article(
    tmp_path: Path, served: HTTPServer, pages: bool
) -> None:
    """One copy, saved; with its page, fetched now if the refresh took only the feed."""
    data = tmp_path / "d"
    run(data, "add", served.url_for("/feed"))
    run(data, "refresh", *([] if pages else ["--no-articles"]))
    listed = json.loads(run(data, "list", "--json").stdout)
    bridge = next(item for item in listed if "bridge" in item["title"])
    assert run(data, "save", bridge["url"]).stdout.strip() == str(bridge["id"])
    again = json.loads(run(data, "list", "--json").stdout)
    assert len(again) == len(listed) == 2  # no second copy
    assert [item["id"] for item in again if item["saved"]] == [bridge["id"]]
    hits = json.loads(run(data, "search", "ultrasound", "--json").stdout)
    assert [hit["id"] for hit in hits] == [bridge["id"]]
    assert run(data, "read", str(bridge["id"]), "--plain").stdout.startswith(STORY[0])


@pytest.mark.parametrize(
    "args",
    [
        ("add", "ftp://example.test/feed"),
        ("add", "not a url"),
        ("read", "999"),
        ("read", "abc"),
        ("related", "42"),
        ("remove", "http://never.test/feed"),
        ("import", "/nonexistent/file.opml"),
        ("save", "javascript:alert(1)"),
        ("unsave", "7"),
        ("search", '"'),
        ("list", "--feed", "http://never.test/feed"),
        ("--demo", "list"),
    ],
)
def test_user_errors_exit_2_with_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = run(tmp_path / "d", *args, check=False)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert result.stderr.startswith("tuireader")


def test_opml_keeps_nested_folders_as_a_path(tmp_path: Path) -> None:
    opml = tmp_path / "in.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline text="Tech"><outline text="Linux">'
        '<outline text="LWN" xmlUrl="https://lwn.test/rss"/></outline>'
        '<outline text="Top" xmlUrl="https://top.test/rss"/></outline>'
        '<outline text="Loose" xmlUrl="https://loose.test/rss"/></body></opml>',
        encoding="utf-8",
    )
    data = tmp_path / "d"
    assert run(data, "import", str(opml)).stdout.strip() == "3 feeds added, 0 already subscribed"
    exported = tmp_path / "out.opml"
    run(data, "export", str(exported))
    again = tmp_path / "again"
    run(again, "import", str(exported))
    for profile in (data, again):  # and the path comes back as it went out
        text = run(profile, "export").stdout
        assert '<outline text="Tech/Linux" title="Tech/Linux">' in text
        assert '<outline text="Tech" title="Tech">' in text
        linux = text.split('"Tech/Linux"')[2].split("</outline>")[0]
        assert "https://lwn.test/rss" in linux and "https://top.test/rss" not in linux


def test_demo_takes_no_command(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "TUIREADER_HOME"}
    result = subprocess.run(
        [sys.executable, "-m", "tuireader", "--demo", "list"],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "tuireader: --demo opens the app on a throw-away demo profile: it takes no command"
        " (see --help)"
    ]


def test_a_data_dir_that_is_a_file_is_a_user_error(tmp_path: Path) -> None:
    taken = tmp_path / "a-file"
    taken.write_text("not a folder")
    result = run(taken, "list", check=False)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"tuireader: cannot use {taken}: File exists"]


def test_search_accepts_any_typed_text(tmp_path: Path, served: HTTPServer) -> None:
    data = tmp_path / "d"
    run(data, "add", served.url_for("/feed"))
    run(data, "refresh", "--no-articles")
    for query in ["-", "AND", "bridge AND", "tram*", '"tram line"', "NOT", "a:b", "(x"]:
        result = run(data, "search", query, "--json", check=False)
        assert result.returncode in (0, 2)
        if result.returncode == 0:
            json.loads(result.stdout)
    assert json.loads(run(data, "search", '"tram line"', "--json").stdout)
    assert json.loads(run(data, "search", "tra*", "--json").stdout)


def test_refresh_reports_failures_without_failing(tmp_path: Path) -> None:
    data = tmp_path / "d"
    run(data, "add", "http://127.0.0.1:9/feed.xml")
    result = run(data, "refresh")
    assert "http://127.0.0.1:9/feed.xml" in result.stderr
    assert "connection refused" in result.stderr


def test_version_and_help(tmp_path: Path) -> None:
    assert "tuireader 0.1.0" in run(tmp_path, "--version").stdout
    for command in ["add", "remove", "import", "export", "refresh", "list", "read",
                    "search", "related", "save", "unsave"]:
        assert "usage:" in run(tmp_path, command, "--help").stdout


def test_environment_variable_sets_the_data_dir(tmp_path: Path) -> None:
    env = {**os.environ, "TUIREADER_HOME": str(tmp_path / "home")}
    subprocess.run(
        [sys.executable, "-m", "tuireader", "add", "http://example.test/feed"],
        env=env, check=True, capture_output=True,
    )
    assert (tmp_path / "home" / "tuireader.db").exists()
    assert (tmp_path / "home" / "config.toml").exists()
