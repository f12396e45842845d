"""Asking the Hub over HTTP(S): one GET per repository, bounded in time, size and redirects.

Standard library only. Each lookup has one total deadline (``HubSettings.timeout`` seconds for
connecting and every read, redirects included); only http(s) redirects are followed, at most
``MAX_REDIRECTS``, never from https to http, and the token goes to the configured endpoint
only; the body is capped at ``MAX_ANSWER_BYTES``. Failures never raise: they are FAILED cards.
"""

from __future__ import annotations

import http.client
import io
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from typing import IO, TYPE_CHECKING, Any

from scanner.find.identify import hub_id
from scanner.resolve.hub.card import HubCard, Status, json_answer, parse_card, printable
from scanner.resolve.hub.settings import HubSettings

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer

MAX_ANSWER_BYTES = 20_000_000
MAX_REDIRECTS = 5
READ_CHUNK = 65_536
USER_AGENT = "model-license-guard"


def fetch_card(settings: HubSettings, repo_id: str) -> HubCard:
    """Ask the Hub about one repository; never raises (failures are a FAILED card)."""
    target = hub_id(repo_id)
    url = settings.url(target or repo_id)
    if target is None:
        return HubCard(url, Status.INVALID, problem=f"{repo_id!r} is not a Hub repository id")
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        problem = f"HF_ENDPOINT {settings.endpoint!r} is not an http(s) URL"
        return HubCard(url, Status.FAILED, problem=problem)
    answer = _get(url, settings)
    if isinstance(answer, HubCard):
        return answer
    body, final = answer
    data = json_answer(url, body)
    if isinstance(data, HubCard):
        return data
    return replace(parse_card(url, data), redirected_to=_moved(url, final))


def _get(url: str, settings: HubSettings) -> tuple[bytes, str] | HubCard:
    """The body of a 200 answer and its final URL, or the card saying why there is none."""
    deadline = time.monotonic() + settings.timeout
    try:
        with _opener(deadline).open(_request(url, settings), timeout=settings.timeout) as answer:
            final = str(answer.url or url)
            body = _read_body(answer, deadline)
    except urllib.error.HTTPError as exc:
        return _http_error(url, exc.code, exc.filename)
    except (OSError, ValueError, http.client.HTTPException) as exc:
        return HubCard(url, Status.FAILED, problem=_describe(exc, settings.timeout))
    if body is None:
        return HubCard(url, Status.FAILED, problem=f"answer over {MAX_ANSWER_BYTES:,} bytes")
    return body, final


def _request(url: str, settings: HubSettings) -> urllib.request.Request:
    """The GET request; the token is an unredirected header, so it never leaves ``url``."""
    headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
    request = urllib.request.Request(url, headers=headers)
    if settings.token:  # urllib copies only redirectable headers into a redirect's request
        request.add_unredirected_header("Authorization", f"Bearer {settings.token}")
    return request


def _read_body(answer: http.client.HTTPResponse, deadline: float) -> bytes | None:
    """The whole body in chunks, None when over MAX_ANSWER_BYTES; TimeoutError past deadline."""
    if isinstance(answer.length, int) and answer.length > MAX_ANSWER_BYTES:
        return None  # the declared Content-Length is enough to refuse
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_ANSWER_BYTES:
        _remaining(deadline)
        chunk = answer.read(min(READ_CHUNK, MAX_ANSWER_BYTES + 1 - size))
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        size += len(chunk)
    return None


def _moved(url: str, final: str | None) -> str | None:
    return final if final and final != url else None


def _http_error(url: str, code: int, final: str | None = None) -> HubCard:
    if code == 404:
        return HubCard(url, Status.NOT_FOUND, problem="HTTP 404", redirected_to=_moved(url, final))
    if code in (401, 403):
        return HubCard(url, Status.DENIED, problem=f"HTTP {code}")
    return HubCard(url, Status.FAILED, problem=f"HTTP {code}")


def _describe(exc: BaseException, timeout: float) -> str:
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, TimeoutError):
        return f"timed out after {timeout:g} s"
    return printable(str(reason) or type(reason).__name__)


