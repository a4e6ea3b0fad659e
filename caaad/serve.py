"""`caaad serve`: a Python adapter (default: the reference system) over the HTTP binding of the contract.

One adapter instance per session (POST /sessions), so each scenario of a run gets a fresh system.
The server validates nothing: the kit's client validates requests and responses. It answers
404 for an unknown session or operation, 400 for a body that is not a JSON object, 500 when the
adapter raises, each with {"error": "…"}, and the OpenAPI document at GET /openapi.json. It logs one
line per request — method, path, status, time — never a body, so no personal data reaches the log.
Standard library only (http.server.ThreadingHTTPServer); calls within one session are serialised.
"""

import json
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable

from .contract.loading import DEFAULT_ADAPTER
from .contract.schema import Contract, load_contract, one_line

MAX_REQUEST_BYTES = 16 * 1024 * 1024
MAX_SESSIONS = 1000


@dataclass
class _Session:
    adapter: Any
    lock: threading.Lock = field(default_factory=threading.Lock)


class BindingServer(ThreadingHTTPServer):
    """A ThreadingHTTPServer holding the sessions of one adapter class."""

    daemon_threads = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], factory: Callable[[], Any], *, contract: Contract | None = None,
                 log: Callable[[str], None] | None = None, max_sessions: int = MAX_SESSIONS):
        self.factory = factory
        self.contract = contract or load_contract()
        self.log = log or _log_to_stderr
        self.max_sessions = max_sessions
        self.sessions: dict[str, _Session] = {}
        self.sessions_lock = threading.Lock()
        self._openapi: bytes | None = None
        super().__init__(address, _Handler)

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

    def open_session(self) -> str:
        adapter = self.factory()
        with self.sessions_lock:
            if len(self.sessions) >= self.max_sessions:
                raise _Refused(HTTPStatus.SERVICE_UNAVAILABLE,
                               f"too many open sessions ({self.max_sessions}); end some with DELETE /sessions/{{id}}")
            session_id = uuid.uuid4().hex
            self.sessions[session_id] = _Session(adapter)
        return session_id

    def close_session(self, session_id: str) -> bool:
        with self.sessions_lock:
            session = self.sessions.pop(session_id, None)
        if session is None:
            return False
        close = getattr(session.adapter, "close", None)
        if callable(close):
            with session.lock:
                close()
        return True

    def session(self, session_id: str) -> _Session:
        with self.sessions_lock:
            session = self.sessions.get(session_id)
        if session is None:
            raise _Refused(HTTPStatus.NOT_FOUND, f"no session '{session_id[:64]}'")
        return session


def _log_to_stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


class _Refused(Exception):
    def __init__(self, status: HTTPStatus, message: str):
        self.status, self.message = status, message
        super().__init__(message)


