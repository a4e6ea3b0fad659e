"""`caaad serve` safe to share: bearer token, limits per client, 413, request-schema 400, keep-alive."""

import http.client
import threading
import json

import pytest

from caaad.contract import AdapterLoadError, load_adapter
from caaad.contract.http import HttpAdapter
from caaad.serve import make_server
from httpfakes import running



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