# -- a deadline for the whole lookup ---------------------------------------------------------


def _remaining(deadline: float) -> float:
    """Seconds left before the monotonic ``deadline``; TimeoutError when none are left."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("the lookup's deadline passed")
    return left


class _DeadlineReader(io.RawIOBase):
    """A socket's raw reader whose every receive waits only until the deadline."""

    def __init__(self, raw: io.RawIOBase, sock: socket.socket, deadline: float) -> None:
        super().__init__()
        self._raw, self._sock, self._deadline = raw, sock, deadline

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: WriteableBuffer) -> int | None:
        self._sock.settimeout(_remaining(self._deadline))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


def _response_class(deadline: float) -> type[http.client.HTTPResponse]:
    """An HTTPResponse whose status line, headers and body are all read before ``deadline``."""

    class Response(http.client.HTTPResponse):
        def __init__(self, sock: socket.socket, *args: Any, **kwargs: Any) -> None:
            super().__init__(sock, *args, **kwargs)
            raw = self.fp.detach()  # keeps the socket's io reference: close() stays deferred
            self.fp = io.BufferedReader(_DeadlineReader(raw, sock, deadline))

    return Response


class _DeadlineHTTP(http.client.HTTPConnection):
    """An HTTP connection that connects and reads only until ``deadline`` (monotonic)."""

    def __init__(self, host: str, deadline: float, **kwargs: Any) -> None:
        super().__init__(host, **kwargs)
        self.deadline = deadline
        self.response_class = _response_class(deadline)

    def connect(self) -> None:
        self.timeout = _remaining(self.deadline)  # bounds connect (and the TLS handshake)
        super().connect()


class _DeadlineHTTPS(_DeadlineHTTP, http.client.HTTPSConnection):
    """The same over TLS (certificates verified, as ``urllib`` does by default)."""


class _DeadlineHandler(urllib.request.AbstractHTTPHandler):
    """Opens http and https URLs through deadline connections."""

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._http, req)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._https, req)

    def _http(self, host: str, **kwargs: Any) -> http.client.HTTPConnection:
        return _DeadlineHTTP(host, self.deadline, **kwargs)

    def _https(self, host: str, **kwargs: Any) -> http.client.HTTPConnection:
        return _DeadlineHTTPS(host, self.deadline, **kwargs)

    http_request = urllib.request.AbstractHTTPHandler.do_request_
    https_request = urllib.request.AbstractHTTPHandler.do_request_


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    """Follows at most MAX_REDIRECTS redirects, only to http(s), never from https to http."""

    max_redirections = MAX_REDIRECTS
    max_repeats = MAX_REDIRECTS  # a loop ends at our count, with our message

    def __init__(self) -> None:
        super().__init__()
        self.followed = 0

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: http.client.HTTPMessage,
    ) -> Any:
        location = headers.get("location") or headers.get("uri")
        if location:
            self.followed += 1
            problem = redirect_problem(req.full_url, str(location), self.followed)
            if problem is not None:
                fp.close()
                raise urllib.error.URLError(problem)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def redirect_problem(source: str, location: str, count: int = 1) -> str | None:
    """Why the ``count``-th redirect from ``source`` to ``location`` is refused, or None."""
    if count > MAX_REDIRECTS:
        return f"more than {MAX_REDIRECTS} redirects"
    try:
        scheme = urllib.parse.urlsplit(urllib.parse.urljoin(source, location)).scheme.lower()
    except ValueError:
        return "a redirect to an invalid URL is refused"
    if scheme not in ("http", "https"):
        named = f"a {printable(scheme, 20)}: URL" if scheme else "a URL without a scheme"
        return f"a redirect to {named} is refused: only http(s) redirects are followed"
    if scheme == "http" and urllib.parse.urlsplit(source).scheme.lower() == "https":
        return "a redirect from https to http is refused"
    return None


def _opener(deadline: float) -> urllib.request.OpenerDirector:
    """http(s) only (no file:, ftp:, data:), environment proxies, bounded safe redirects."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.UnknownHandler(),
        _DeadlineHandler(deadline),
        urllib.request.HTTPDefaultErrorHandler(),
        _RedirectHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener
