"""Text rules for what readability keeps around the story.

Run on the extracted article (small, so cheap). Each rule looks at one short
block's words, never at a site's markup: widget labels ("Share this", "Read
more: ..."), comment forms, photo credits, newsletter pitches, repeated
bylines and datelines, and the "Related stories" / "Comments" heading after
which nothing belongs to the story any more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml import html

from tuireader.extract.meta import PageMeta

_BLOCKS = ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd", "section",
           "blockquote", "figcaption", "td", "pre", "ul", "ol", "table", "figure")  # fmt: skip
_LEAF_BLOCKS = frozenset(_BLOCKS) - {"ul", "ol", "table", "figure"}
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_SHORT = 200

# Whole short blocks that are widgets, forms or notices, in any position.
_JUNK = re.compile(
    r"""^(?:
        (?:share|sharing|share\ this(?:\ (?:post|article|story|page))?
           |share\ (?:this\ )?(?:on|via)\ \w+
           |tweet|email|e-mail|print|pin\ it|whatsapp|facebook|twitter|linkedin|reddit)\W*$
      | share\ (?:this\ )?(?:post|article|story)?\s*:
      | like\ this\ (?:story|article)\b
      | (?:please\ enter\ your\ (?:comment|name|email)|you\ have\ entered\ an\ incorrect\ email)
      | (?:leave\ a\ (?:reply|comment)|post\ a\ comment|add\ (?:a\ )?comment|view\ comments
           |show\ comments|comments?|\d+\ comments?|join\ the\ (?:conversation|discussion))\W*$
      | (?:your\ email\ address\ will\ not\ be\ published|save\ my\ name,?\ email
           |notify\ me\ of\ (?:new|follow-up)|required\ fields\ are\ marked)
      | (?:advertisement|advert|advertising|sponsored(?:\ content)?|ad|story\ continues\ below
           |continue\ reading(?:\ below)?|scroll\ to\ continue
           |this\ slideshow\ requires\ javascript)\W*$
      | image\ (?:copyright|caption|source)\b
      | (?:tags?|topics?|filed\ under|categories|category)\s*:
      | (?:sign\ up|subscribe)(?:\ (?:now|today|here))?\W*$
      | (?:get|sign\ up\ for|subscribe\ to)\ (?:our|the)\ [\w\s]{0,30}newsletter
      | (?:follow|find)\ us\ on\b
      | click\ here\b
      | text\ size\W*$
    )""",
    re.I | re.X,
)
# "Read more: <headline>" style promos: a label, then (usually) one link.
_PROMO = re.compile(
    r"""^[\[(]?\s*(?:read\ (?:more|also|next)|also\ read|see\ (?:more|also)
       |related(?:\ (?:articles?|stories|posts?|coverage|content|reading))?
       |more|also|don'?t\ miss|recommended|watch|listen|further\ reading|trending|popular
       |top\ stories|latest|editor'?s?\ picks?)\s*(?::|\||-|–|—|\.\.\.|…|$)""",
    re.I | re.X,
)
# Photo captions and credits: "(AP Photo/Jane Doe)", "Photo: Getty Images".
_CREDIT = re.compile(
    r"""(?:^|\s|\()(?:(?:ap|afp|reuters|epa|getty|file)\ (?:photo|images?)
       |photo(?:graph)?s?\s*(?::|by|/|courtesy)|images?\s*(?::|by|courtesy|credit)
       |pictures?\s*:|credits?\s*:|photo\ credit|getty\ images|shutterstock|©)""",
    re.I | re.X,
)
# End-of-story contributor lines news agencies add.
_CONTRIBUTORS = re.compile(
    r"""^\(?\s*(?:(?:additional\ )?reporting\ by|editing\ by|writing\ by|compiled\ by
       |contributing\s*:|[\w\s.,'’-]{0,120}\bcontributed\ (?:to\ this\ (?:report|story|article)
       |reporting))""",
    re.I | re.X,
)
# After one of these headings nothing belongs to the story.
_TAIL_MARKER = re.compile(
    r"""^(?:related(?:\ (?:articles?|stories|posts?|news|content|coverage|links|videos?|topics))?
       |more\ (?:like\ this|stories|news|articles|from\ .{1,40}|on\ this\ topic|to\ read
               |great\ .{1,30}\ stories)
       |you\ (?:may|might)\ (?:also\ )?(?:like|enjoy|be\ interested\ in)|recommended(?:\ for\ you)?
       |comments?|\d+\ comments?|leave\ a\ (?:reply|comment)|join\ the\ (?:conversation|discussion)
       |about\ the\ authors?|trending(?:\ now)?|most\ (?:read|popular|viewed|shared)
       |popular\ (?:posts|stories|articles)|latest\ (?:news|stories|posts|articles)
       |read\ next|up\ next|what\ to\ read\ next|further\ reading|don'?t\ miss|also\ on\ .{1,30}
       |share\ this\ (?:article|story|post)|tell\ us\ what\ you\ think
       |sponsored\ (?:content|links|stories))\W*$""",
    re.I | re.X,
)
# Bylines and datelines.
_BYLINE = re.compile(
    r"^(?:by|written\ by|posted\ by|words\ by|story\ by|von|por|par)\s+\S", re.I | re.X
)
_DATE_WORDS = re.compile(
    r"""\b(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?
       |oct(?:ober)?|nov(?:ember)?|dec(?:ember)?|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?
       |fri(?:day)?|sat(?:urday)?|sun(?:day)?|today|yesterday|ago|updated|published|posted|last|modified
       |on|at|am|pm|a\.m|p\.m|est|edt|cst|cdt|pst|pdt|gmt|utc|bst|cet|ist|et|pt|hours?|minutes?|mins?
       |read|reading|time|min)\b|\d+""",
    re.I | re.X,
)
_WORD = re.compile(r"\w+")


def tidy_article(article: html.HtmlElement, meta: PageMeta) -> None:
    """Remove non-story blocks from an extracted article, in place."""
    blocks = list(_leaf_blocks(article))
    total = sum(len(text) for _, text in blocks) or 1
    seen = 0
    in_lead = True
    for el, text in blocks:
        if el.getparent() is None and el is not article:
            continue
        position = seen / total
        seen += len(text)
        if position > 0.5 and _is_tail_marker(el, text):
            _drop_from(el, article)
            return
        if in_lead and _is_lead_noise(text, meta):
            el.drop_tree()
            continue
        if len(text) >= 120:
            in_lead = False
        if _is_junk(el, text):
            el.drop_tree()


def _leaf_blocks(root: html.HtmlElement) -> Iterator[tuple[html.HtmlElement, str]]:
    """Blocks with no block inside, in document order, with their tidy text."""
    for el in root.iter(*_LEAF_BLOCKS):
        if el is root or next(el.iterdescendants(*_BLOCKS), None) is not None:
            continue
        text = " ".join(el.text_content().split())
        if text:
            yield el, text


def _is_junk(el: html.HtmlElement, text: str) -> bool:
    if len(text) > _SHORT * 2:
        return False
    if len(text) <= _SHORT and _JUNK.search(text):
        return True
    if _PROMO.search(text) and (len(text) <= _SHORT or _link_share(el, text) > 0.5):
        return True
    if _CONTRIBUTORS.search(text):
        return True
    return el.tag in ("figcaption", "p", "div") and _is_caption(text)


def _is_caption(text: str) -> bool:
    """A block ending in a photo credit is a caption, not prose.

    Long blocks count only when the credit is a closing parenthesis, so a
    paragraph that merely mentions "images by" stays.
    """
    tail = text[-80:]
    if len(text) <= _SHORT:
        return bool(_CREDIT.search(tail))
    closing = tail[tail.rfind("(") :] if text.endswith(")") and "(" in tail else ""
    return bool(closing and _CREDIT.search(closing))


def _is_tail_marker(el: html.HtmlElement, text: str) -> bool:
    return (
        len(text) <= 80
        and (el.tag in _HEADINGS or len(text) <= 40)
        and bool(_TAIL_MARKER.search(text))
    )


def _is_lead_noise(text: str, meta: PageMeta) -> bool:
    """Title, byline or dateline repeated above the story's first paragraph."""
    if len(text) > 160:
        return False
    folded = text.casefold()
    if meta.title and len(text) >= 10 and folded in meta.title.casefold():
        return True
    if _BYLINE.search(text) and len(text) <= 100:
        return True
    if meta.byline and len(text) <= len(meta.byline) + 40 and meta.byline.casefold() in folded:
        return True
    words = _WORD.findall(text)
    rest = _WORD.findall(_DATE_WORDS.sub(" ", text))
    return bool(words) and len(rest) <= 1 and len(words) >= 2


def _link_share(el: html.HtmlElement, text: str) -> float:
    linked = sum(len(" ".join(a.text_content().split())) for a in el.iter("a"))
    return linked / max(len(text), 1)


def _drop_from(el: html.HtmlElement, root: html.HtmlElement) -> None:
    """Remove `el` and everything after it in document order, up to `root`."""
    node = el
    while node is not None and node is not root:
        parent = node.getparent()
        for following in list(node.itersiblings()):
            following.drop_tree()
        if node is el:
            node.drop_tree()
        node = parent
