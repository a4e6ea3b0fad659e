"""`caaad serve` safe to share: bearer token, limits per client, 413, request-schema 400, keep-alive; sessions
ended when a run is stopped, expired when idle, and kept on disk through kill -9 (--db)."""

import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from caaad.contract import AdapterLoadError, load_adapter
from caaad.contract.http import HttpAdapter
from caaad.reference_impl.adapter import ReferenceAdapter
from caaad.serve import make_server
from httpfakes import free_port, running



TOKEN = "a-test-token-0123456789"


def call(server, method, path, body=None, token=TOKEN, connection=None):
    connection = connection or http.client.HTTPConnection(*server.server_address[:2], timeout=5)
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    connection.request(method, path, body=None if body is None else json.dumps(body), headers=headers)
    response = connection.getresponse()
    text = response.read().decode()
    return response.status, (json.loads(text) if text else None), response


@pytest.fixture
def guarded():
    lines = []
    server = make_server(log=lines.append, token=TOKEN, max_sessions_per_client=2)
    server.lines = lines
    with running(server):
        yield server


def test_every_call_needs_the_token_and_the_log_never_shows_it(guarded, monkeypatch):
    assert call(guarded, "POST", "/sessions", {}, token=None)[0] == 401
    status, body, response = call(guarded, "POST", "/sessions", {}, token="wrong-token-000000000")
    assert status == 401 and body["error"].startswith("missing or wrong bearer token")
    assert response.getheader("WWW-Authenticate", "").startswith("Bearer")
    with pytest.raises(AdapterLoadError, match="HTTP 401"):
        load_adapter(guarded.url)
    monkeypatch.setenv("CAAAD_HTTP_TOKEN", TOKEN)
    adapter = HttpAdapter(guarded.url)
    assert adapter.clock_now({})["now"]
    adapter.close()
    assert not any(TOKEN in line or adapter.session_id in line for line in guarded.lines)


def test_one_client_cannot_take_every_session(guarded):
    assert [call(guarded, "POST", "/sessions", {})[0] for _ in range(3)] == [201, 201, 429]


def test_oversized_body_is_413_and_bad_request_is_400_in_the_error_shape(guarded, monkeypatch):
    monkeypatch.setattr("caaad.serve.MAX_REQUEST_BYTES", 1000)
    session = call(guarded, "POST", "/sessions", {})[1]["session_id"]
    status, body, _ = call(guarded, "POST", f"/sessions/{session}/operations/create_party",
                           {"kind": "consumer", "display_name": "x" * 2000})
    assert status == 413 and set(body) == {"error"}
    status, body, _ = call(guarded, "POST", f"/sessions/{session}/operations/create_party", {"kind": "robot"})
    assert status == 400 and body["error"].startswith("operation create_party: request $")


def test_calls_share_one_kept_connection(guarded):
    connection = http.client.HTTPConnection(*guarded.server_address[:2], timeout=5)
    session = call(guarded, "POST", "/sessions", {}, connection=connection)[1]["session_id"]
    sock = connection.sock
    for _ in range(5):
        status, _, response = call(guarded, "POST", f"/sessions/{session}/operations/clock_now", {}, connection=connection)
        assert status == 200 and response.version == 11
    assert connection.sock is sock, "HTTP/1.1 keep-alive: no new connection per call"


# --- session lifecycle: ended on interrupt, expired when idle, kept across kill -9 -----------------------

