"""clean_page keeps the story and drops each kind of boilerplate around it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.extract import clean_fragment, clean_page, html_to_text

DATA = Path(__file__).parents[1] / "data" / "extract"
URL = "https://news.example.com/2024/03/story"

STORY = [
    "The river authority said on Monday that water levels had fallen for the fifth day in a row, "
    "and that the emergency pumps installed in the spring would be switched off by the weekend.",
    "Farmers along the lower valley, many of whom lost a season of crops to the floods, welcomed "
    "the news but said they were still waiting for the compensation promised in April.",
    "Engineers will now inspect the embankments, which were raised by almost a metre during the "
    "emergency, before deciding whether the temporary walls can stay through the winter.",
    "The authority expects to publish its full report on the floods early next year, after a "
    "public consultation in the towns that were worst affected.",
]


def page(*extra_before: str, after: str = "", body_class: str = "") -> str:
    """A plain article page: no helpful class names, so only general rules apply."""
    paragraphs = "".join(f"<p>{text}</p>" for text in STORY)
    return (
        f"<html><head><title>River levels fall</title></head><body class='{body_class}'>"
        f"<div><div>{''.join(extra_before)}{paragraphs}{after}</div></div></body></html>"
    )


def assert_story_only(text: str, *absent: str) -> None:
    for paragraph in STORY:
        assert paragraph in text
    for junk in absent:
        assert junk not in text


def test_content_farm_copy_gives_the_story_paragraphs_alone() -> None:
    html = (DATA / "content_farm.html").read_text(encoding="utf-8")
    result = clean_page(html, "https://news.example.com/2024/03/pier")
    blocks = result.text.split("\n\n")
    assert len(blocks) == 5
    assert blocks[0].startswith("Councillors in the harbour town of Westmouth")
    assert blocks[-1].startswith("Work is expected to start in the autumn")
    for junk in (
        "Share post",
        "Facebook",
        "Photo: Sam Reed",
        "The old pier at low tide",
        "lighthouse keeper",
        "Please enter your comment!",
        "Please enter your name here",
        "incorrect email",
        "More like this",
        "Lighthouse reopens",
        "World",
        "Celebrity chef",
        "All rights reserved",
        "By Jane Porter",
        "do not show",
    ):
        assert junk not in result.text
    assert "\n\n\n" not in result.text


# (boilerplate before the story, after it, strings that must be gone), one per kind.
BOILERPLATE = {
    "share bar by its words": ("<p>Share post:</p>", "<p>Share this article</p>", ("Share",)),
    "hover card inside a paragraph": (
        "",
        "<p>The minister <span class='person-tooltip'>Profile: minister since 2019, "
        "previously mayor of the valley town</span> said the report would be read in full.</p>",
        ("Profile",),
    ),
    "share widget by its name": (
        "<div class='article-share-buttons'><a href='/fb'>Facebook</a> <a href='/x'>X</a></div>",
        "",
        ("Facebook",),
    ),
    "caption and photo credit": (
        "<figure><img src='/flood.jpg' alt='Flooded fields'>"
        "<figcaption>Flooded fields near the river.</figcaption></figure>"
        "<p>Water covers a road in the valley. (AP Photo/Kim Lee)</p>",
        "",
        ("Flooded fields near", "AP Photo"),
    ),
    "read-more promo": (
        "<p>READ MORE: <a href='/other'>Ten things to know about floods</a></p>",
        "",
        ("READ MORE", "Ten things to know"),
    ),
    "related links after their heading": (
        "",
        "<h3>Related stories</h3><ul><li><a href='/a'>Bridge closed after storm damage</a></li>"
        "<li><a href='/b'>Mayor promises flood defences</a></li></ul>",
        ("Related stories", "Bridge closed", "Mayor promises"),
    ),
    "comment form": (
        "",
        "<h3>Leave a Reply</h3><p>Please enter your comment!</p>"
        "<p>Please enter your name here</p><p>You have entered an incorrect email address!</p>",
        ("Please enter", "Leave a Reply", "incorrect email"),
    ),
    "repeated title, byline and dateline": (
        "<h2>River levels fall</h2><p>By Maria Lopez</p>"
        "<p>Updated 10:42 a.m. EDT, Monday, March 4, 2024</p>",
        "",
        ("River levels", "Maria Lopez", "10:42"),
    ),
    "newsletter box and author bio": (
        "",
        "<div class='newsletter-signup'><p>Get the morning briefing in your inbox every day, "
        "free, from our newsroom.</p></div><div class='author-bio'><p>Maria Lopez covers "
        "rivers, weather and farming for the paper and has won two regional awards.</p></div>",
        ("morning briefing", "regional awards"),
    ),
    "agency contributor line": (
        "",
        "<p>Additional reporting by Tom Byrne; editing by Ann Wu.</p>",
        ("Tom Byrne",),
    ),
    "site nav and footer": (
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>",
        "<div class='site-footer'><p>About us. Careers. Advertise with us. Terms.</p></div>",
        ("Careers", "Home"),
    ),
    "in-body advert label": ("", "<p>Advertisement</p><p>Story continues below</p>", ("Adv",)),
}


@pytest.mark.parametrize(("before", "after", "absent"), BOILERPLATE.values(), ids=BOILERPLATE)
def test_boilerplate_kind_is_removed(before: str, after: str, absent: tuple[str, ...]) -> None:
    assert_story_only(clean_page(page(before, after=after), URL).text, *absent)


def test_wrapper_named_like_a_widget_still_gives_its_story() -> None:
    # "sidebar" and "social" would each remove a widget; holding the story protects it.
    result = clean_page(page(body_class="x", after=""), URL)
    wrapped = page().replace("<div><div>", "<div class='with-sidebar social-layout'><div>")
    assert clean_page(wrapped, URL).text == result.text
    assert_story_only(result.text)


def test_quoted_tweet_is_kept() -> None:
    tweet = (
        "<div class='social-media-embed'><blockquote class='twitter-tweet'>"
        "<p>The pumps are off and the valley is drying out at last, thank you all.</p>"
        "— River Authority (@riverauth) <a href='https://twitter.com/x/status/1'>March 4, 2024</a>"
        "</blockquote></div>"
    )
    result = clean_page(page(after=tweet), URL)
    assert "The pumps are off and the valley is drying out" in result.text
    assert_story_only(result.text)


def test_rescue_when_the_page_hides_its_text_until_a_script_runs() -> None:
    hidden = page().replace("<div><div>", "<div style='display:none'><div>")
    assert_story_only(clean_page(hidden, URL).text)


def test_relative_links_resolve_and_other_schemes_go() -> None:
    links = (
        "<p>The authority's <a href='/report.pdf'>interim report</a> and "
        "<a href='javascript:alert(1)'>a script link</a> and <a href='ftp://x/y'>ftp</a> "
        "are online for anyone who wants to read them in full today.</p>"
    )
    result = clean_page(page(after=links), URL)
    assert 'href="https://news.example.com/report.pdf"' in result.html
    assert "javascript" not in result.html
    assert "ftp://" not in result.html
    assert "a script link" in result.text


def test_html_to_text_puts_one_blank_line_between_blocks() -> None:
    text = html_to_text(
        "<div><h2>Title</h2><p>One <b>bold</b>\n word.</p><ul><li>a</li><li>b</li></ul>"
        "<p>line<br>break</p><pre>  x = 1\n  y = 2</pre>"
        "<table><tr><td>c1</td><td>c2</td></tr></table></div>"
    )
    assert text == "Title\n\nOne bold word.\n\na\n\nb\n\nline\nbreak\n\n  x = 1\n  y = 2\n\nc1 | c2"


def test_html_to_text_does_not_glue_blocks() -> None:
    assert html_to_text("<p>guilty</p><p>A jury</p>") == "guilty\n\nA jury"


def test_html_to_text_double_line_break_is_a_paragraph() -> None:
    assert html_to_text("<div>one<br><br> <br>two<br>three<br></div>") == "one\n\ntwo\nthree"


def test_clean_fragment_sanitizes_feed_html() -> None:
    result = clean_fragment(
        "<p onclick='x()'>Feed <b>body</b> <a href='/more'>more</a></p><script>bad()</script>"
        "<iframe src='https://ads.example.com'></iframe>",
        "https://blog.example.com/post/1",
    )
    assert result.text == "Feed body more"
    assert "onclick" not in result.html
    assert "script" not in result.html and "iframe" not in result.html
    assert 'href="https://blog.example.com/more"' in result.html


@pytest.mark.parametrize("markup", ["", "   ", "<!-- -->", "\x00\x01", "<script>x</script>"])
def test_clean_fragment_never_raises(markup: str) -> None:
    result = clean_fragment(markup, "")
    assert result.text == ""


def test_story_sentences_using_widget_words_stay() -> None:
    prose = [
        "Share prices in the water company fell by a tenth after the floods, and investors asked "
        "whether the pumps had been switched on too late to save the lower fields.",
        "More than two hundred people attended the meeting, where satellite images by the space "
        "agency showed how far the water had spread across the valley in a single night.",
        "Comments from the mayor, who called the response slow, were repeated by farmers who said "
        "they had been told to wait for a letter that never came (one of them showed it).",
        "Related costs, including the hire of pumps and the repair of roads, will be shared "
        "between the county and the river authority under an agreement signed last year.",
    ]
    extra = "".join(f"<p>{text}</p>" for text in prose)
    result = clean_page(page(after=extra), URL)
    assert_story_only(result.text)
    for text in prose:
        assert text in result.text
