"""How the command line shows things: Rich on a terminal, plain text in a pipe.

Every string here came from a feed, so it is shown as `rich.text.Text`
(never parsed as markup) after `clean_text` has removed control characters.
"""

import json
import sys
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from tuireader.library import Library
from tuireader.models import Article, ArticleRow, RelatedHit, SearchHit
from tuireader.models import Progress as RefreshProgress
from tuireader.storage.search import HIGHLIGHT_END, HIGHLIGHT_START, plain_snippet
from tuireader.text import clean_line, clean_text
from tuireader.timeutil import age


def _console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, markup=False, highlight=False, emoji=False)


def article_json(row: ArticleRow) -> dict[str, Any]:
    """The SPEC's article object."""
    return {
        "id": row.id, "feed": row.feed_title, "title": row.title, "url": row.url,
        "published": row.published, "read": row.read, "saved": row.saved,
    }


def print_article_rows(rows: list[ArticleRow]) -> None:
    if not sys.stdout.isatty():
        for row in rows:
            marks = ("S" if row.saved else "-") + ("-" if row.read else "N")
            print(f"{row.id}\t{marks}\t{row.published or ''}\t{row.feed_title}\t{row.title}")
        return
    table = Table(box=None, pad_edge=False, show_header=True, header_style="bold")
    for name in ("id", "", "age", "feed", "title"):
        table.add_column(name, no_wrap=name != "title", overflow="ellipsis")
    for row in rows:
        marks = ("★" if row.saved else " ") + (" " if row.read else "●")
        table.add_row(
            str(row.id), marks, age(row.published), Text(row.feed_title),
            Text(row.title, style="" if row.read else "bold"),
        )
    _console().print(table)


def print_article(article: Article, plain: bool) -> None:
    if plain:
        sys.stdout.write(clean_text(article.content_text).strip() + "\n")
        return
    from tuireader.render import render_article

    _console().print(render_article(article))


def print_search(hits: list[SearchHit], as_json: bool) -> None:
    if as_json:
        print(json.dumps(
            [{**article_json(hit.article), "snippet": plain_snippet(hit.snippet)} for hit in hits],
            ensure_ascii=False,
        ))
        return
    console = _console()
    for hit in hits:
        line = Text(f"{hit.article.id:>6}  ", style="dim")
        line.append(hit.article.title, style="bold")
        line.append(f"  ({hit.article.feed_title}, {age(hit.article.published)})", style="dim")
        console.print(line)
        console.print(Text("        ").append(highlighted(hit.snippet)))


def highlighted(snippet: str, style: str = "bold reverse") -> Text:
    """A search snippet with its hits styled; the text itself stays literal."""
    text = Text()
    parts = clean_line(snippet, 2000).split(HIGHLIGHT_START)
    text.append(parts[0].replace(HIGHLIGHT_END, ""))
    for part in parts[1:]:
        hit, _sep, rest = part.partition(HIGHLIGHT_END)
        text.append(hit, style=style)
        text.append(rest)
    return text


def print_related(hits: list[RelatedHit], as_json: bool) -> None:
    if as_json:
        print(json.dumps(
            [
                {**article_json(hit.article), "score": round(hit.score, 6),
                 "same_story": hit.same_story}
                for hit in hits
            ],
            ensure_ascii=False,
        ))
        return
    console = _console()
    for hit in hits:
        line = Text(f"{hit.article.id:>6}  {hit.score:5.2f}  ", style="dim")
        if hit.same_story:
            line.append("same story  ", style="bold green")
        line.append(hit.article.title)
        line.append(f"  ({hit.article.feed_title})", style="dim")
        console.print(line)


def run_refresh(library: Library, jobs: int | None, fetch_pages: bool) -> int:
    """Refresh with a Rich progress bar on a terminal, quietly otherwise."""
    errors = _console(stderr=True)
    if sys.stderr.isatty():
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), console=errors, transient=True,
        ) as bar:
            feeds_task = bar.add_task("feeds", total=None)
            pages_task = bar.add_task("pages", total=None, visible=fetch_pages)

            def show(progress: RefreshProgress) -> None:
                bar.update(feeds_task, completed=progress.feeds_done, total=progress.feeds_total)
                bar.update(pages_task, completed=progress.pages_done, total=progress.pages_total)
                if progress.result is not None and progress.result.error:
                    bar.console.print(_failure_line(progress.result.feed_url,
                                                    progress.result.error))

            report = library.refresh_sync(jobs=jobs, fetch_pages=fetch_pages, progress=show)
        errors.print(Text(
            f"{report.new_articles} new articles from {len(report.feeds)} feeds"
            + (f", {report.pages_cleaned} pages cleaned" if fetch_pages else "")
            + (f", {len(report.failures)} feeds failed" if report.failures else "")
        ))
        return 0
    report = library.refresh_sync(jobs=jobs, fetch_pages=fetch_pages)
    for failure in report.failures:
        errors.print(_failure_line(failure.feed_url, failure.error or ""), soft_wrap=True)
    return 0


def _failure_line(url: str, reason: str) -> Text:
    return Text(f"failed: {clean_line(url, 500)}: {clean_line(reason, 500)}")
