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

Transport: HTTP/1.1 on keep-alive connections with TCP_NODELAY, pooled per origin and shared by the
sessions of a run (standard library http.client: measured faster than httpx here, see bench/README.md,
and no dependency). Timeout: `timeout` seconds per call in all — connect, send, status, headers and the
whole body (default CAAAD_HTTP_TIMEOUT from the environment, else 30); a watchdog thread shuts the
socket of a call still running at its deadline, so a server trickling its answer is cut off in time.
Credentials in the URL (https://user:token@host/…) are sent as HTTP Basic authentication; otherwise
CAAAD_HTTP_TOKEN, when set, as a bearer token (what `caaad serve` checks). HTTP(S) proxies from the
environment are used except for loopback addresses; redirects are reported, never followed.
"""

import base64
import contextlib
import heapq
import http.client
import itertools
import json
import os
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
import weakref
from typing import Any, Callable

from .address import DEFAULT_TIMEOUT, TIMEOUT_ENV, TOKEN_ENV, redact
from .errors import AdapterLoadError
from .schema import CONTRACT_DIR

MAX_RESPONSE_BYTES = 32 * 1024 * 1024
_CLOSE_TIMEOUT = 5.0
_CHUNK = 64 * 1024
_LOOPBACK = {"localhost", "127.0.0.1", "::1"}
_MAX_IDLE = 16  # kept connections per origin: one per concurrent session of a run is plenty


class HttpFailure(Exception):
    """The system could not be reached or did not answer as the binding says. One line: URL and cause."""

    def __init__(self, url: str, cause: str):
        self.url, self.cause = url, cause
        super().__init__(f"{url}: {cause}")


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


class _Watchdog:
    """One thread that cuts off every exchange still running at its deadline, by shutting its socket down.

    A socket timeout bounds one receive, not an answer: a server trickling a byte a second would never
    trip it. Shutting the socket down wakes whatever http.client is blocked in — connect, send, status
    line, headers or body — so each call ends at connect + send + whole body ≤ its deadline."""

    def __init__(self):
        self._lock = threading.Condition()
        self._heap: list[tuple[float, int]] = []
        self._watched: dict[int, socket.socket] = {}
        self._fired: set[int] = set()
        self._ticket = itertools.count()
        self._thread: threading.Thread | None = None

    def watch(self, sock: socket.socket, deadline: float) -> int:
        with self._lock:
            ticket = next(self._ticket)
            self._watched[ticket] = sock
            heapq.heappush(self._heap, (deadline, ticket))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="caaad-http-deadlines", daemon=True)
                self._thread.start()
            elif self._heap[0][1] == ticket:
                self._lock.notify()
        return ticket

    def release(self, ticket: int) -> bool:
        """Stop watching; True when the deadline had already struck this exchange."""
        with self._lock:
            self._watched.pop(ticket, None)
            if ticket in self._fired:
                self._fired.discard(ticket)
                return True
            return False

    def _run(self) -> None:
        with self._lock:
            while True:
                while self._heap and self._heap[0][1] not in self._watched:
                    heapq.heappop(self._heap)  # finished in time
                wait = self._heap[0][0] - time.monotonic() if self._heap else None
                if wait is None or wait > 0:
                    self._lock.wait(wait)
                    continue
                _, ticket = heapq.heappop(self._heap)
                sock = self._watched.pop(ticket)
                self._fired.add(ticket)
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


_WATCHDOG = _Watchdog()


class _Connections:
    """Idle keep-alive connections to one origin, reused by every session of the run (a TCP handshake per call
    cost 789 µs against 341 µs on a kept connection, measured over loopback)."""

    def __init__(self, make: Callable[[], http.client.HTTPConnection]):
        self._make, self._idle, self._lock = make, [], threading.Lock()

    def take(self) -> tuple[http.client.HTTPConnection, bool]:
        """A connection and whether it was used before (a reused one may have been closed by the server)."""
        with self._lock:
            if self._idle:
                return self._idle.pop(), True
        return self._make(), False

    def give_back(self, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            if len(self._idle) < _MAX_IDLE:
                self._idle.append(connection)
                return
        connection.close()


class _NoDelayHTTPConnection(http.client.HTTPConnection):
    def connect(self):
        super().connect()
        _no_delay(self.sock)


class _NoDelayHTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        super().connect()
        _no_delay(self.sock)


def _no_delay(sock: socket.socket) -> None:
    # Without TCP_NODELAY a request whose headers and body leave in two writes waits for the delayed ACK:
    # 44 ms per call instead of 0.3 ms.
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


_POOLS: dict[tuple, _Connections] = {}
_POOLS_LOCK = threading.Lock()


def _pool(scheme: str, host: str, port: int) -> tuple[_Connections, bool]:
    """The shared pool for an origin, and whether requests go through an HTTP proxy as absolute URLs."""
    proxy = None if _loopback(host) or urllib.request.proxy_bypass(host) else \
        urllib.request.getproxies().get(scheme)
    key = (scheme, host, port, proxy)
    with _POOLS_LOCK:
        if key not in _POOLS:
            _POOLS[key] = _Connections(lambda: _connection(scheme, host, port, proxy))
        return _POOLS[key], bool(proxy) and scheme == "http"


def _connection(scheme: str, host: str, port: int, proxy: str | None) -> http.client.HTTPConnection:
    # The timeout given here bounds connect only; the watchdog bounds the rest of each exchange.
    if proxy:
        parts = urllib.parse.urlsplit(proxy if "://" in proxy else "http://" + proxy)
        if scheme == "https":
            connection = _NoDelayHTTPSConnection(parts.hostname, parts.port or 80, context=ssl.create_default_context())
            connection.set_tunnel(host, port)
            return connection
        return _NoDelayHTTPConnection(parts.hostname, parts.port or 80)
    if scheme == "https":
        return _NoDelayHTTPSConnection(host, port, context=ssl.create_default_context())
    return _NoDelayHTTPConnection(host, port)


def _loopback(host: str) -> bool:
    return host in _LOOPBACK or host.startswith("127.")


class _Transport:
    """One HTTP/1.1 exchange at a time on a pooled keep-alive connection: JSON in, (status, parsed JSON or
    None, raw text) out, within a total deadline per call."""

    def __init__(self, base_url: str, timeout: float):
        parts = urllib.parse.urlsplit(base_url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise AdapterLoadError(f"adapter URL '{redact(base_url)}' is not http(s)://host[:port][/path]")
        if parts.query or parts.fragment:
            raise AdapterLoadError(f"adapter URL '{redact(base_url)}' must not have a query or a fragment")
        try:
            port = parts.port  # raises on a bad port
        except ValueError as e:
            raise AdapterLoadError(f"adapter URL '{redact(base_url)}': {e}") from None
        scheme = parts.scheme.lower()
        self.headers = {"Accept": "application/json", "User-Agent": "caaad-conformance"}
        if parts.username is not None:
            user = urllib.parse.unquote(parts.username)
            password = urllib.parse.unquote(parts.password or "")
            self.headers["Authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
        elif os.environ.get(TOKEN_ENV):
            self.headers["Authorization"] = f"Bearer {os.environ[TOKEN_ENV]}"
        netloc = parts.netloc.rpartition("@")[2]
        self.base = urllib.parse.urlunsplit((scheme, netloc, parts.path.rstrip("/"), "", ""))
        self.timeout = timeout
        self._pool, self._absolute = _pool(scheme, parts.hostname, port or (443 if scheme == "https" else 80))

    @property
    def display(self) -> str:
        return self.base + "/"

    def url(self, *segments: str) -> str:
        return self.base + "".join("/" + urllib.parse.quote(s, safe="") for s in segments)

    def exchange(self, method: str, url: str, body: Any = None, timeout: float | None = None) -> tuple[int, Any, str]:
        """(status, parsed JSON body or None when empty, body text) — any HTTP status; raises HttpFailure
        when there is no answer, it takes too long, is too big, is cut off or is not JSON."""
        timeout = self.timeout if timeout is None else timeout
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = dict(self.headers)
        if data is not None:
            headers["Content-Type"] = "application/json; charset=utf-8"
        target = url if self._absolute else urllib.parse.urlsplit(url).path
        deadline = time.monotonic() + timeout
        while True:
            connection, reused = self._pool.take()
            received = _Received()
            try:
                status, raw, keep = self._once(connection, url, method, target, data, headers, deadline, timeout, received)
                break
            except HttpFailure:
                connection.close()
                raise
            except Exception as e:  # connection refused, DNS, TLS, broken connections
                connection.close()
                # A kept connection the server closed while idle fails before any byte of an answer: the
                # request never reached it, so sending it again on a new connection is safe.
                if reused and received.nothing and isinstance(e, _STALE) and time.monotonic() < deadline:
                    continue
                raise HttpFailure(url, describe_cause(e, timeout, received.size)) from None
        if keep:
            self._pool.give_back(connection)
        else:
            connection.close()
        text = raw.decode("utf-8", errors="replace")
        if not text.strip():
            return status, None, ""
        try:
            return status, json.loads(text), text
        except ValueError as e:
            if 200 <= status < 300:
                if getattr(e, "pos", -1) >= len(text.rstrip()):  # valid so far, ends early: no Content-Length
                    raise HttpFailure(url, f"answer cut off after {len(raw)} bytes (the JSON ends early)") from None
                raise HttpFailure(url, f"HTTP {status} with a body that is not JSON ({e}): {_excerpt(text)}") from None
            return status, None, text

    def _once(self, connection, url, method, target, data, headers, deadline, timeout, received):
        left = deadline - time.monotonic()
        if left <= 0:
            raise HttpFailure(url, f"no complete answer within {timeout:g} s (after 0 bytes)")
        if connection.sock is None:
            connection.timeout = left
            connection.connect()
        connection.sock.settimeout(left)
        ticket = _WATCHDOG.watch(connection.sock, deadline)
        failure = None
        try:
            connection.request(method, target, body=data, headers=headers)
            response = connection.getresponse()
            received.nothing = False
            announced = response.length
            if announced is not None and announced > MAX_RESPONSE_BYTES:
                raise HttpFailure(url, f"answer larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB "
                                       f"({announced} bytes announced)")
            raw = self._read(response, url, received)
        except HttpFailure:
            raise
        except Exception as e:
            failure = e
        finally:
            struck = _WATCHDOG.release(ticket)
        if struck or failure is not None and time.monotonic() >= deadline:  # whatever the cut socket made http.client say
            raise HttpFailure(url, f"no complete answer within {timeout:g} s (after {received.size} bytes)")
        if failure is not None and not received.nothing and isinstance(failure, _STALE):
            raise HttpFailure(url, f"answer cut off after {received.size} bytes")
        if failure is not None:
            raise failure
        if announced is not None and len(raw) < announced:
            raise HttpFailure(url, f"answer cut off after {len(raw)} bytes "
                                   f"({announced - len(raw)} more were announced)")
        return response.status, raw, not response.will_close

    @staticmethod
    def _read(response: http.client.HTTPResponse, url: str, received: "_Received") -> bytes:
        chunks = []
        while True:
            try:
                chunk = response.read(_CHUNK)
            except http.client.IncompleteRead as e:  # a chunked body that stopped before its last chunk
                received.size += len(e.partial)
                raise HttpFailure(url, f"answer cut off after {received.size} bytes (the last chunk never came)") from None
            if not chunk:
                return b"".join(chunks)
            received.size += len(chunk)
            if received.size > MAX_RESPONSE_BYTES:
                raise HttpFailure(url, f"answer larger than {MAX_RESPONSE_BYTES // (1024 * 1024)} MiB")
            chunks.append(chunk)


class _Received:
    """What came back so far of one exchange, for the message when it fails."""

    def __init__(self):
        self.nothing, self.size = True, 0


_STALE = (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError, ConnectionAbortedError)


def describe_cause(error: BaseException, timeout: float, received: int = 0) -> str:
    """A short, human cause for a failed exchange: 'connection refused', 'no complete answer within 2 s', …"""
    if isinstance(error, (TimeoutError, socket.timeout)):
        return f"no complete answer within {timeout:g} s (after {received} bytes)"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, (ConnectionResetError, ConnectionAbortedError, BrokenPipeError, http.client.RemoteDisconnected)):
        return "connection closed by the system without an answer"
    if isinstance(error, socket.gaierror):
        return f"unknown host ({error.strerror or error})"
    if isinstance(error, ssl.SSLError):
        return f"TLS error ({getattr(error, 'reason', None) or error})"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror[:1].lower() + error.strerror[1:]
    text = " ".join(str(error).split())
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


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


def _summaries() -> dict[str, str]:
    """Each operation's name and summary, read from the contract's files without building its validators (which
    load_contract does, in about 0.6 s: commands that never open an HTTP adapter need not pay it)."""
    document = json.loads((CONTRACT_DIR / "contract.json").read_text(encoding="utf-8"))
    return {name: json.loads((CONTRACT_DIR / "operations" / f"{name}.json").read_text(encoding="utf-8"))["summary"]
            for name in document["operations"]}


for _name, _summary in _summaries().items():
    setattr(HttpAdapter, _name, _operation(_name, _summary))
del _name, _summary
