"""Fake vendor systems on 127.0.0.1 for the HTTP tests: a system served over the binding that is the reference
system except where it is told to misbehave, one fault per operation, as a vendor's system or network can.

Every server binds an ephemeral port; `running` serves it in a daemon thread and always shuts it down.
Faults that wait (hang, trickle) wait at most HOLD_S, and stop at once when the server closes, so a test
that fails never leaves a thread behind for long."""

import contextlib
import itertools
import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from caaad.contract import load_contract
from caaad.reference_impl.adapter import ReferenceAdapter

CONTRACT = load_contract()
HOLD_S = 120.0  # longer than any bound a test sets: a fault the client does not cut off makes the test fail
HUGE_BYTES = 40 * 1024 * 1024  # more than the client's MAX_RESPONSE_BYTES (32 MiB)
# What a crash page of a vendor's system may carry: personal data the kit must never copy into its reports.
CRASH_PAGE = ("张三 13812345678 11010519491231002X zhang.san@example.com: Internal Server Error\n"
              "Traceback (most recent call last):\n  ...")
PERSONAL = ("13812345678", "11010519491231002X", "zhang.san@example.com")
FAULTS = ("hang", "trickle", "error500", "bad_json", "drift", "cut_off", "huge", "drop", "redirect", "slow", "die")


@contextlib.contextmanager
def running(server):
    """Serve in a daemon thread; always shut down and close."""
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def free_port() -> int:
    """A port nothing listens on (bound and released at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FakeVendor(ThreadingHTTPServer):
    """The reference system over the binding, with `faults` {operation: fault (one of FAULTS)}; a list of faults
    instead gives the first session that calls the operation the first fault, the next session the next, and
    sessions after the last none (so that one run of several scenarios meets several faults).

    Session ids are s1, s2, … in the order opened. `slow_s` is the delay of the "slow" fault; "die" stops the
    whole server at that call (listener and every open connection), as a crashed system does."""

    daemon_threads = True

    def __init__(self, faults: dict[str, str], slow_s: float = 0.1):
        unknown = {f for v in faults.values() for f in ([v] if isinstance(v, str) else v)} - set(FAULTS)
        assert not unknown, f"no such fault: {unknown}"
        self.faults, self.slow_s = faults, slow_s
        self._met: dict[str, list[str]] = {}  # operation → sessions that called it, in order
        self.sessions: dict[str, ReferenceAdapter] = {}
        self.closed = threading.Event()
        self._connections: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._numbers = itertools.count(1)
        super().__init__(("127.0.0.1", 0), _FakeHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def fault(self, session_id: str, op: str) -> str | None:
        fault = self.faults.get(op)
        if fault is None or isinstance(fault, str):
            return fault
        with self._lock:
            met = self._met.setdefault(op, [])
            if session_id not in met:
                met.append(session_id)
            rank = met.index(session_id)
        return fault[rank] if rank < len(fault) else None

    def die(self) -> None:
        """Stop answering at once: no listener, every connection reset."""
        self.closed.set()
        with contextlib.suppress(OSError):
            self.socket.close()
        with self._lock:
            for connection in self._connections:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)

    def server_close(self) -> None:
        self.closed.set()  # releases hanging and trickling answers
        super().server_close()

    def track(self, connection: socket.socket, open_: bool) -> None:
        with self._lock:
            (self._connections.add if open_ else self._connections.discard)(connection)


class _FakeHandler(BaseHTTPRequestHandler):
    server: FakeVendor
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, *args):
        pass

    def handle(self):
        self.server.track(self.connection, True)
        try:
            with contextlib.suppress(OSError):  # the client gave up on a hanging or trickling answer: as meant
                super().handle()
        finally:
            self.server.track(self.connection, False)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = [p for p in self.path.split("/") if p]
        if parts == ["sessions"]:
            session_id = f"s{next(self.server._numbers)}"
            self.server.sessions[session_id] = ReferenceAdapter()
            return self._answer(201, json.dumps({"session_id": session_id}).encode())
        session, op = self.server.sessions.get(parts[1]), parts[-1]
        fault = self.server.fault(parts[1], op)
        if fault is not None and fault != "slow":
            return getattr(self, "_" + fault)(op)
        if fault == "slow":
            time.sleep(self.server.slow_s)
        try:
            response = getattr(session, op)(json.loads(body))
        except Exception as e:
            return self._answer(500, json.dumps({"error": f"{type(e).__name__}: {e}"}, ensure_ascii=False).encode())
        return self._answer(200, json.dumps(response, ensure_ascii=False).encode())

    def do_DELETE(self):
        self.server.sessions.pop(self.path.rsplit("/", 1)[-1], None)
        self._answer(204, b"")

    # --- the faults, one method each -----------------------------------------------------------------------

    def _hang(self, op):
        self.server.closed.wait(HOLD_S)
        self.close_connection = True

    def _trickle(self, op):  # a byte every 0.05 s of an answer announced as 1000 bytes
        self._head(200, {"Content-Length": "1000"})
        for _ in range(int(HOLD_S / 0.05)):
            if self.server.closed.wait(0.05):
                break
            self.wfile.write(b" ")
            self.wfile.flush()
        self.close_connection = True

    def _error500(self, op):
        self._answer(500, CRASH_PAGE.encode(), "text/plain")

    def _bad_json(self, op):
        self._answer(200, b"<html>It works!</html>", "text/html")

    def _drift(self, op):  # valid JSON, but the first property the contract requires has the wrong type
        self._answer(200, json.dumps({CONTRACT.operations[op].response_schema["required"][0]: 42}).encode())

    def _cut_off(self, op):  # announces 100 bytes, sends 12, hangs up
        self._head(200, {"Content-Length": "100"})
        self.wfile.write(b'{"complaint"')
        self.close_connection = True

    def _huge(self, op):  # a chunked answer with no announced length that never ends before HUGE_BYTES
        self._head(200, {"Transfer-Encoding": "chunked"})
        chunk = b" " * (1024 * 1024)
        for _ in range(HUGE_BYTES // len(chunk)):
            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        self.close_connection = True

    def _drop(self, op):  # closes the connection without an answer
        self.close_connection = True

    def _redirect(self, op):
        self._answer(302, b"", headers={"Location": "/elsewhere"})

    def _die(self, op):
        self.close_connection = True
        self.server.die()

    def _head(self, status, headers, content_type="application/json"):
        self.send_response(status)
        if status != 204:
            self.send_header("Content-Type", content_type)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()

    def _answer(self, status, body, content_type="application/json", headers=()):
        self._head(status, {"Content-Length": str(len(body)), **dict(headers)}, content_type)
        self.wfile.write(body)
