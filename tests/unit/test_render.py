"""Cleaned HTML becomes readable Rich renderables; page text is never markup."""

from __future__ import annotations

import io
import subprocess
import sys

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from tuireader.models import Article
from tuireader.render import render_article, render_article_body


def plain(renderable: RenderableType) -> str:
    console = Console(width=80, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return "\n".join(line.rstrip() for line in console.export_text().splitlines())


def body(markup: str) -> str:
    return plain(Group(*render_article_body(markup)))


def article(**changes: object) -> Article:
    fields: dict[str, object] = {
        "id": 1, "feed_id": 1, "feed_title": "Example Feed", "feed_url": "https://example.com/feed",
        "guid": "g1", "title": "A headline", "url": "https://example.com/a", "author": "Ana Ruiz",
        "published": "2019-11-19T15:00:00+00:00", "summary": "",
        "content_html": "<p>Body text.</p>", "content_text": "Body text.", "word_count": 920,
        "read": False, "saved": False,
    }  # fmt: skip
    fields.update(changes)
    return Article(**fields)  # type: ignore[arg-type]


def test_headings_and_paragraphs_with_blank_lines_between() -> None:
    assert body("<h2>Section</h2><p>First <b>bold</b> words.</p><p>Second.</p>") == (
        "Section\n\nFirst bold words.\n\nSecond."
    )


def test_line_breaks_and_double_breaks() -> None:
    assert body("<div><br>one<br>two<br><br><br>three<br></div>") == "one\ntwo\n\nthree"


def test_bullet_and_numbered_lists() -> None:
    text = body(
        "<ul><li>apples</li><li>pears</li></ul><ol start='3'><li>three</li><li>four</li></ol>"
    )
    assert text == "• apples\n• pears\n\n3. three\n4. four"


def test_nested_list_is_indented_without_an_extra_bullet() -> None:
    text = body("<ul><li>outer</li><li><ul><li>inner</li></ul></li></ul>")
    assert text.splitlines() == ["• outer", "  • inner"]


def test_block_quote_is_indented() -> None:
    assert body("<p>He said:</p><blockquote><p>We will rebuild.</p></blockquote>") == (
        "He said:\n\n    We will rebuild."
    )


def test_preformatted_code_keeps_its_lines_and_spaces() -> None:
    assert body("<pre>def f():\n    return [1]</pre>") == "  def f():\n      return [1]"


def test_table_is_a_rich_table_with_header() -> None:
    blocks = render_article_body(
        "<table><tr><th>Name</th><th>Qty</th></tr><tr><td>Fig</td><td>3</td></tr></table>"
    )
    assert isinstance(blocks[0], Table)
    lines = plain(blocks[0]).splitlines()
    assert "Name" in lines[1] and "Qty" in lines[1]
    assert "Fig" in lines[3] and "3" in lines[3]


def test_figure_image_and_caption() -> None:
    blocks = render_article_body(
        "<figure><img src='https://x.example/cat.png' alt='A cat'>"
        "<figcaption>The cat, asleep.</figcaption></figure>"
    )
    assert plain(Group(*blocks)) == "[image: A cat]\n\nThe cat, asleep."
    caption = blocks[-1]
    assert isinstance(caption, Text)
    assert caption.spans and caption.spans[0].style.italic


def test_links_show_their_url_and_only_web_links_are_clickable() -> None:
    blocks = render_article_body(
        "<p>See <a href='https://example.com/report'>the report</a> and "
        "<a href='javascript:alert(1)'>this</a> and <a href='https://example.com/'>https://example.com/</a>.</p>"
    )
    assert plain(Group(*blocks)) == (
        "See the report (https://example.com/report) and this and https://example.com/."
    )
    text = blocks[0]
    assert isinstance(text, Text)
    links = {span.style.link for span in text.spans if not isinstance(span.style, str)}
    assert links == {"https://example.com/report", "https://example.com/"}


def test_page_text_that_looks_like_markup_shows_literally() -> None:
    hostile = "<p>[bold]x[/bold] and [@click=app.quit]x[/] and [/] and x[i] and odd [/ end</p>"
    assert (
        body(hostile) == "[bold]x[/bold] and [@click=app.quit]x[/] and [/] and x[i] and odd [/ end"
    )
    text = render_article_body(hostile)[0]
    assert isinstance(text, Text)
    assert not any("app.quit" in str(span.style) for span in text.spans)


def test_control_characters_never_reach_the_terminal() -> None:
    assert (
        body("<p>red\x1b[31m bell\x07 osc\x1b]8;;http://x\x07</p>")
        == "red[31m bell osc]8;;http://x"
    )


def test_empty_or_broken_markup_gives_nothing() -> None:
    assert render_article_body("") == []
    assert body("<div><p></p></div>") == ""


def test_deep_nesting_is_flattened_not_recursed() -> None:
    # Deeper than the renderer recurses, shallower than the parser keeps (256).
    assert body("<div>" * 200 + "deep <b>text</b>" + "</div>" * 200) == "deep text"


def test_article_header_has_title_source_byline_date_and_reading_time() -> None:
    lines = plain(render_article(article())).splitlines()
    assert lines[0] == "A headline"
    assert lines[1] == "Example Feed · Ana Ruiz · 19 Nov 2019 15:00 UTC · 4 min read"
    assert lines[2] == "https://example.com/a"
    assert lines[-1] == "Body text."


def test_article_falls_back_to_text_and_hides_markup_in_the_title() -> None:
    output = plain(
        render_article(
            article(
                title="[red]T[/red]", content_html="", content_text="One.\n\nTwo.", word_count=0
            )
        )
    )
    lines = output.splitlines()
    assert lines[0] == "[red]T[/red]"
    assert "min read" not in output
    assert lines[-3:] == ["One.", "", "Two."]


def test_render_does_not_import_textual() -> None:
    code = "import sys, tuireader.render; sys.exit('textual' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
