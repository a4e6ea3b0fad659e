"""The HTTP binding: HttpAdapter (client), `caaad serve` (server), the OpenAPI document, and `caaad run`
against systems served over HTTP — a conforming one, a broken one, and ones that fail as networks do.

Every server binds 127.0.0.1 on an ephemeral port and is shut down by the test that started it."""

import contextlib
import copy
import json
import os
import re
import selectors
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

import launch
from caaad import cli
from caaad.contract import (AdapterFailure, AdapterLoadError, ContractClient, ContractViolation, check_adapter,
                            load_adapter, load_contract)
from caaad.contract.address import redact
from caaad.contract.http import HttpAdapter, HttpFailure
from caaad.contract.openapi import openapi_document, request_component, response_component
from caaad.contract.render import render_markdown
from caaad.reference_impl.adapter import ReferenceAdapter
from caaad.serve import make_server
from httpfakes import FakeVendor, free_port, running

CONTRACT = load_contract()
SUITE_DIR = Path(__file__).resolve().parents[1] / "suite"
T0 = "2024-03-01T10:00:00+08:00"
# Scenarios that catch mutants:RefundToBalance (5.4.1.b-3), plus neighbours it must not break.
REFUND_SCENARIOS = "混合支付 or 商品完好时 or 经消费者同意"


@pytest.fixture(scope="module")
def reference():
    """The reference system served over HTTP; `reference.lines` is its log."""
    lines = []
    server = make_server("caaad.reference_impl.adapter:ReferenceAdapter", "127.0.0.1", 0, log=lines.append)
    server.lines = lines
    with running(server):
        yield server


def raw(method, url, body=None, data=None):
    """(status, parsed JSON or None) of one plain request, whatever the status."""
    if body is not None:
        data = json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=5) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    return status, (json.loads(text) if text else None)


# --- the walk: every operation of the contract against the reference system ----------------------------

class Recorder:
    """Wraps an adapter and records every call, so two systems can be compared call by call."""

    def __init__(self, inner):
        self.inner, self.transcript = inner, []

    def __getattr__(self, op):
        method = getattr(self.inner, op)
        def record(request):
            response = method(request)
            self.transcript.append((op, request, response))
            return response
        return record


