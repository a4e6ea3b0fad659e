"""`caaad serve`: a Python adapter (default: the reference system) over the HTTP binding of the contract.

One adapter instance per session (POST /sessions), so each scenario of a run gets a fresh system.
HTTP/1.1 with keep-alive and TCP_NODELAY (standard library ThreadingHTTPServer: a thread per
connection, which idle connections give back after `idle_connection_s`). Safe to share on a network:

- every call carries `Authorization: Bearer <token>` (401 otherwise); the token is never logged;
- sessions idle for `session_idle_s` expire, and one client (address) may hold at most
  `max_sessions_per_client` of the `max_sessions` (429 beyond, so one client cannot lock out the rest);
- bodies over MAX_REQUEST_BYTES get 413; a request outside the operation's request schema gets 400
  naming the JSON path (the adapter never sees it); an adapter raising gets 500; all as {"error": "…"};
- one log line per request — client, method, path, status, time — with the session shown by its number
  (#3), never its id, and never a body, so neither credentials nor personal data reach the log;
- with `--db FILE` each session's successful calls are journaled in SQLite (WAL, synchronous=FULL) before
  the answer is sent, and a restarted server rebuilds a session by replaying its journal into a new
  adapter instance: every acknowledged call survives a crash, and a call is recorded whole or not at all.
  Replaying needs a deterministic adapter (the reference system is: its clock is the contract's clock).
"""

import hmac
import json
import sqlite3
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from .contract.address import IDLE_CONNECTION_S, MAX_SESSIONS, MAX_SESSIONS_PER_CLIENT, SESSION_IDLE_S, TOKEN_ENV
from .contract.loading import DEFAULT_ADAPTER
from .contract.schema import Contract, load_contract, one_line

MAX_REQUEST_BYTES = 16 * 1024 * 1024


@dataclass
class _Session:
    number: int  # shown in the log instead of the id
    client: str
    adapter: Any = None  # None: to be rebuilt from the journal on first use
    calls: int = 0
    last_used: float = field(default_factory=time.monotonic)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Journal:
    """The sessions of a server and their successful calls, in SQLite on disk (--db FILE)."""

    def __init__(self, path: str):
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._lock = threading.Lock()
        with self._lock:
            mode = self._db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise sqlite3.OperationalError(f"{path}: cannot use write-ahead logging (journal mode {mode})")
            self._db.execute("PRAGMA synchronous=FULL")  # a commit is on disk before the answer leaves
            self._db.execute("CREATE TABLE IF NOT EXISTS session (id TEXT PRIMARY KEY, client TEXT NOT NULL)")
            self._db.execute("CREATE TABLE IF NOT EXISTS call (session TEXT NOT NULL, seq INTEGER NOT NULL, "
                             "op TEXT NOT NULL, request TEXT NOT NULL, PRIMARY KEY (session, seq))")

    def sessions(self) -> list[tuple[str, str, int]]:
        with self._lock:
            return self._db.execute("SELECT id, client, (SELECT count(*) FROM call WHERE session = id) "
                                    "FROM session ORDER BY rowid").fetchall()

    def calls(self, session_id: str) -> list[tuple[str, dict]]:
        with self._lock:
            rows = self._db.execute("SELECT op, request FROM call WHERE session = ? ORDER BY seq", (session_id,))
            return [(op, json.loads(request)) for op, request in rows.fetchall()]

    def opened(self, session_id: str, client: str) -> None:
        self._write("INSERT INTO session VALUES (?, ?)", (session_id, client))

    def called(self, session_id: str, seq: int, op: str, request_json: str) -> None:
        self._write("INSERT INTO call VALUES (?, ?, ?, ?)", (session_id, seq, op, request_json))

    def closed(self, session_id: str) -> None:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("DELETE FROM call WHERE session = ?", (session_id,))
            self._db.execute("DELETE FROM session WHERE id = ?", (session_id,))
            self._db.execute("COMMIT")

    def _write(self, sql: str, args: tuple) -> None:
        with self._lock:
            self._db.execute(sql, args)  # autocommit: one transaction per statement

    def close(self) -> None:
        with self._lock:
            self._db.close()


class BindingServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer holding the sessions of one adapter class."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], factory: Callable[[], Any], *, contract: Contract | None = None,
                 log: Callable[[str], None] | None = None, token: str | None = None,
                 max_sessions: int = MAX_SESSIONS, max_sessions_per_client: int = MAX_SESSIONS_PER_CLIENT,
                 session_idle_s: float = SESSION_IDLE_S, idle_connection_s: float = IDLE_CONNECTION_S,
                 journal: Journal | None = None):
        self.factory = factory
        self.contract = contract or load_contract()
        self.log = log or _log_to_stderr
        self.token = token  # None: no authentication (in-process tests only; `caaad serve` always has one)
        self.max_sessions, self.max_sessions_per_client = max_sessions, max_sessions_per_client
        self.session_idle_s, self.idle_connection_s = session_idle_s, idle_connection_s
        self.journal = journal
        self.sessions: dict[str, _Session] = {}
        self.sessions_lock = threading.Lock()
        self._numbers = iter(range(1, sys.maxsize))
        self._openapi: bytes | None = None
        self._stopping = threading.Event()
        if journal is not None:
            for session_id, client, calls in journal.sessions():
                self.sessions[session_id] = _Session(next(self._numbers), client, calls=calls)
        super().__init__(address, _Handler)
        self._reaper = threading.Thread(target=self._expire_idle_sessions, name="caaad-serve-expiry", daemon=True)
        self._reaper.start()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{port}"

    def openapi(self) -> bytes:
        if self._openapi is None:
            from .contract.openapi import openapi_document
            self._openapi = json.dumps(openapi_document(self.contract), ensure_ascii=False).encode("utf-8")
        return self._openapi

    def authorised(self, header: str | None) -> bool:
        if self.token is None:
            return True
        scheme, _, presented = (header or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip().encode(), self.token.encode())

    def open_session(self, client: str) -> tuple[str, _Session]:
        self.expire_idle()
        adapter = self.factory()
        with self.sessions_lock:
            if len(self.sessions) >= self.max_sessions:
                raise _Refused(HTTPStatus.SERVICE_UNAVAILABLE,
                               f"too many open sessions ({self.max_sessions}); end some with DELETE /sessions/{{id}}")
            if sum(s.client == client for s in self.sessions.values()) >= self.max_sessions_per_client:
                raise _Refused(HTTPStatus.TOO_MANY_REQUESTS,
                               f"this client holds {self.max_sessions_per_client} open sessions, the most one client "
                               "may; end some with DELETE /sessions/{id}")
            session_id = uuid.uuid4().hex
            session = _Session(next(self._numbers), client, adapter)
            if self.journal is not None:
                self.journal.opened(session_id, client)
            self.sessions[session_id] = session
        return session_id, session

    def close_session(self, session_id: str) -> _Session | None:
        with self.sessions_lock:
            session = self.sessions.pop(session_id, None)
        if session is None:
            return None
        with session.lock:
            if self.journal is not None:
                self.journal.closed(session_id)
            close = getattr(session.adapter, "close", None)
            if callable(close):
                close()
        return session

    def session(self, session_id: str) -> _Session:
        with self.sessions_lock:
            session = self.sessions.get(session_id)
        if session is None:
            raise _Refused(HTTPStatus.NOT_FOUND, f"no session '{session_id[:64]}' (never opened, ended, or expired "
                                                 f"after {self.session_idle_s:g} s idle)")
        return session

    def restore(self, session_id: str, session: _Session) -> None:
        """Rebuild a journaled session's system by replaying its calls (under the session's lock)."""
        adapter = self.factory()
        for op, request in self.journal.calls(session_id):
            getattr(adapter, op)(request)
        session.adapter = adapter

    def expire_idle(self) -> int:
        cutoff = time.monotonic() - self.session_idle_s
        with self.sessions_lock:
            idle = [sid for sid, s in self.sessions.items() if s.last_used < cutoff and not s.lock.locked()]
        for session_id in idle:
            try:
                self.close_session(session_id)
            except Exception as e:  # the adapter's close() failed: the session is gone all the same
                self.log(f"expiring a session: {type(e).__name__}")
        return len(idle)

    def _expire_idle_sessions(self) -> None:
        while not self._stopping.wait(min(30.0, self.session_idle_s / 2)):
            self.expire_idle()

    def server_close(self) -> None:
        self._stopping.set()
        super().server_close()
        if self.journal is not None:
            self.journal.close()


def _log_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str, close: bool = False):
        self.status, self.message, self.close = status, message, close
        super().__init__(message)


