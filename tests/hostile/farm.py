"""A loopback server of hostile feeds, pages and sockets: one case per URL path.

It speaks HTTP/1.1 by hand over raw sockets, so a case can do what no polite
server would: drip a byte a second, go silent, lie about lengths, close
mid-response, send a compression bomb or a reason phrase full of escapes.
Every request path is logged, so a test can prove a parser never fetched the
external DTD or entity a feed pointed at.

Paths:
  /feed/<case>         a feed case (see FEEDS and the raw cases in `_route`)
  /page/<case>         an article page case (see PAGES)
  /slow/<i>.xml        a feed of the slow farm (pages /slow/<i>/<j>.html)
  /trap/<name>         external DTDs and entities: must never be requested
"""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import socketserver
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

# Text that must never reach a terminal as a control sequence, nor be read as markup.
ESC_CSI = "\x1b[2J\x1b[5;38;5;196m"  # clear screen; blink + colour 196 (Rich never emits it)
OSC52 = "\x1b]52;c;SGFja2VkIGNsaXBib2FyZA==\x07"  # set the clipboard
OSC8 = "\x1b]8;;http://evil.test/\x1b\\click\x1b]8;;\x1b\\"  # a hidden link
C1 = "\x9b2J\x9d0;title\x9c\x90q\x9c"  # C1 CSI, OSC, ST and DCS
BELL = "\x07\x07"
BIDI = "\u202egnp.exe\u202c\u2066x\u2069\u200f"
MARKUP = "[bold]B[/bold] [/] [@click=app.quit]x[/] x[i] [link=http://evil.test]l[/link]"
HOSTILE = f"Evil {ESC_CSI}{OSC52}{OSC8}{C1}{BELL}{BIDI} {MARKUP} end"
MARKUP_PIECES = ["[bold]B[/bold]", "[/]", "[@click=app.quit]x[/]", "x[i]"]
SECRET = "TOPSECRET-7d1e"  # written into a local file that feeds try to include


def rss(title: str, items: list[dict[str, str]], *, head: str = "",
        decl: str = '<?xml version="1.0" encoding="utf-8"?>') -> str:
    body = "".join(
        "<item>"
        + (f"<title>{item['title']}</title>" if "title" in item else "")
        + (f"<link>{item['link']}</link>" if "link" in item else "")
        + (f"<guid>{item['guid']}</guid>" if "guid" in item else "")
        + (f"<pubDate>{item['date']}</pubDate>" if "date" in item else "")
        + (f"<description>{item['summary']}</description>" if "summary" in item else "")
        + "</item>"
        for item in items
    )
    return (f'{decl}{head}<rss version="2.0"><channel><title>{title}</title>'
            f"<link>http://example.test/</link>{body}</channel></rss>")


def plain_items(base: str, prefix: str, count: int, pages: str = "ok") -> list[dict[str, str]]:
    return [
        {"title": f"{prefix} story {i}", "link": f"{base}/page/{pages}?{prefix}{i}",
         "guid": f"{prefix}-{i}", "summary": f"Summary {i} of {prefix}."}
        for i in range(count)
    ]


def article_page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>{title}</title></head><body>"
            f"<nav><a href='/'>Home</a></nav><article><h1>{title}</h1>{body}</article>"
            "<footer>Copyright.</footer></body></html>")


STORY = [
    "The harbour authority closed the old swing bridge on Monday after inspectors found"
    " cracks in two of its steel girders, diverting some fourteen thousand daily crossings.",
    "Engineers said the cracks were discovered during a routine ultrasound survey and that"
    " the bridge would stay shut for at least six weeks while repairs are designed.",
    "Ferry operators added extra sailings between the north and south quays, and the city"
    " asked commuters to allow an extra half hour for journeys across the river.",
]


def _laughs() -> str:
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10)
    ]
    return "<!DOCTYPE rss [" + "".join(ents) + "]>"


