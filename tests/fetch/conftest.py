"""Fixtures shared by the fetch tests."""

import socket
import threading
from collections.abc import Iterator

import pytest


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[list[str], threading.Event]]:
    """The system resolver, with a record of the names asked: `*.invalid` names do
    not resolve, `stuck.invalid` hangs until `release` is set (the network gone),
    and `farm.test` is 127.0.0.1."""
    asked: list[str] = []
    release = threading.Event()
    resolve = socket.getaddrinfo

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        name = host.decode() if isinstance(host, bytes) else str(host)  # anyio asks in IDNA
        asked.append(name)
        if name == "stuck.invalid":
            release.wait(30)
        if name.endswith(".invalid"):
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        if name == "farm.test":  # a name for the loopback servers of the tests
            return resolve("127.0.0.1", *args, **kwargs)
        return resolve(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield asked, release
    release.set()