def walk(client: ContractClient) -> None:
    """One business story touching every operation (as tests/reference_impl/test_ref_adapter.py)."""
    def call(op, **request):
        return client.call(op, request)
    call("describe")
    call("clock_now")
    merchant = call("create_party", kind="merchant", display_name="测试商家")["party_id"]
    consumer = call("create_party", kind="consumer", display_name="测试消费者张三")["party_id"]
    call("clock_advance", to=T0)

    def product(category="electronics", **extra):
        return call("create_product", merchant_id=merchant, title=f"{category}商品", category=category, price_fen=10000,
                    no_reason_return={"class": "eligible", "reason": None}, **extra)["product"]

    def order(item):
        return call("place_order", consumer_id=consumer, items=[{"product_id": item["product_id"], "quantity": 1}],
                    payments=[{"method": "card", "amount_fen": 6000}, {"method": "points", "amount_fen": 4000}])["order"]

    def request(placed, ground="no_reason"):
        return call("request_after_sales", order_id=placed["order_id"], ground=ground, remedy="return_refund",
                    lines=[{"line_id": placed["lines"][0]["line_id"], "quantity": 1}])["after_sales"]

    goods = product(gifts=[{"title": "收纳包", "marked_price_fen": 1500, "market_value_fen": 1200}])
    call("get_product", product_id=goods["product_id"])
    placed = order(goods)
    call("get_order", order_id=placed["order_id"])
    call("deliver_order", order_id=placed["order_id"], outcome="signed")
    returned = request(placed)
    call("ship_return", after_sales_id=returned["after_sales_id"], freight_paid_fen=0)
    call("receive_return", after_sales_id=returned["after_sales_id"], lines=returned["lines"], inspected=False)
    call("inspect_return", after_sales_id=returned["after_sales_id"], lines=returned["lines"])
    disputed = request(placed, ground="quality_problem")
    call("merchant_decide", after_sales_id=disputed["after_sales_id"], decision="reject", reason="无质量问题")
    call("request_intervention", after_sales_id=disputed["after_sales_id"])
    call("submit_evidence", after_sales_id=disputed["after_sales_id"], party="consumer", kind="video", description="视频")
    call("record_agreement", order_id=placed["order_id"], after_sales_id=disputed["after_sales_id"],
         remedy="partial_refund", amount_fen=1000)
    call("get_after_sales", after_sales_id=disputed["after_sales_id"])
    service = product("service", service={"starts_at": None, "cancellation_rules": "随时退",
                                           "cancellation_fees": [{"min_hours_before_start": 0, "fee_percent": 0}]})
    call("cancel_service_order", order_id=order(service)["order_id"])
    review = call("submit_review", order_id=placed["order_id"], rating=2, text="一般")["review"]
    call("list_reviews", product_id=goods["product_id"])
    call("request_review_removal", review_id=review["review_id"], merchant_id=merchant, ground="negative_opinion",
         detail="差评")
    call("file_review_appeal", review_id=review["review_id"], merchant_id=merchant, reasons="描述不实")
    recipient = {"name": "测试第三方", "kind": "third_party", "contact": "测试第三方客服"}
    consent = call("record_consent", consumer_id=consumer, recipient=recipient, purpose="推荐",
                   data_types=["phone_number"])["consent"]
    call("request_data_disclosure", discloser="platform", consumer_id=consumer, recipient=recipient, purpose="推荐",
         data_types=["phone_number"], consent_id=consent["consent_id"])
    call("withdraw_consent", consent_id=consent["consent_id"])
    call("report_incident", data_types=["phone_number"], cause="模拟泄露", affected_consumer_ids=[consumer])
    consultation = call("submit_consultation", consumer_id=consumer, channel_id="platform-online-text", topic="refund",
                        text="怎么退款？", order_id=placed["order_id"])["consultation"]
    call("get_consultation", consultation_id=consultation["consultation_id"])
    complaint = call("submit_complaint", consumer_id=consumer, against="merchant", text="不发货")["complaint"]
    call("respond_complaint", complaint_id=complaint["complaint_id"], by="merchant", text="已发货", close=True,
         outcome="商家已发货")
    call("get_complaint", complaint_id=complaint["complaint_id"])
    operator = call("create_party", kind="live_room_operator", display_name="测试直播间")["party_id"]
    session = call("open_live_session", live_room_operator_id=operator, anchor_name="测试主播",
                   products=[{"product_id": goods["product_id"], "live_price_fen": 8000, "stock_quantity": 1}])["live_session"]
    sid = session["live_session_id"]
    call("post_live_comment", live_session_id=sid, consumer_id=consumer, text="能退货吗？")
    call("update_live_stock", live_session_id=sid, product_id=goods["product_id"], stock_quantity=2)
    call("place_order", consumer_id=consumer, items=[{"product_id": goods["product_id"], "quantity": 1}],
         payments=[{"method": "card", "amount_fen": 8000}], live_session_id=sid)
    call("get_live_product", live_session_id=sid, product_id=goods["product_id"])
    report = call("submit_violation_report", reporter_id=consumer, text="虚假宣传", live_session_id=sid)["report"]
    call("get_violation_report", report_id=report["report_id"])
    call("close_live_session", live_session_id=sid)
    call("get_live_session", live_session_id=sid)
    planned = product(warranty_days=365, after_sales_plan={
        "agreed_with": operator, "agreed_at": T0, "ship_within_hours": 48, "stock_quantity": 100, "presale_quantity": 50,
        "logistics_method": "快递配送", "return_exchange_method": "寄回商家", "return_handling_days": 15,
        "complaint_process": "受理、核实、答复、办结", "complaint_feedback_hours": 24})
    asked = call("submit_consultation", consumer_id=consumer, channel_id="merchant-online-text", topic="logistics",
                 text="发货了吗？", order_id=order(planned)["order_id"])["consultation"]
    call("get_consultation", consultation_id=asked["consultation_id"])
    call("get_after_sales_rules")
    call("clock_advance", by="P8D")


def test_every_operation_round_trips_exactly_as_in_process(reference):
    in_process, over_http = Recorder(ReferenceAdapter()), Recorder(HttpAdapter(reference.url))
    walk(ContractClient(in_process))
    walk(ContractClient(over_http))  # ContractClient validates every request and response on the way
    assert {op for op, _, _ in over_http.transcript} == set(CONTRACT.operations)
    assert over_http.transcript == in_process.transcript
    over_http.inner.close()


def test_http_adapter_has_one_method_per_operation_and_loads_from_a_url(reference):
    assert all(callable(getattr(HttpAdapter, op)) for op in CONTRACT.operations)
    adapter = load_adapter(reference.url + "/")
    assert isinstance(adapter, HttpAdapter) and check_adapter(adapter) == []
    assert adapter.describe({})["name"] == "caaad reference system"
    adapter.close()


# In a new interpreter: the modules `caaad run` has loaded once it has opened a system and before it starts pytest.
NETWORK_MODULES = """
import json, sys
from caaad import cli, plugin, results
from caaad.contract import AdapterLoadError, opened_adapter
try:
    with opened_adapter(sys.argv[1]):
        pass
except AdapterLoadError:  # nothing serves the URL: its HttpAdapter was made and could not open a session
    pass
print(json.dumps(sorted(m for m in ("caaad.contract.http", "caaad.serve", "http.client", "http.server") if m in sys.modules)))
"""


@pytest.mark.parametrize("spec, loaded", [
    ("caaad.reference_impl.adapter:ReferenceAdapter", []),
    ("http://127.0.0.1:9/", ["caaad.contract.http", "http.client"]),
])
def test_the_network_modules_are_loaded_only_for_a_system_served_over_http(spec, loaded):
    done = subprocess.run([sys.executable, "-c", NETWORK_MODULES, spec], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == loaded


def test_sessions_are_isolated_and_end(reference):
    first, second = HttpAdapter(reference.url), HttpAdapter(reference.url)
    assert first.session_id != second.session_id
    start = second.clock_now({})["now"]
    assert first.clock_advance({"by": "P3D"})["now"] != start
    assert second.clock_now({})["now"] == start  # its own clock
    assert first.create_party({"kind": "merchant", "display_name": "甲"})["party_id"] == \
        second.create_party({"kind": "merchant", "display_name": "乙"})["party_id"]  # its own parties
    first.close()
    assert first.closed and not second.closed
    with pytest.raises(AdapterFailure) as caught:
        ContractClient(first).call("clock_now", {})
    assert f"HTTP 404: no session '{first.session_id}'" in str(caught.value)
    first.close()  # idempotent
    assert second.clock_now({})["now"] == start
    second.close()


def test_sessions_end_when_the_adapter_is_collected(reference):
    adapter = HttpAdapter(reference.url)
    session_id = adapter.session_id
    assert session_id in reference.sessions
    del adapter  # CPython: the finalizer runs now
    assert session_id not in reference.sessions


def test_a_system_failure_is_an_adapter_failure_with_the_systems_reason(reference):
    client = ContractClient(HttpAdapter(reference.url))
    with pytest.raises(AdapterFailure) as caught:
        client.call("get_order", {"order_id": "O404"})
    url = f"{reference.url}/sessions/{client.adapter.session_id}/operations/get_order"
    assert str(caught.value) == f"operation get_order: adapter failed: HttpFailure: {url}: HTTP 500: NotFound: no order with id 'O404'"
    client.adapter.close()


class WithoutInspection(ReferenceAdapter):
    """Declares the returns capability but lacks inspect_return."""
    inspect_return = None


def test_an_operation_the_server_does_not_offer_is_404_and_an_adapter_failure():
    with running(make_server(WithoutInspection, log=lambda line: None)) as server:
        client = ContractClient(HttpAdapter(server.url))
        with pytest.raises(AdapterFailure) as caught:
            client.call("inspect_return", copy.deepcopy(CONTRACT.operations["inspect_return"].example["request"]))
        assert str(caught.value).endswith("/operations/inspect_return: HTTP 404: operation 'inspect_return' is not offered by this system")
        assert "\n" not in str(caught.value)
        with pytest.raises(HttpFailure, match=r"/operations/no_such_operation: HTTP 404: unknown operation 'no_such_operation' \(contract "):
            client.adapter.call("no_such_operation", {})


def test_server_answers_errors_as_json(reference):
    base = reference.url
    status, body = raw("POST", base + "/sessions", {})
    assert status == 201 and set(body) == {"session_id"}
    session = f"{base}/sessions/{body['session_id']}"
    status, body = raw("POST", session + "/operations/clock_now", data=b"{not json")
    assert status == 400 and body["error"].startswith("request body is not JSON")
    assert raw("POST", session + "/operations/clock_now", [1, 2]) == (400, {"error": "request body must be a JSON object"})
    assert raw("POST", session + "/operations/get_order", {"order_id": "O1"})[0] == 500
    assert raw("POST", base + "/sessions/nope/operations/clock_now", {}) == (404, {"error": "no session 'nope' (never opened, ended, or expired after 600 s idle)"})
    assert raw("GET", session + "/operations/clock_now") == (405, {"error": "use POST here"})
    assert raw("POST", base + "/elsewhere", {})[0] == 404
    assert raw("DELETE", session) == (204, None)
    assert raw("DELETE", session) == (404, {"error": f"no session '{session.rsplit('/', 1)[1]}'"})
    status, document = raw("GET", base + "/openapi.json")
    assert status == 200 and document == json.loads(json.dumps(openapi_document(), ensure_ascii=False))


def test_server_logs_one_line_per_request_without_bodies():
    lines = []
    with running(make_server(log=lines.append)) as server:
        adapter = HttpAdapter(server.url)
        adapter.create_party({"kind": "consumer", "display_name": "测试消费者李四"})
        with pytest.raises(HttpFailure):
            adapter.get_order({"order_id": "O-李四"})
        adapter.close()
    assert len(lines) == 4, lines
    assert lines[0].startswith("127.0.0.1 POST /sessions 201 ")
    assert lines[1].startswith("127.0.0.1 POST /sessions/#1/operations/create_party 200 ")  # its number, not its id
    assert lines[2].startswith("127.0.0.1 POST /sessions/#1/operations/get_order 500 ")
    assert lines[2].endswith(" ms NotFound")  # the kind of failure, not its message
    assert lines[3].startswith("127.0.0.1 DELETE /sessions/#1 204 ")
    assert not any("李四" in line or "consumer" in line or adapter.session_id in line for line in lines)


# --- faults: the fake vendor breaks the binding in one way per operation ------------------------------

@pytest.fixture
def faulty():
    faults = {"clock_now": "bad_json", "get_order": "error500", "get_product": "drift", "create_party": "hang",
              "get_after_sales": "drop", "place_order": "cut_off", "create_product": "trickle",
              "deliver_order": "redirect"}
    with running(FakeVendor(faults)) as server:
        host, port = server.server_address
        yield f"http://tester:s3cret@{host}:{port}"


@pytest.mark.parametrize("op, request_, cause", [
    ("clock_now", {}, r"HTTP 200 with a body that is not JSON \(Expecting value: line 1 column 1 \(char 0\)\): '<html>It works!</html>'"),
    ("get_order", {"order_id": "O1"}, r"HTTP 500: '张三 13812345678 .+: Internal Server Error .*…'"),
    ("create_party", {"kind": "consumer", "display_name": "x"}, r"no complete answer within 0\.3 s \(after 0 bytes\)"),
    ("get_after_sales", {"after_sales_id": "A1"}, r"connection closed by the system without an answer"),
    ("deliver_order", {"order_id": "O1", "outcome": "signed"}, r"HTTP 302"),
    ("place_order", CONTRACT.operations["place_order"].example["request"], r"answer cut off after 12 bytes \(88 more were announced\)"),
    ("create_product", CONTRACT.operations["create_product"].example["request"], r"no complete answer within 0\.3 s \(after \d+ bytes\)"),
])
def test_faults_are_one_line_adapter_failures_without_credentials(faulty, op, request_, cause):
    client = ContractClient(HttpAdapter(faulty, timeout=0.3))
    started = time.monotonic()
    with pytest.raises(AdapterFailure) as caught:
        client.call(op, request_)
    message = str(caught.value)
    assert time.monotonic() - started < 3
    assert "\n" not in message and "s3cret" not in message and "tester" not in message
    prefix = f"operation {op}: adapter failed: HttpFailure: {redact(faulty)}/sessions/s1/operations/{op}: "
    assert message.startswith(prefix), message
    assert re.fullmatch(cause, message[len(prefix):]), message


def test_an_answer_outside_the_contract_is_a_violation_not_a_failure(faulty):
    with pytest.raises(ContractViolation, match=r"operation get_product: response \$\.product: 42 is not of type 'object'"):
        ContractClient(HttpAdapter(faulty, timeout=0.3)).call("get_product", {"product_id": "G1"})


def test_credentials_in_the_url_are_sent_as_basic_auth_and_never_shown(faulty):
    adapter = HttpAdapter(faulty, timeout=0.3)
    assert adapter._transport.headers["Authorization"] == "Basic dGVzdGVyOnMzY3JldA=="
    assert "s3cret" not in adapter.base_url + repr(adapter)
    assert redact("http://a:b@h:1/x") == "http://h:1/x" and redact("mod:Class") == "mod:Class"


def test_unreachable_url_is_a_load_error():
    port = free_port()
    with pytest.raises(AdapterLoadError) as caught:
        load_adapter(f"http://127.0.0.1:{port}")
    assert str(caught.value) == f"cannot reach http://127.0.0.1:{port}/: connection refused"
    with pytest.raises(AdapterLoadError, match="is not http"):
        load_adapter("http://")


def test_a_server_that_is_not_the_binding_is_a_load_error():
    with running(ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)) as server:  # answers 501
        host, port = server.server_address
        with pytest.raises(AdapterLoadError, match=rf"^cannot open a session at http://127\.0\.0\.1:{port}/sessions: HTTP 501"):
            load_adapter(f"http://{host}:{port}")


# --- the OpenAPI document and the contract page -------------------------------------------------------

def test_openapi_document_has_every_operation_with_its_schemas():
    document = openapi_document()
    assert document["openapi"].startswith("3.1") and document["info"]["version"] == CONTRACT.version
    schemas = document["components"]["schemas"]
    registry = Registry().with_resource("urn:caaad:openapi", DRAFT202012.create_resource(document))
    for op in CONTRACT.operations.values():
        post = document["paths"][f"/sessions/{{session_id}}/operations/{op.name}"]["post"]
        assert post["operationId"] == op.name
        body = post["requestBody"]["content"]["application/json"]["schema"]
        answer = post["responses"]["200"]["content"]["application/json"]["schema"]
        assert body == {"$ref": f"#/components/schemas/{request_component(op.name)}"}
        assert answer == {"$ref": f"#/components/schemas/{response_component(op.name)}"}
        assert {"400", "404", "500"} <= set(post["responses"])
        for part, name in (("request", request_component(op.name)), ("response", response_component(op.name))):
            assert name in schemas
            validator = Draft202012Validator({"$ref": f"urn:caaad:openapi#/components/schemas/{name}"}, registry=registry)
            assert list(validator.iter_errors(op.example[part])) == [], (op.name, part)
        broken = {**op.example["request"], "no_such_field": 1}
        assert not Draft202012Validator({"$ref": f"urn:caaad:openapi#/components/schemas/{request_component(op.name)}"},
                                        registry=registry).is_valid(broken)
    assert set(CONTRACT.defs) <= set(schemas)
    refs = set()
    def collect(node):
        if isinstance(node, dict):
            refs.update(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)
    collect(document)
    assert {r.removeprefix("#/components/schemas/") for r in refs} <= set(schemas)
    assert all(r.startswith("#/components/schemas/") for r in refs)
    assert "/sessions" in document["paths"] and "delete" in document["paths"]["/sessions/{session_id}"]


def test_caaad_contract_openapi_prints_it(capsys):
    assert cli.main(["contract", "openapi"]) == 0
    assert json.loads(capsys.readouterr().out) == json.loads(json.dumps(openapi_document()))


def test_contract_page_documents_the_binding():
    page = render_markdown(CONTRACT)
    section = page.split("\n## HTTP binding\n", 1)[1].split("\n## ", 1)[0]
    for text in ("`POST {base}/sessions`", "`POST {base}/sessions/{session_id}/operations/{operation}`",
                 "`DELETE {base}/sessions/{session_id}`", "`404`", "`400`", "`500`", '{"error":', "caaad contract openapi"):
        assert text in section, text


# --- `caaad run` against systems over HTTP ---------------------------------------------------------------

class HangsOnDelivery(ReferenceAdapter):
    def deliver_order(self, request):
        time.sleep(1.5)
        return super().deliver_order(request)


SERVE_TOKEN = "test-token-0123456789"  # caaad_serve's --token; sent by every caaad run here


def caaad(*args, env=None, timeout=60):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SUITE_DIR), os.environ.get("PYTHONPATH")])),
           "CAAAD_HTTP_TOKEN": SERVE_TOKEN, **(env or {})}
    return launch.caaad(*args, env=env, timeout=timeout)