@dataclass
class Farm:
    """The server; `url(path)` for addresses, `requests` for what was asked."""

    secret_file: str = "/nonexistent"
    slow_delay: float = 0.3
    requests: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> Farm:
        farm = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                farm._handle(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128

        for kind in ("gzip", "deflate"):
            _bomb_bytes(kind)  # made before serving, so a bomb arrives at once
        self._server = Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def asked(self, prefix: str) -> list[str]:
        return [path for path in list(self.requests) if path.startswith(prefix)]

    # The wire

    def _handle(self, sock: socket.socket) -> None:
        sock.settimeout(5)
        head = b""
        try:
            while b"\r\n\r\n" not in head and len(head) < 65536:
                chunk = sock.recv(4096)
                if not chunk:
                    return
                head += chunk
        except OSError:
            return
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        parts = line.split(" ")
        path = parts[1] if len(parts) > 1 else "/"
        self.requests.append(path)
        with contextlib.suppress(OSError):
            self._route(sock, path)

    def _send(self, sock: socket.socket, body: bytes | str, ctype: str = "application/rss+xml",
              status: str = "200 OK", headers: dict[str, str] | None = None) -> None:
        if isinstance(body, str):
            body = body.encode("utf-8")
        extra = "".join(f"{k}: {v}\r\n" for k, v in (headers or {}).items())
        sock.sendall(
            f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body)}\r\n"
            f"Connection: close\r\n{extra}\r\n".encode("latin-1") + body
        )

    def _chunked_forever(self, sock: socket.socket, piece: bytes, pause: float = 0.0,
                         head: bytes = b"") -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                     b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
        if head:
            sock.sendall(b"%x\r\n%s\r\n" % (len(head), head))
        frame = b"%x\r\n%s\r\n" % (len(piece), piece)
        while not self.stop.is_set():
            sock.sendall(frame)
            if pause:
                time.sleep(pause)

    def _route(self, sock: socket.socket, path: str) -> None:
        kind, _, rest = path.lstrip("/").partition("/")
        name = rest.partition("?")[0]
        if kind == "feed":
            self._case(sock, name, RAW_FEEDS, FEEDS, "application/rss+xml")
        elif kind == "page":
            self._case(sock, name, RAW_PAGES, PAGES, "text/html; charset=utf-8")
        elif kind == "slow":
            self._slow(sock, name)
        else:  # /trap/... and anything unknown
            self._send(sock, f'<!ENTITY leaked "{SECRET}">', "application/xml-dtd",
                       status="404 Not Found")

    def _case(
        self, sock: socket.socket, name: str,
        raw: dict[str, Callable[[Farm, socket.socket], None]],
        made: dict[str, Callable[[Farm], str | tuple[str | bytes, str]]], ctype: str,
    ) -> None:
        """A named case: one that writes its own bytes, or a body (and type) to send."""
        if name in raw:
            raw[name](self, sock)
        elif name in made:
            answer = made[name](self)
            body, kind = answer if isinstance(answer, tuple) else (answer, ctype)
            self._send(sock, body, kind)
        else:
            self._send(sock, "no such case", "text/plain", "404 Not Found")

    def _slow(self, sock: socket.socket, name: str) -> None:
        """The slow farm: feeds of 8 items, each page 0.3 s away (for kill tests)."""
        time.sleep(self.slow_delay)
        if name.endswith(".xml"):
            i = name.removesuffix(".xml")
            items = [{"title": f"Slow {i} story {j}", "link": self.url(f"/slow/{i}/{j}.html"),
                      "guid": f"slow-{i}-{j}", "summary": f"Slow summary {i} {j}."}
                     for j in range(8)]
            self._send(sock, rss(f"Slow farm {i}", items))
        else:
            self._send(sock, article_page(f"Slow page {name}", STORY), "text/html")


# Feed cases: name -> body (or (body, content type)). Each gives articles or a clear error.

def _feed_hostile_text(farm: Farm) -> str:
    items = [
        {"title": escape(HOSTILE), "link": farm.url("/page/hostile"), "guid": "h1",
         "summary": escape(f"<p>{HOSTILE}</p>")},
        {"title": escape("[bold]x[/bold] [/] [@click=app.quit]x[/] x[i]"),
         "link": farm.url("/page/ok?markup"), "guid": "h2", "summary": escape(MARKUP)},
        {"title": "javascript link", "link": "javascript:alert(1)", "guid": "h3"},
        {"title": "data link", "link": "data:text/html,&lt;script&gt;x&lt;/script&gt;",
         "guid": "h4"},
        {"title": "file link", "link": "file:///etc/passwd", "guid": "h5"},
        {"title": "shell link", "link": "http://x.test/$(touch /tmp/pwned)`id`;rm -rf ~",
         "guid": "h6"},
    ]
    return rss(escape(f"Hostile {HOSTILE}"), items)


