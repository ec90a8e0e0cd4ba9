"""The command line of SPEC.md: parse arguments, call the library, print.

A thin front door: no SQL, no HTTP, no parsing here. Errors a person can fix
print one line on stderr and exit 2; nothing prints a traceback.
"""

import argparse
import asyncio
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from tuireader import __version__, collector
from tuireader.errors import TuireaderError, UserError
from tuireader.library import Library
from tuireader.models import ArticleRow, View
from tuireader.text import clean_line

EXIT_USER_ERROR = 2
EXIT_FAILURE = 1


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line, as SPEC asks."""

    def error(self, message: str) -> NoReturn:
        print(f"{self.prog}: {clean_line(message, 500)} (see --help)", file=sys.stderr)
        raise SystemExit(EXIT_USER_ERROR)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="tuireader",
        description="A terminal newsreader that reads the whole article, cleanly, offline.",
    )
    parser.add_argument("--version", action="version", version=f"tuireader {__version__}")
    parser.add_argument("--data-dir", metavar="DIR", help="keep everything under DIR")
    parser.add_argument(
        "--demo", action="store_true",
        help="open the app on the built-in demo feeds (no internet needed)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    add = sub.add_parser("add", help="subscribe to a feed (no fetch needed)")
    add.add_argument("url")
    add.add_argument("--title", default="")
    add.add_argument("--folder", default="")

    remove = sub.add_parser("remove", help="unsubscribe; its articles go, saved ones stay")
    remove.add_argument("url")

    opml_in = sub.add_parser("import", help="subscribe to the feeds of an OPML file")
    opml_in.add_argument("file")
    opml_out = sub.add_parser("export", help="write subscriptions as OPML 2.0")
    opml_out.add_argument("file", nargs="?", help="default: standard output")

    refresh = sub.add_parser("refresh", help="fetch every feed, then clean new articles")
    refresh.add_argument("--jobs", type=_positive, default=None, help="downloads at once")
    refresh.add_argument(
        "--no-articles", action="store_true", help="fetch feeds only, not article pages"
    )

    listing = sub.add_parser("list", help="articles, newest first")
    listing.add_argument("--feed", metavar="URL")
    listing.add_argument("--unread", action="store_true")
    listing.add_argument("--saved", action="store_true")
    listing.add_argument("--limit", type=_positive, default=None)
    listing.add_argument("--json", action="store_true")

    read = sub.add_parser("read", help="print a cleaned article")
    read.add_argument("id", type=_article_id)
    read.add_argument("--plain", action="store_true", help="the body alone, as plain text")

    search = sub.add_parser("search", help="full-text search over cached articles")
    search.add_argument("query")
    search.add_argument("--limit", type=_positive, default=20)
    search.add_argument("--json", action="store_true")

    related = sub.add_parser("related", help="related stories for one article")
    related.add_argument("id", type=_article_id)
    related.add_argument("--limit", type=_positive, default=10)
    related.add_argument("--json", action="store_true")

    save = sub.add_parser("save", help="keep an article offline for good (ID or URL)")
    save.add_argument("target", metavar="ID_OR_URL")
    unsave = sub.add_parser("unsave", help="stop keeping an article for good")
    unsave.add_argument("id", type=_article_id)
    return parser


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return number


def _article_id(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an article id: {value!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.demo and args.command:  # (--data-dir is taken, as by every command, and unused)
        parser.error("--demo opens the app on a throw-away demo profile: it takes no command")
    collector_was = collector.collect_less_often()  # for this command
    try:
        if args.demo:
            from tuireader.ui.launch import run_demo

            return run_demo()
        if args.command is None:
            from tuireader.ui.launch import run_app

            return run_app(args.data_dir)
        with Library.open(args.data_dir) as library:
            return COMMANDS[args.command](library, args)
    except UserError as error:
        _error(str(error))
        return EXIT_USER_ERROR
    except TuireaderError as error:
        _error(str(error))
        return EXIT_FAILURE
    except KeyboardInterrupt:
        _error("interrupted")
        return 130
    except BrokenPipeError:
        sys.stderr.close()
        return 0
    finally:
        collector.restore(collector_was)


def _error(message: str) -> None:
    print(f"tuireader: {clean_line(message, 2000)}", file=sys.stderr)


def _add(library: Library, args: argparse.Namespace) -> int:
    feed, is_new = library.add_feed(args.url, args.title, args.folder)
    if sys.stdout.isatty():
        print(("Subscribed to " if is_new else "Already subscribed to ") + feed.url)
    return 0


def _remove(library: Library, args: argparse.Namespace) -> int:
    library.remove_feed(args.url)
    return 0


def _import(library: Library, args: argparse.Namespace) -> int:
    added, existing, skipped = library.import_opml(args.file)
    line = f"{added} feeds added, {existing} already subscribed"
    if skipped:
        line += f", {skipped} left out (not an http or https address)"
    print(line)
    return 0


def _export(library: Library, args: argparse.Namespace) -> int:
    document = library.export_opml()
    if args.file:
        try:
            Path(args.file).write_text(document, encoding="utf-8")
        except OSError as error:
            raise UserError(f"cannot write {args.file}: {error.strerror or error}") from None
    else:
        sys.stdout.write(document)
    return 0


def _refresh(library: Library, args: argparse.Namespace) -> int:
    from tuireader.cli_output import run_refresh

    return run_refresh(library, jobs=args.jobs, fetch_pages=not args.no_articles)


def _list(library: Library, args: argparse.Namespace) -> int:
    from tuireader.cli_output import article_json, print_article_rows

    feed_id = None
    if args.feed:
        feed = library.feed_by_url(args.feed)
        if feed is None:
            raise UserError(f"not subscribed to {args.feed}")
        feed_id = feed.id
    view = View(feed_id=feed_id, unread=args.unread, saved=args.saved)
    rows: list[ArticleRow] = []
    after = None
    while args.limit is None or len(rows) < args.limit:
        batch = library.page(view, limit=500, after=after)
        rows.extend(batch)
        if len(batch) < 500:
            break
        after = (batch[-1].published or "", batch[-1].id)
    if args.limit is not None:
        rows = rows[: args.limit]
    if args.json:
        print(json.dumps([article_json(row) for row in rows], ensure_ascii=False))
    else:
        print_article_rows(rows)
    return 0


def _read(library: Library, args: argparse.Namespace) -> int:
    from tuireader.cli_output import print_article

    article = library.article(args.id)
    print_article(article, plain=args.plain)
    return 0


def _search(library: Library, args: argparse.Namespace) -> int:
    from tuireader.cli_output import print_search

    hits = library.search(args.query, args.limit)
    print_search(hits, as_json=args.json)
    return 0


def _related(library: Library, args: argparse.Namespace) -> int:
    from tuireader.cli_output import print_related

    hits = library.related(args.id, args.limit)
    print_related(hits, as_json=args.json)
    return 0


def _save(library: Library, args: argparse.Namespace) -> int:
    target = args.target.strip()
    if target.isdigit():
        article = library.set_saved(int(target), True)
    else:
        article = asyncio.run(library.save_url(target))
    if sys.stdout.isatty():
        print(f"Saved {article.id}: {article.title}")
    else:
        print(article.id)
    return 0


def _unsave(library: Library, args: argparse.Namespace) -> int:
    library.set_saved(args.id, False)
    return 0


COMMANDS: dict[str, Callable[[Library, argparse.Namespace], int]] = {
    "add": _add, "remove": _remove, "import": _import, "export": _export,
    "refresh": _refresh, "list": _list, "read": _read, "search": _search,
    "related": _related, "save": _save, "unsave": _unsave,
}
