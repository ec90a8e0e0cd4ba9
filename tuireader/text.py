"""Make untrusted text safe to store and show.

Every string that came from the network (feed titles, page text, URLs) passes
through `clean_text` before it is stored, so no terminal control sequence
(ESC, CSI, OSC 52/8, BEL, C1) and no bidi override can reach a screen, a pipe
or an exported file. Markup safety is the renderer's job: we never interpret
stored text as markup.
"""

import re
import unicodedata

# C0 controls except tab/newline, DEL, C1 controls, and the bidi embedding,
# override and isolate characters that can reorder what a reader sees; also
# lone surrogates (a JSON feed can carry "\\ud800", which SQLite, UTF-8 output
# and XML all refuse) and the noncharacters U+FFFE/U+FFFF that XML forbids.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\u061c"
    "\ufff9-\ufffb\ufeff\ud800-\udfff\ufffe\uffff]"
)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u3000]+")


def clean_text(value: str | None) -> str:
    """Remove control and bidi-override characters; keep newlines and tabs."""
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _UNSAFE.sub("", value)


def clean_line(value: str | None, limit: int = 1000) -> str:
    """A single-line field (title, author, feed name): one line, bounded length."""
    text = clean_text(value)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text.replace("\n", " ").replace("\t", " ")).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def is_web_url(url: str | None) -> bool:
    """Only http(s) links are ever fetched, opened or made clickable."""
    if not url:
        return False
    lowered = url.strip().lower()
    return lowered.startswith(("http://", "https://")) and not _UNSAFE.search(url)
