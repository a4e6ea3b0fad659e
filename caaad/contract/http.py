"""HttpAdapter: the adapter contract over HTTP, for systems written in any language.

The binding (see render.py, openapi.py):
    POST   {base}/sessions                                → 201 {"session_id": "…"}
    DELETE {base}/sessions/{id}                           → 204
    POST   {base}/sessions/{id}/operations/{operation}    → 200 response JSON
errors: 404 unknown session or operation, 400 invalid body, 500 system failure, each {"error": "…"}.

An HttpAdapter opens its own session when created, so `load_adapter("http://…")` gives each scenario
a fresh system exactly as a new in-process adapter instance does. It validates nothing: the
ContractClient in front of it validates requests and responses as for any adapter. Every failure is
raised as HttpFailure with one line naming the URL (never its credentials) and the cause;
ContractClient reports it as AdapterFailure. The session ends with close() or when the adapter is
garbage-collected.

Timeout: `timeout` seconds per call (default CAAAD_HTTP_TIMEOUT from the environment, else 30).
Credentials in the URL (https://user:token@host/…) are sent as HTTP Basic authentication.
"""

import base64
import json
import os
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
import weakref
from typing import Any

from .errors import AdapterLoadError
from .schema import load_contract

DEFAULT_TIMEOUT = 30.0
TIMEOUT_ENV = "CAAAD_HTTP_TIMEOUT"
MAX_RESPONSE_BYTES = 32 * 1024 * 1024
_CLOSE_TIMEOUT = 5.0
_CHUNK = 64 * 1024
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}


class HttpFailure(Exception):
    """The system could not be reached or did not answer as the binding says. One line: URL and cause."""

    def __init__(self, url: str, cause: str):
        self.url, self.cause = url, cause
        super().__init__(f"{url}: {cause}")


def is_url(spec: str) -> bool:
    return spec.lower().startswith(("http://", "https://"))


def redact(spec: str) -> str:
    """An adapter spec safe to print: a URL loses its user and password; anything else is unchanged."""
    if not is_url(spec):
        return spec
    parts = urllib.parse.urlsplit(spec)
    if "@" not in parts.netloc:
        return spec
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def default_timeout() -> float:
    value = os.environ.get(TIMEOUT_ENV)
    if not value:
        return DEFAULT_TIMEOUT
    try:
        timeout = float(value)
    except ValueError:
        raise AdapterLoadError(f"{TIMEOUT_ENV}={value!r} is not a number of seconds") from None
    if not timeout > 0:
        raise AdapterLoadError(f"{TIMEOUT_ENV}={value!r} must be more than 0 seconds")
    return timeout


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirected POST would lose its body or its method; report the redirect instead of following it.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _Transport:
    """One HTTP exchange at a time: JSON in, (status, parsed JSON or None, raw text) out."""

    def __init__(self, base_url: str, timeout: float):
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise AdapterLoadError(f"adapter URL '{redact(base_url)}' is not http(s)://host[:port][/path]")
        if parts.query or parts.fragment:
            raise AdapterLoadError(f"adapter URL '{redact(base_url)}' must not have a query or a fragment")
        try:
            parts.port  # noqa: B018  (raises on a bad port)
        except ValueError as e:
            raise AdapterLoadError(f"adapter URL '{redact(base_url)}': {e}") from None
        self.headers = {"Accept": "application/json", "User-Agent": "caaad-conformance"}
        if parts.username is not None:
            user = urllib.parse.unquote(parts.username)
            password = urllib.parse.unquote(parts.password or "")
            self.headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        netloc = parts.netloc.rpartition("@")[2]
        self.base = urllib.parse.urlunsplit((parts.scheme.lower(), netloc, parts.path.rstrip("/"), "", ""))
        self.timeout = timeout
        handlers: list[Any] = [_NoRedirect()]
        if parts.hostname in _LOOPBACK or parts.hostname.startswith("127."):
            handlers.append(urllib.request.ProxyHandler({}))  # never send loopback traffic to a proxy
        self._opener = urllib.request.build_opener(*handlers)

    @property
    def display(self) -> str:
        return self.base + "/"

    def url(self, *segments: str) -> str:
        return self.base + "".join("/" + urllib.parse.quote(s, safe="") for s in segments)

    def exchange(self, method: str, url: str, body: Any = None, timeout: float | None = None) -> tuple[int, Any, str]:
        """(status, parsed JSON body or None when empty, body text) — any HTTP status; raises HttpFailure
        when there is no answer, it takes too long, is too big or is not JSON."""
        timeout = self.timeout if timeout is None else timeout
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        request = urllib.request.Request(url, data=data, method=method, headers=headers)
        deadline = time.monotonic() + timeout
        try:
            try:
                response = self._opener.open(request, timeout=timeout)
            except urllib.error.HTTPError as e:  # 4xx and 5xx: the body still says why
                response = e
            with response:
                status = response.status if hasattr(response, "status") else response.code
                raw = self._read(response, deadline, timeout, url)
        except HttpFailure:
            raise
        except Exception as e:  # connection refused, DNS, TLS, timeouts, broken connections
            raise HttpFailure(url, describe_cause(e, timeout)) from None
        text = raw.decode("utf-8", errors="replace")
        if not text.strip():
            return status, None, ""
        try:
            return status, json.loads(text), text
        except ValueError as e:
            if 200 <= status < 300:
                raise HttpFailure(url, f"HTTP {status} with a body that is not JSON ({e}): {_excerpt(text)}") from None
            return status, None, text

    def _read(self, response, deadline: float, timeout: float, url: str) -> bytes:
        """The whole body within the call's deadline. read1 returns what one receive brings, and each receive
        may wait only for what is left of the deadline: a body trickled a byte at a time is cut off at the
        deadline, not after `timeout` seconds per byte."""
        chunks, size = [], 0
        read = getattr(response, "read1", response.read)
        sock = getattr(getattr(getattr(response, "fp", None), "raw", None), "_sock", None)  # http.client's socket
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise HttpFailure(url, f"no complete answer within {timeout:g} s (after {size} bytes)")
            if sock is not None:
                sock.settimeout(left)
            try:
                chunk = read(_CHUNK)
            except (TimeoutError, socket.timeout):
                raise HttpFailure(url, f"no complete answer within {timeout:g} s (after {size} bytes)") from None
            if not chunk:
                if getattr(response, "length", None):  # Content-Length promised more than came
                    raise HttpFailure(url, f"answer cut off after {size} bytes ({response.length} more were announced)")
                return b"".join(chunks)
            size += len(chunk)
            if size > MAX_RESPONSE_BYTES:
                raise HttpFailure(url, f"answer larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB")
            chunks.append(chunk)