def _feed_malformed(farm: Farm) -> str:
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>Broken & bad'
            '<item><title>Unclosed <b>bold</title><link>' + farm.url("/page/ok?m1") +
            '</link><description>a &nbsp; &bogus; < b</description></item>'
            '<item><title>Second</title><link>' + farm.url("/page/ok?m2") +
            "</link></item></channel>")


FEEDS: dict[str, Callable[[Farm], str | tuple[str | bytes, str]]] = {
    "ok": lambda f: rss("Good feed", plain_items(f.base, "ok", 3)),
    "hostile-text": _feed_hostile_text,
    "malformed": _feed_malformed,
    "wrong-charset": lambda f: (
        rss("Caf\u00e9 wrong", [{"title": "Na\u00efve r\u00e9sum\u00e9",
                                  "link": f.url("/page/ok?wc"), "guid": "wc"}]).encode("latin-1"),
        "application/rss+xml; charset=utf-8"),
    "lying-charset": lambda f: (
        rss("Caf\u00e9 lie", [{"title": "\u65e5\u672c\u8a9e \u00e9",
                                "link": f.url("/page/ok?lc"), "guid": "lc"}],
            decl='<?xml version="1.0" encoding="iso-8859-1"?>').encode("utf-8"),
        "text/xml; charset=us-ascii"),
    "no-charset-latin1": lambda f: (
        rss("Caf\u00e9 none", [{"title": "Gr\u00fc\u00dfe", "link": f.url("/page/ok?nc"),
                                 "guid": "nc"}], decl="").encode("latin-1"), "text/xml"),
    "utf16": lambda f: (
        rss("\u00dcnicode sixteen", [{"title": "\u00c7a va", "link": f.url("/page/ok?u16"),
                                       "guid": "u16"}],
            decl='<?xml version="1.0" encoding="utf-16"?>').encode("utf-16"),
        "application/rss+xml"),
    "utf16-no-bom": lambda f: (
        rss("Sixteen LE", [{"title": "no bom", "link": f.url("/page/ok?u16le"), "guid": "le"}],
            decl='<?xml version="1.0" encoding="utf-16"?>').encode("utf-16-le"),
        "application/rss+xml; charset=utf-8"),
    "billion-laughs": lambda f: rss(
        "Laughs &lol9;", [{"title": "Laugh &lol9;", "link": f.url("/page/ok?bl"), "guid": "bl"}],
        head=_laughs()),
    "quadratic": lambda f: rss(
        "Quadratic", [{"title": "Q", "link": f.url("/page/ok?q"), "guid": "q",
                       "summary": "&big;" * 20000}],
        head='<!DOCTYPE rss [<!ENTITY big "' + "x" * 20000 + '">]>'),
    "xxe-file": lambda f: rss(
        "XXE file &xxe;", [{"title": "Entity &xxe;", "link": f.url("/page/ok?xf"), "guid": "xf",
                            "summary": "leak: &xxe;"}],
        head=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "file://{f.secret_file}">]>'),
    "xxe-http": lambda f: rss(
        "XXE http &xxe;", [{"title": "Entity &xxe;", "link": f.url("/page/ok?xh"), "guid": "xh",
                            "summary": "leak: &xxe;"}],
        head=f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{f.url("/trap/entity")}">]>'),
    "external-dtd": lambda f: rss(
        "External DTD &leaked;", [{"title": "Dtd &leaked;", "link": f.url("/page/ok?dtd"),
                                   "guid": "dtd"}],
        head=f'<!DOCTYPE rss SYSTEM "{f.url("/trap/dtd")}">'),
    "parameter-entity": lambda f: rss(
        "Param &leaked;", [{"title": "Pe", "link": f.url("/page/ok?pe"), "guid": "pe"}],
        head=f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{f.url("/trap/pe")}"> %p;]>'),
    "xinclude": lambda f: rss(
        "XInclude", [{"title": "Xi", "link": f.url("/page/ok?xi"), "guid": "xi",
                      "summary": f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
                                 f'href="file://{f.secret_file}" parse="text"/>'}]),
    # feedparser opens *bytes that name a file* as a local path: the body is a path.
    "local-path-body": lambda f: (f.secret_file.encode(), "application/rss+xml"),
    "dev-zero-body": lambda f: (b"/dev/zero", "application/rss+xml"),
    "html-as-feed": lambda f: ("<!doctype html><html><body><h1>Welcome</h1></body></html>",
                               "text/html"),
    "empty": lambda f: ("", "application/rss+xml"),
    "whitespace": lambda f: ("  \n\t ", "application/rss+xml"),
    "zero-items": lambda f: rss("Nothing yet", []),
    "garbage": lambda f: (bytes(range(256)) * 40, "application/rss+xml"),
    "duplicate-guids": lambda f: rss("Dups", [
        {"title": f"Dup {i}", "link": f.url(f"/page/ok?d{i}"), "guid": "same"}
        for i in range(5)]),
    "missing-guids-links": lambda f: rss("Bare", [
        {"title": "Only a title"}, {"summary": "Only a summary"}, {}, {"title": "Only a title"},
        {"link": f.url("/page/ok?bare")}]),
    "absurd-dates": lambda f: rss("Dates", [
        {"title": f"Date {i}", "link": f.url(f"/page/ok?date{i}"), "guid": f"date{i}",
         "date": d}
        for i, d in enumerate([
            "Tue, 10 Nov 99999 09:00:00 GMT", "Mon, 01 Jan 0001 00:00:00 GMT",
            "2026-13-45T99:99:99Z", "yesterday-ish", "Fri, 31 Dec 9999 23:59:59 -2359",
            "-1", "1e308", "Thu, 01 Jan 1970 00:00:00 GMT"])]),
    "json-hostile": lambda f: (json.dumps({
        "version": "https://jsonfeed.org/version/1.1", "title": f"JSON {HOSTILE}\ud800",
        "home_page_url": "javascript:alert(1)",
        "items": [
            {"id": 7, "url": f.url("/page/ok?j1"), "title": HOSTILE, "authors": 5,
             "content_html": f"<p>{HOSTILE}</p><a href='javascript:x()'>js</a>",
             "date_published": "0001-01-01T00:00:00+23:59"},
            {"id": "\udfff", "url": "http://x.test/\ud800", "title": ["list"],
             "content_text": HOSTILE, "author": "nobody"},
            "not an item", None, 3,
            {"id": "j3", "url": "data:text/html,hi", "title": "data url", "tags": {"a": 1}},
        ]}), "application/feed+json"),
    "json-deep": lambda f: ('{"items": ' + "[" * 100000, "application/feed+json"),
    "json-not-object": lambda f: ("[1, 2, 3]", "application/feed+json"),
    "deep-nesting": lambda f: rss("Deep", [{"title": "d", "link": f.url("/page/ok?deep"),
                                            "guid": "deep"}]).replace(
        "</channel>", "<x>" * 100000 + "</channel>"),
    "many-tags": lambda f: rss("Tags", []).replace("</channel>", "<i/>" * 300000 + "</channel>"),
}


def _status(status: str, headers: dict[str, str] | None = None,
            body: str = "error") -> Callable[[Farm, socket.socket], None]:
    return lambda farm, sock: farm._send(sock, body, "text/plain", status, headers)


def _redirect(target: Callable[[Farm], str], status: str = "301 Moved Permanently"
              ) -> Callable[[Farm, socket.socket], None]:
    return lambda farm, sock: farm._send(sock, "", "text/plain", status,
                                         {"Location": target(farm)})


def _drip(farm: Farm, sock: socket.socket) -> None:
    """Headers, then one byte a second, forever: passes every per-read timeout."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                 b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
    while not farm.stop.is_set():
        sock.sendall(b"1\r\n<\r\n")
        farm.stop.wait(0.5)


def _silent(farm: Farm, sock: socket.socket) -> None:
    """Accept, read the request, never answer."""
    farm.stop.wait(120)


def _silent_after_headers(farm: Farm, sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                 b"Content-Length: 100000\r\n\r\n<rss>")
    farm.stop.wait(120)


def _hang_up(farm: Farm, sock: socket.socket) -> None:
    sock.shutdown(socket.SHUT_RDWR)


def _short_body(farm: Farm, sock: socket.socket) -> None:
    """Promises 100,000 bytes, sends 20, closes."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                 b"Content-Length: 100000\r\nConnection: close\r\n\r\n<rss version='2.0'>")


def _not_http(farm: Farm, sock: socket.socket) -> None:
    sock.sendall(b"SSH-2.0-OpenSSH_9.0\r\n\x1b]52;c;AAAA\x07garbage\r\n\r\n")


def _evil_reason(farm: Farm, sock: socket.socket) -> None:
    """A reason phrase and content type carrying C1 controls (h11 allows obs-text)."""
    sock.sendall(b"HTTP/1.1 500 Oops\x9b2J\x9d52;c;QUFB\x9c\xe2\x80\xae\r\n"
                 b"Content-Type: text/plain\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def _evil_type(farm: Farm, sock: socket.socket) -> None:
    """A content type with C1 controls and a bidi override, on a non-HTML body."""
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/x\x9b2J\x9d52;c;QUFB\x9c"
                 b"\xe2\x80\xae\r\nContent-Length: 4\r\nConnection: close\r\n\r\nabcd")


def _evil_validators(farm: Farm, sock: socket.socket) -> None:
    """A good feed whose ETag and Last-Modified carry obs-text bytes (C1 when decoded)."""
    farm._send(sock, rss("Validators", plain_items(farm.base, "val", 2)), headers={
        "ETag": '"v1\x9b2J\xe9"', "Last-Modified": "Tue, 10 Nov 2026 09:00:00 GMT\x9d"})


def _huge(farm: Farm, sock: socket.socket) -> None:
    """An endless chunked feed at full speed: the size cap must stop it."""
    farm._chunked_forever(sock, b"<item><title>x</title></item>" * 2000,
                          head=b'<rss version="2.0"><channel><title>Huge</title>')


def _huge_declared(farm: Farm, sock: socket.socket) -> None:
    sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
                 b"Content-Length: 1073741824\r\nConnection: close\r\n\r\n<rss>")
    farm.stop.wait(30)


_BOMB: dict[str, bytes] = {}


def _bomb_bytes(kind: str) -> bytes:
    if kind not in _BOMB:
        raw = b"<rss><channel><title>" + b"A" * (64 * 1024 * 1024)
        if kind == "gzip":
            _BOMB[kind] = gzip.compress(raw, compresslevel=9)
        else:
            _BOMB[kind] = zlib.compress(raw, 9)
    return _BOMB[kind]


def _bomb(kind: str) -> Callable[[Farm, socket.socket], None]:
    def send(farm: Farm, sock: socket.socket) -> None:
        body = _bomb_bytes(kind)
        sock.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\n"
            b"Content-Encoding: " + kind.encode() + b"\r\n"
            b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)
    return send