class _Handler(BaseHTTPRequestHandler):
    server: BindingServer
    protocol_version = "HTTP/1.1"  # keep-alive: a connection serves the calls of a run
    disable_nagle_algorithm = True  # else each answer waits ~40 ms for the client's delayed ACK
    server_version = "caaad-serve"
    error_content_type = "application/json"
    error_message_format = '{"error": "%(code)d %(message)s"}'

    def setup(self):
        self.timeout = self.server.idle_connection_s  # an idle (or stalled) connection gives its thread back
        super().setup()

    def do_POST(self):
        self._handle("POST")

    def do_DELETE(self):
        self._handle("DELETE")

    def do_GET(self):
        self._handle("GET")

    def do_PUT(self):
        self._handle("PUT")

    def do_PATCH(self):
        self._handle("PATCH")

    def _handle(self, method: str) -> None:
        started = time.monotonic()
        status, note, self._shown = HTTPStatus.INTERNAL_SERVER_ERROR, "", None
        try:
            if not self.server.authorised(self.headers.get("Authorization")):
                raise _Refused(HTTPStatus.UNAUTHORIZED, "missing or wrong bearer token (Authorization: Bearer …; "
                                                        f"caaad run sends {TOKEN_ENV})", close=True)
            self._raw = self._read_body()  # always read, so that no unread bytes reset the connection
            status, payload, note = self._route(method)
        except _Refused as e:
            status, payload = e.status, {"error": e.message}
            if e.close:
                self.close_connection = True
        except TimeoutError:
            status, payload, note = HTTPStatus.REQUEST_TIMEOUT, {"error": "the request body did not arrive in time"}, ""
            self.close_connection = True
        except Exception as e:  # a bug in the server itself: still one JSON line for the client
            status, payload, note = HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"server error: {type(e).__name__}"}, type(e).__name__
        elapsed = (time.monotonic() - started) * 1000  # logged before answering: the line is there when the client goes on
        self.server.log(f"{self.client_address[0]} {method} {self._safe_path()} {int(status)} {elapsed:.1f} ms"
                        + (f" {note}" if note else ""))
        self._send(status, payload)

    def _route(self, method: str) -> tuple[HTTPStatus, Any, str]:
        parts = [p for p in self.path.split("?", 1)[0].split("/") if p]
        if method == "GET" and parts == ["openapi.json"]:
            return HTTPStatus.OK, self.server.openapi(), ""
        if parts == ["sessions"]:
            self._allow(method, "POST")
            self._body(optional=True)
            try:
                session_id, session = self.server.open_session(self.client_address[0])
            except _Refused:
                raise
            except Exception as e:
                return HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"cannot create the system: {_one(e)}"}, type(e).__name__
            self._shown = session.number
            return HTTPStatus.CREATED, {"session_id": session_id}, ""
        if len(parts) == 2 and parts[0] == "sessions":
            self._allow(method, "DELETE")
            session = self.server.close_session(parts[1])
            if session is None:
                raise _Refused(HTTPStatus.NOT_FOUND, f"no session '{parts[1][:64]}'")
            self._shown = session.number
            return HTTPStatus.NO_CONTENT, None, ""
        if len(parts) == 4 and parts[0] == "sessions" and parts[2] == "operations":
            self._allow(method, "POST")
            session, op = self.server.session(parts[1]), parts[3]
            self._shown = session.number
            if op not in self.server.contract.operations:
                raise _Refused(HTTPStatus.NOT_FOUND, f"unknown operation '{op[:64]}' (contract {self.server.contract.version})")
            request = self._body()
            invalid = self.server.contract.first_error(op, "request", request)
            if invalid:  # the caller's mistake, not the system's: the adapter never sees it
                raise _Refused(HTTPStatus.BAD_REQUEST, f"operation {op}: request {invalid[0]}: {invalid[1]}")
            return self._call(parts[1], session, op, request)
        raise _Refused(HTTPStatus.NOT_FOUND, "no such resource; see GET /openapi.json")

    def _call(self, session_id: str, session: _Session, op: str, request: dict) -> tuple[HTTPStatus, Any, str]:
        with session.lock:
            session.last_used = time.monotonic()
            if session.adapter is None:
                try:
                    self.server.restore(session_id, session)
                except Exception as e:
                    return HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"the session could not be restored: {_one(e)}"}, \
                        type(e).__name__
            function = getattr(session.adapter, op, None)
            if not callable(function):
                raise _Refused(HTTPStatus.NOT_FOUND, f"operation '{op}' is not offered by this system")
            recorded = json.dumps(request, ensure_ascii=False)  # before the adapter can change it
            try:
                response = function(request)
                body = json.dumps(response, ensure_ascii=False, allow_nan=False).encode("utf-8")
            except Exception as e:  # the system failed or refused: the client reports AdapterFailure
                return HTTPStatus.INTERNAL_SERVER_ERROR, {"error": _one(e)}, type(e).__name__
            if self.server.journal is not None:  # on disk before the answer is sent: acknowledged means kept
                self.server.journal.called(session_id, session.calls, op, recorded)
            session.calls += 1
            session.last_used = time.monotonic()
        return HTTPStatus.OK, body, ""

    def _allow(self, method: str, allowed: str) -> None:
        if method != allowed:
            raise _Refused(HTTPStatus.METHOD_NOT_ALLOWED, f"use {allowed} here")

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise _Refused(HTTPStatus.LENGTH_REQUIRED, "send the body with a Content-Length, not chunked", close=True)
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _Refused(HTTPStatus.BAD_REQUEST, "invalid Content-Length", close=True) from None
        if length < 0:
            raise _Refused(HTTPStatus.BAD_REQUEST, "invalid Content-Length", close=True)
        if length > MAX_REQUEST_BYTES:  # not read: the connection closes after the answer
            raise _Refused(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                           f"request body larger than {MAX_REQUEST_BYTES // (1024 * 1024)} MiB", close=True)
        return self.rfile.read(length) if length > 0 else b""

    def _body(self, optional: bool = False) -> dict:
        if optional and not self._raw.strip():
            return {}
        try:
            request = json.loads(self._raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise _Refused(HTTPStatus.BAD_REQUEST, f"request body is not JSON: {one_line(str(e))}") from None
        if not isinstance(request, dict):
            raise _Refused(HTTPStatus.BAD_REQUEST, "request body must be a JSON object")
        return request

    def _send(self, status: HTTPStatus, payload: Any) -> None:
        body = b"" if payload is None else payload if isinstance(payload, bytes) else \
            json.dumps(payload, ensure_ascii=False).encode("utf-8")
        try:
            self.send_response_only(status)
            self.send_header("Server", self.server_version)
            self.send_header("Date", self.date_time_string())
            if payload is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            if status == HTTPStatus.UNAUTHORIZED:
                self.send_header("WWW-Authenticate", 'Bearer realm="caaad"')
            self.send_header("Content-Length", str(len(body)))
            if self.close_connection:
                self.send_header("Connection", "close")
            # headers and body in one write, so one segment (end_headers() and a write of the body were two)
            self._headers_buffer += [b"\r\n", body]
            self.flush_headers()
        except OSError:  # the client went away; nothing to tell it
            self.close_connection = True

    def _safe_path(self) -> str:
        # Session ids are credentials of a kind: the log shows the session's number instead.
        parts = self.path.split("?", 1)[0][:160].split("/")
        if len(parts) > 2 and parts[1] == "sessions":
            parts[2] = f"#{self._shown}" if self._shown is not None else "#?"
        return "/".join(parts)

    def log_message(self, format: str, *args) -> None:  # http.server's own lines (e.g. malformed requests)
        self.server.log(f"{self.client_address[0]} {one_line(format % args)[:160]}")

    def log_request(self, code="-", size="-") -> None:  # replaced by the one line of _handle
        pass

    def log_error(self, format: str, *args) -> None:
        # http.server's "code 400, message Bad request syntax ('…')" would copy the request line (a session id)
        if args and isinstance(args[0], int):
            self.server.log(f"{self.client_address[0]} - {args[0]} malformed request")
        elif "timed out" not in format % args:  # an idle connection closing is routine
            self.server.log(f"{self.client_address[0]} {one_line(format % args)[:80]}")


def _one(error: BaseException) -> str:
    return one_line(f"{type(error).__name__}: {error}")


def make_server(adapter: str | Callable[[], Any] = DEFAULT_ADAPTER, host: str = "127.0.0.1", port: int = 0,
                log: Callable[[str], None] | None = None, **options) -> BindingServer:
    """A server (not yet serving) for an adapter spec "module:Class" or a factory of adapter instances;
    `options` are BindingServer's (token, limits, journal). Raises AdapterLoadError when the spec cannot
    be loaded, OSError when the address is unusable."""
    if isinstance(adapter, str):
        from .contract.loading import load_adapter
        from .contract.address import is_url
        if is_url(adapter):
            from .contract.errors import AdapterLoadError
            raise AdapterLoadError("caaad serve serves a Python adapter (module:Class), not a URL")
        first = load_adapter(adapter)  # checks the spec and the core operations once
        factory: Callable[[], Any] = type(first)
        del first
    else:
        factory = adapter
    return BindingServer((host, port), factory, log=log, **options)