class _Handler(BaseHTTPRequestHandler):
    server: BindingServer
    server_version = "caaad-serve"
    error_content_type = "application/json"
    error_message_format = '{"error": "%(code)d %(message)s"}'

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
        status, note = HTTPStatus.INTERNAL_SERVER_ERROR, ""
        try:
            self._raw = self._read_body()  # always read, so that no unread bytes reset the connection
            status, payload, note = self._route(method)
        except _Refused as e:
            status, payload = e.status, {"error": e.message}
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
                session_id = self.server.open_session()
            except _Refused:
                raise
            except Exception as e:
                return HTTPStatus.INTERNAL_SERVER_ERROR, {"error": f"cannot create the system: {_one(e)}"}, type(e).__name__
            return HTTPStatus.CREATED, {"session_id": session_id}, ""
        if len(parts) == 2 and parts[0] == "sessions":
            self._allow(method, "DELETE")
            if not self.server.close_session(parts[1]):
                raise _Refused(HTTPStatus.NOT_FOUND, f"no session '{parts[1][:64]}'")
            return HTTPStatus.NO_CONTENT, None, ""
        if len(parts) == 4 and parts[0] == "sessions" and parts[2] == "operations":
            self._allow(method, "POST")
            session, op = self.server.session(parts[1]), parts[3]
            if op not in self.server.contract.operations:
                raise _Refused(HTTPStatus.NOT_FOUND, f"unknown operation '{op[:64]}' (contract {self.server.contract.version})")
            function = getattr(session.adapter, op, None)
            if not callable(function):
                raise _Refused(HTTPStatus.NOT_FOUND, f"operation '{op}' is not offered by this system")
            request = self._body()
            try:
                with session.lock:
                    response = function(request)
                body = json.dumps(response, ensure_ascii=False, allow_nan=False).encode("utf-8")
            except Exception as e:  # the system failed or refused: the client reports AdapterFailure
                return HTTPStatus.INTERNAL_SERVER_ERROR, {"error": _one(e)}, type(e).__name__
            return HTTPStatus.OK, body, ""
        raise _Refused(HTTPStatus.NOT_FOUND, "no such resource; see GET /openapi.json")

    def _allow(self, method: str, allowed: str) -> None:
        if method != allowed:
            raise _Refused(HTTPStatus.METHOD_NOT_ALLOWED, f"use {allowed} here")

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            raise _Refused(HTTPStatus.BAD_REQUEST, "send the body with a Content-Length, not chunked")
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            raise _Refused(HTTPStatus.BAD_REQUEST, "invalid Content-Length") from None
        if length > MAX_REQUEST_BYTES:
            raise _Refused(HTTPStatus.BAD_REQUEST, f"request body larger than {MAX_REQUEST_BYTES // (1024 * 1024)} MiB")
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
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Connection", "close")
            self.end_headers()
            if body:
                self.wfile.write(body)
        except OSError:  # the client went away; nothing to tell it
            pass

    def _safe_path(self) -> str:
        # Paths carry session ids and operation names only; cut anything else short and drop queries.
        return self.path.split("?", 1)[0][:160]

    def log_message(self, format: str, *args) -> None:  # http.server's own lines (e.g. malformed requests)
        self.server.log(f"{self.client_address[0]} {one_line(format % args)[:160]}")

    def log_request(self, code="-", size="-") -> None:  # replaced by the one line of _handle
        pass


def _one(error: BaseException) -> str:
    return one_line(f"{type(error).__name__}: {error}")


def make_server(adapter: str | Callable[[], Any] = DEFAULT_ADAPTER, host: str = "127.0.0.1", port: int = 0,
                log: Callable[[str], None] | None = None) -> BindingServer:
    """A server (not yet serving) for an adapter spec "module:Class" or a factory of adapter instances.
    Raises AdapterLoadError when the spec cannot be loaded, OSError when the address is unusable."""
    if isinstance(adapter, str):
        from .contract.loading import load_adapter
        from .contract.http import is_url
        if is_url(adapter):
            from .contract.errors import AdapterLoadError
            raise AdapterLoadError("caaad serve serves a Python adapter (module:Class), not a URL")
        first = load_adapter(adapter)  # checks the spec and the core operations once
        factory: Callable[[], Any] = type(first)
        del first
    else:
        factory = adapter
    return BindingServer((host, port), factory, log=log)


def register(sub) -> None:
    p = sub.add_parser("serve", help="serve a Python adapter (default: the reference system) over HTTP",
                       description="Serve a Python adapter over the HTTP binding of the adapter contract, one "
                                   "adapter instance per session. `caaad run --adapter http://HOST:PORT` tests it.")
    p.add_argument("--adapter", default=DEFAULT_ADAPTER, metavar="MODULE:CLASS",
                   help=f"the adapter class to serve (default: the reference system, {DEFAULT_ADAPTER})")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000; 0 picks a free one)")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    from .usage import UsageError
    from .contract.errors import AdapterLoadError
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port}: not a port number")
    try:
        server = make_server(args.adapter, args.host, args.port)
    except AdapterLoadError as e:
        raise UsageError(f"--adapter {args.adapter}: {e}") from None
    except OSError as e:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: {e.strerror or e}") from None
    with server:
        print(f"caaad serve: {args.adapter} (contract {server.contract.version}) at {server.url}/ "
              f"— test it with: caaad run --adapter {server.url}", flush=True)
        if args.host not in ("127.0.0.1", "localhost", "::1"):
            print("caaad serve: warning: the binding has no authentication; anyone who can reach this "
                  "address can use it", file=sys.stderr, flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("caaad serve: stopped", file=sys.stderr)
    return 0