RAW_FEEDS: dict[str, Callable[[Farm, socket.socket], None]] = {
    "evil-validators": _evil_validators,
    "drip": _drip,
    "silent": _silent,
    "silent-after-headers": _silent_after_headers,
    "hang-up": _hang_up,
    "short-body": _short_body,
    "not-http": _not_http,
    "evil-reason": _evil_reason,
    "huge": _huge,
    "huge-declared": _huge_declared,
    "gzip-bomb": _bomb("gzip"),
    "deflate-bomb": _bomb("deflate"),
    "redirect-loop": _redirect(lambda f: f.url("/feed/redirect-loop")),
    "redirect-ping": _redirect(lambda f: f.url("/feed/redirect-pong"), "302 Found"),
    "redirect-pong": _redirect(lambda f: f.url("/feed/redirect-ping"), "307 Temporary"),
    "redirect-file": _redirect(lambda f: f"file://{f.secret_file}"),
    "redirect-javascript": _redirect(lambda f: "javascript:alert(1)"),
    "redirect-evil-location": _redirect(lambda f: f.url("/feed/ok") + "\x9b2J"),
    "moved": _redirect(lambda f: f.url("/feed/ok")),
    "status-404": _status("404 Not Found"),
    "status-410": _status("410 Gone"),
    "status-429": _status("429 Too Many Requests", {"Retry-After": "120"}),
    "status-500": _status("500 Internal Server Error"),
    "status-999": _status("999 Whatever"),
    "status-204": _status("204 No Content", body=""),
}