def caaad_run(url, out, *args, env=None):
    done = caaad("run", "--adapter", url, "--out", str(out), *args, env=env)
    assert "Traceback" not in done.stdout + done.stderr, done.stdout[-2000:] + done.stderr[-2000:]
    results = out / "results.json"
    return done, (json.loads(results.read_text(encoding="utf-8")) if results.is_file() else None)


@contextlib.contextmanager
def caaad_serve(adapter):
    """`caaad serve --port 0` in a subprocess; yields its URL (read from its first line)."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(SUITE_DIR), os.environ.get("PYTHONPATH")]))}
    process = subprocess.Popen([sys.executable, "-m", "caaad", "serve", "--adapter", adapter, "--port", "0", "--token", SERVE_TOKEN],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            assert selector.select(timeout=20), "caaad serve printed nothing"
        line = process.stdout.readline()
        assert " at http://127.0.0.1:" in line, line + process.stderr.read()
        yield line.split(" at ", 1)[1].split("/ ", 1)[0]
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def broken(results):
    return {o["id"] for o in results["obligations"] if o["outcome"] in ("failed", "error")}


@pytest.fixture(scope="module")
def runs(tmp_path_factory, reference):
    """The `caaad run`s of this module, in parallel: (exit code, stdout+stderr, results) each."""
    base = tmp_path_factory.mktemp("http-runs")
    servers = contextlib.ExitStack()
    hanging = servers.enter_context(running(make_server(HangsOnDelivery, log=lambda line: None)))
    mutant_url = servers.enter_context(caaad_serve("mutants:RefundToBalance"))
    jobs = {
        "reference": lambda: caaad_run(reference.url, base / "reference"),
        "mutant_http": lambda: caaad_run(mutant_url, base / "mutant_http", "-k", REFUND_SCENARIOS),
        "mutant_in_process": lambda: caaad_run("mutants:RefundToBalance", base / "mutant_in_process", "-k", REFUND_SCENARIOS),
        "hanging": lambda: caaad_run(hanging.url, base / "hanging", "-k", "商品完好时", env={"CAAAD_HTTP_TIMEOUT": "0.5"}),
    }
    with servers, ThreadPoolExecutor(max_workers=2) as pool:  # the full run on one worker, the rest on the other
        futures = {name: pool.submit(job) for name, job in jobs.items()}
        return {name: future.result() for name, future in futures.items()}


def test_reference_system_over_http_passes_the_whole_suite(runs, reference):
    done, results = runs["reference"]
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert results["summary"]["scenarios"] == {"passed": len(results["scenarios"])} and len(results["scenarios"]) > 50
    assert results["adapter"]["spec"] == reference.url
    assert results["adapter"]["describe"]["name"] == "caaad reference system"
    assert not reference.sessions, "every session the run opened was closed"


def test_broken_system_over_http_fails_the_same_obligations_as_in_process(runs):
    (over_http, http_results), (in_process, process_results) = runs["mutant_http"], runs["mutant_in_process"]
    assert over_http.returncode == in_process.returncode == 1
    assert broken(http_results) == broken(process_results) == {"5.4.1.b-3"}
    outcome = lambda results: {s["name"]: (s["outcome"], s["message"]) for s in results["scenarios"]}
    assert outcome(http_results) == outcome(process_results)


def test_a_system_hanging_over_http_is_an_error_after_the_timeout(runs):
    done, results = runs["hanging"]
    assert done.returncode == 1
    messages = {s["message"] for s in results["scenarios"]}
    assert messages and all(m.endswith("/operations/deliver_order: no complete answer within 0.5 s (after 0 bytes)") for m in messages), messages


def test_caaad_serve_refuses_what_it_cannot_serve():
    done = caaad("serve", "--adapter", "no_such_vendor_mod:Adapter", "--port", "0", timeout=30)
    assert done.returncode == 2 and done.stderr.strip() == \
        "caaad: --adapter no_such_vendor_mod:Adapter: cannot import module 'no_such_vendor_mod': No module named 'no_such_vendor_mod'"