class SlowOrders(ReferenceAdapter):
    """Each order takes 0.5 s, so that a run is surely in the middle of a scenario when it is stopped."""

    def place_order(self, request):
        time.sleep(0.5)
        return super().place_order(request)


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_run_ends_its_sessions_on_the_server(tmp_path, signum):
    server = make_server(SlowOrders, log=lambda line: None, token=TOKEN)
    with running(server):
        run = subprocess.Popen([sys.executable, "-m", "caaad", "run", "--adapter", server.url, "--out", str(tmp_path),
                                "-k", "混合支付", "-q"], env={**os.environ, "CAAAD_HTTP_TOKEN": TOKEN},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 30
        while not any(s.calls >= 3 for s in list(server.sessions.values())):  # a scenario is under way
            assert time.monotonic() < deadline and run.poll() is None, "the run never got to a scenario"
            time.sleep(0.02)
        run.send_signal(signum)
        _, stderr = run.communicate(timeout=30)
        assert run.returncode == 130, stderr
        assert "caaad: the run was interrupted" in stderr and "Traceback" not in stderr
        assert not server.sessions, "every session the run opened was closed"


@pytest.fixture
def quickly_idle():
    """A server whose sessions expire after 0.4 s idle (--session-idle 0.4)."""
    with running(make_server(log=lambda line: None, token=TOKEN, session_idle_s=0.4)) as server:
        yield server


def test_an_idle_session_expires_and_says_so(quickly_idle):
    session = call(quickly_idle, "POST", "/sessions", {})[1]["session_id"]
    deadline = time.monotonic() + 5
    while quickly_idle.sessions:  # the server's reaper ends it, with no call to prompt it
        assert time.monotonic() < deadline, "the idle session was never expired"
        time.sleep(0.05)
    status, body, _ = call(quickly_idle, "POST", f"/sessions/{session}/operations/clock_now", {})
    assert status == 404 and body["error"].endswith("(never opened, ended, or expired after 0.4 s idle)")


def test_a_session_in_use_does_not_expire(quickly_idle):
    session = call(quickly_idle, "POST", "/sessions", {})[1]["session_id"]
    for _ in range(8):  # 1.6 s in all, never 0.4 s idle
        time.sleep(0.2)
        assert call(quickly_idle, "POST", f"/sessions/{session}/operations/clock_now", {})[0] == 200


@contextlib.contextmanager
def serve_process(db, port):
    """`caaad serve --db db --port port` in a subprocess; yields (process, URL)."""
    process = subprocess.Popen([sys.executable, "-m", "caaad", "serve", "--port", str(port), "--token", TOKEN, "--db", str(db)],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = process.stdout.readline()
        assert " at http://127.0.0.1:" in line, line
        yield process, line.split(" at ", 1)[1].split("/ ", 1)[0]
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=10)


WRITERS, WRITES = 20, 10  # 200 writes, 20 at a time
PRODUCT = {"category": "electronics", "price_fen": 100, "no_reason_return": {"class": "eligible", "reason": None}}


def test_sessions_on_disk_keep_every_acknowledged_write_through_kill_9(tmp_path, monkeypatch):
    monkeypatch.setenv("CAAAD_HTTP_TOKEN", TOKEN)
    db = tmp_path / "sessions.db"
    acknowledged: dict[str, list[str]] = {}  # session id → titles of the products whose creation was answered
    unexpected = []
    port = free_port()
    with serve_process(db, port) as (process, url):
        adapters = [HttpAdapter(url, timeout=10) for _ in range(WRITERS)]
        merchants = {a.session_id: a.create_party({"kind": "merchant", "display_name": "商家"})["party_id"] for a in adapters}
        started, killed = threading.Barrier(WRITERS + 1), threading.Event()

        def write(adapter):
            titles = acknowledged.setdefault(adapter.session_id, [])
            started.wait()
            for j in range(WRITES):
                title = f"{adapter.session_id[:6]}-{j}"
                try:
                    adapter.create_product({"merchant_id": merchants[adapter.session_id], "title": title, **PRODUCT})
                except Exception as e:
                    if not killed.is_set():  # only the kill may end the writes
                        unexpected.append(e)
                    return
                titles.append(title)

        threads = [threading.Thread(target=write, args=(a,)) for a in adapters]
        for t in threads:
            t.start()
        started.wait()
        while sum(map(len, acknowledged.values())) < WRITERS * WRITES // 2:
            time.sleep(0.001)
        killed.set()
        process.kill()  # SIGKILL: no clean-up of any kind
        for t in threads:
            t.join(timeout=30)
    done = sum(map(len, acknowledged.values()))
    assert not unexpected and WRITERS * WRITES // 2 <= done < WRITERS * WRITES, ("killed amid the writes", unexpected)
    with serve_process(db, port):  # the same address: each adapter goes on with its session
        for restored in adapters:
            titles = acknowledged[restored.session_id]
            # products are G1, G2, … in order: every acknowledged one is there, whole; at most the one in flight more
            kept = [restored.get_product({"product_id": f"G{k + 1}"})["product"]["title"] for k in range(len(titles))]
            assert kept == titles
            extra = restored.create_product({"merchant_id": merchants[restored.session_id], "title": "after", **PRODUCT})
            assert extra["product"]["product_id"] in (f"G{len(titles) + 1}", f"G{len(titles) + 2}")
            if extra["product"]["product_id"] == f"G{len(titles) + 2}":  # the write in flight was journaled whole
                assert restored.get_product({"product_id": f"G{len(titles) + 1}"})["product"]["title"] == \
                    f"{restored.session_id[:6]}-{len(titles)}"


def test_the_http_page_states_the_defaults_of_the_code():
    from caaad import limits, serve
    from caaad.contract import address, http
    page = (Path(__file__).resolve().parents[2] / "docs" / "vendors" / "http.md").read_text(encoding="utf-8")
    rows = {
        "`caaad run --timeout S` (or `CAAAD_HTTP_TIMEOUT`)": f"{address.DEFAULT_TIMEOUT:g} s",
        "`caaad run --scenario-timeout S`": f"{limits.DEFAULT_SCENARIO_LIMIT_S:g} s",
        "size of one answer": f"{http.MAX_RESPONSE_BYTES // 2**20} MiB",
        "`--session-idle S`": f"{serve.SESSION_IDLE_S:g} s",
        "`--max-sessions N`": f"{serve.MAX_SESSIONS} (",
        "`--max-sessions-per-client N`": f"{serve.MAX_SESSIONS_PER_CLIENT} (",
        "`--idle-connection S`": f"{serve.IDLE_CONNECTION_S:g} s",
        "size of one request body": f"{serve.MAX_REQUEST_BYTES // 2**20} MiB",
    }
    for cell, default in rows.items():
        line = next(line for line in page.splitlines() if cell in line)
        assert f"| {default}" in line, (cell, default, line)