def describe_cause(error: BaseException, timeout: float) -> str:
    """A short, human cause for a failed exchange: 'connection refused', 'no answer within 2 s', …"""
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError)):
        return "connection closed by the system"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror or reason})"
    if isinstance(reason, ssl.SSLError):
        return f"TLS error ({getattr(reason, 'reason', None) or reason})"
    if isinstance(reason, OSError) and reason.strerror:
        return reason.strerror[:1].lower() + reason.strerror[1:]
    text = " ".join(str(reason).split())
    return f"{type(reason).__name__}: {text}" if text else type(reason).__name__


def _excerpt(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _error_text(status: int, body: Any, text: str) -> str:
    if isinstance(body, dict) and isinstance(body.get("error"), str):
        return f"HTTP {status}: {' '.join(body['error'].split())}"
    return f"HTTP {status}" + (f": {_excerpt(text)}" if text.strip() else "")


def _close_session(transport: _Transport, url: str) -> None:
    try:
        transport.exchange("DELETE", url, timeout=min(transport.timeout, _CLOSE_TIMEOUT))
    except Exception:  # the session is gone with the system, or will be; nothing to report
        pass


class HttpAdapter:
    """An adapter whose operations are POSTed to a session of a system served over the HTTP binding.

    One method per operation of the contract (attached below from contract.json), each taking the
    request dict and returning the response JSON."""

    def __init__(self, base_url: str, timeout: float | None = None):
        self._transport = _Transport(base_url, default_timeout() if timeout is None else timeout)
        self.base_url = self._transport.display
        try:
            status, body, text = self._transport.exchange("POST", self._transport.url("sessions"), {})
        except HttpFailure as e:
            raise AdapterLoadError(f"cannot reach {self.base_url}: {e.cause}") from None
        session_id = body.get("session_id") if isinstance(body, dict) else None
        if status != 201 or not isinstance(session_id, str) or not session_id:
            problem = _error_text(status, body, text) if status != 201 else "the answer has no session_id"
            raise AdapterLoadError(f"cannot open a session at {self.base_url}sessions: {problem}")
        self.session_id = session_id
        self._session_url = self._transport.url("sessions", session_id)
        self._closer = weakref.finalize(self, _close_session, self._transport, self._session_url)

    def __repr__(self) -> str:
        return f"HttpAdapter({self.base_url!r}, session={getattr(self, 'session_id', None)!r})"

    def call(self, op: str, request: dict) -> Any:
        """POST the request to the operation and return the response JSON (not validated here)."""
        url = self._session_url + "/operations/" + urllib.parse.quote(op, safe="")
        status, body, text = self._transport.exchange("POST", url, request)
        if status != 200:
            raise HttpFailure(url, _error_text(status, body, text))
        if body is None:
            raise HttpFailure(url, "HTTP 200 with an empty body")
        return body

    def close(self) -> None:
        """End the session (DELETE). Idempotent; errors are ignored."""
        closer = getattr(self, "_closer", None)
        if closer is not None:
            closer()

    @property
    def closed(self) -> bool:
        closer = getattr(self, "_closer", None)
        return closer is None or not closer.alive

    def __enter__(self) -> "HttpAdapter":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()


def _operation(name: str, summary: str):
    def operation(self: HttpAdapter, request: dict) -> Any:
        return self.call(name, request)
    operation.__name__ = operation.__qualname__ = name
    operation.__doc__ = f"{summary} (POST …/sessions/{{id}}/operations/{name})"
    return operation


for _op in load_contract().operations.values():
    setattr(HttpAdapter, _op.name, _operation(_op.name, _op.summary))
del _op