# Page cases: the article pages that feed items link to.

def _page_feed(farm: Farm) -> str:
    """Items linking to every page case."""
    names = [*PAGES, *RAW_PAGES]
    return rss("Page cases", [
        {"title": f"Page {name}", "link": farm.url(f"/page/{name}"), "guid": f"p-{name}",
         "summary": f"Feed summary for {name}."} for name in names])


FEEDS["pages"] = _page_feed


def _twenty_mb(farm: Farm) -> str:
    para = "<p>" + " ".join(["word"] * 200) + "</p>"
    return article_page("Twenty", [para] * (20 * 1024 * 1024 // len(para)))


PAGES: dict[str, Callable[[Farm], str | tuple[str | bytes, str]]] = {
    "ok": lambda f: article_page("A fine page", STORY),
    "hostile": lambda f: article_page(
        escape(HOSTILE),
        [escape(HOSTILE), *STORY, escape(MARKUP) + " " + escape(HOSTILE),
         "<a href='javascript:alert(1)'>js link</a> <a href='data:text/html,x'>data</a>"
         " <a href='file:///etc/passwd'>file</a> <a href='http://ok.test/'>web</a>",
         f"<img src='file://{f.secret_file}' alt='{escape(HOSTILE)}'>"]),
    "pdf": lambda f: (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n", "application/pdf"),
    "png": lambda f: (b"\x89PNG\r\n\x1a\n" + bytes(1000), "image/png"),
    "png-as-html": lambda f: (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(5000),
                              "text/html"),
    "no-type": lambda f: (article_page("No type", STORY), ""),
    "empty": lambda f: ("", "text/html"),
    "twenty-mb": _twenty_mb,
    "utf16-page": lambda f: (article_page("Sixteen", STORY).encode("utf-16"),
                             "text/html; charset=utf-16"),
    "deep-page": lambda f: ("<html><body>" + "<div>" * 100000 + "deep" +
                            "</div>" * 100000 + "</body></html>", "text/html"),
}

RAW_PAGES: dict[str, Callable[[Farm, socket.socket], None]] = {
    "drip": _drip,
    "silent": _silent,
    "status-404": _status("404 Not Found"),
    "status-410": _status("410 Gone"),
    "status-500": _status("500 Internal Server Error"),
    "gzip-bomb": _bomb("gzip"),
    "redirect-loop": _redirect(lambda f: f.url("/page/redirect-loop")),
    "evil-reason": _evil_reason,
    "evil-type": _evil_type,
}

# Feed cases that fail with a reason, and the words the reason must contain.
FAILING_FEEDS = {
    "drip": "timed out",
    "silent": "timed out",
    "silent-after-headers": "timed out",
    "hang-up": "",
    "short-body": "",
    "not-http": "",
    "evil-reason": "HTTP 500",
    "huge": "too large",
    "huge-declared": "too large",
    "gzip-bomb": "too large",
    "deflate-bomb": "too large",
    "redirect-loop": "redirect",
    "redirect-ping": "redirect",
    "redirect-file": "",
    "redirect-javascript": "",
    "status-404": "404",
    "status-410": "410",
    "status-429": "429",
    "status-500": "500",
    "status-999": "",
    "status-204": "",
    "html-as-feed": "HTML page",
    "empty": "empty",
    "whitespace": "empty",
    "garbage": "not a feed",
    "local-path-body": "",
    "dev-zero-body": "",
    "json-deep": "JSON",
    "json-not-object": "JSON",
    "many-tags": "too complex",
}

# Feed cases that must give articles.
WORKING_FEEDS = [
    "ok", "hostile-text", "malformed", "wrong-charset", "lying-charset", "no-charset-latin1",
    "utf16", "utf16-no-bom", "billion-laughs", "quadratic", "xxe-file", "xxe-http",
    "external-dtd", "parameter-entity", "xinclude", "duplicate-guids", "missing-guids-links",
    "absurd-dates", "json-hostile", "moved", "pages", "deep-nesting", "evil-validators",
]
ZERO_ITEM_FEEDS = ["zero-items"]
