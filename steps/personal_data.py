"""Consumers' personal data (4.3, 5.3.2.a, 5.3.3.a, 5.3.3.b): no disclosure to a third party (affiliates
included) without the consumer's separate consent naming the recipient; with it, only to that recipient
and only the data types consented to; none after withdrawal; the courier gets the delivery or pickup
address to perform the contract; a leak starts remedial measures at once and produces notifications
with the items of PIPL Art 57. Data types are category names: the suite sends no personal data."""

from __future__ import annotations

from pytest_bdd import parsers, then, when

from .common import Scenario, china, now, p, parse_timestamp

DATA_TYPE = {
    "姓名": "name", "身份证号": "id_number", "手机号": "phone_number", "收货地址": "delivery_address",
    "取件地址": "pickup_address", "位置": "location", "消费者名单": "consumer_list_entry",
    "交易记录": "transaction_record", "支付账户": "payment_account",
}
RECIPIENT_KIND = {"第三方": "third_party", "关联公司": "affiliate", "快递公司": "courier"}
DISCLOSER = {"商家": "merchant", "平台": "platform"}
# One rule, whoever discloses (merchant, platform or any market participant): PIPL Art 13, 21, 23.
RULE = ("consumers' personal information goes to a third party, affiliates included, only with the consumer's "
        "separate consent or where the law provides otherwise (PIPL Art 13, 21, 23)")


def data_types(text: str) -> list[str]:
    return [DATA_TYPE[name.strip()] for name in text.split(",")]


def recipient(kind: str, name: str) -> dict:
    return {"name": name, "kind": RECIPIENT_KIND[kind], "contact": f"{name}个人信息保护联系人"}


@when(p('消费者单独同意向{kind} "{name}" 为 "{purpose}" 提供其 "{types}"'))
def consent(sut, ctx: Scenario, kind: str, name: str, purpose: str, types: str):
    ctx.notes["consent"] = sut.call("record_consent", {"consumer_id": ctx.consumer_id, "recipient": recipient(kind, name),
                                                       "purpose": purpose, "data_types": data_types(types)})["consent"]


@when('消费者撤回该同意')
def withdraw(sut, ctx: Scenario):
    ctx.notes["consent"] = sut.call("withdraw_consent", {"consent_id": ctx.notes["consent"]["consent_id"]})["consent"]


_ASK = (r'(?P<discloser>商家|平台)为 "(?P<purpose>[^"]*)" 请求向(?P<kind>第三方|关联公司|快递公司) "(?P<name>[^"]*)" '
        r'提供消费者的 "(?P<types>[^"]*)"，(?P<basis>未取得消费者同意|出示消费者的该项单独同意)')


@when(parsers.re(_ASK))
def ask_disclosure(sut, ctx: Scenario, discloser: str, purpose: str, kind: str, name: str, types: str, basis: str):
    consent_id = ctx.notes["consent"]["consent_id"] if basis.startswith("出示") else None
    request = {"discloser": DISCLOSER[discloser], "consumer_id": ctx.consumer_id, "recipient": recipient(kind, name),
               "purpose": purpose, "data_types": data_types(types), "consent_id": consent_id}
    if ctx.order is not None:
        request["order_id"] = ctx.order["order_id"]
    ctx.notes["asked"] = request
    ctx.notes["disclosure"] = sut.call("request_data_disclosure", request)["disclosure"]


def _asked(ctx: Scenario) -> str:
    asked = ctx.notes["asked"]
    return (f"{asked['discloser']} asked to give {', '.join(asked['data_types'])} to {asked['recipient']['kind']} "
            f"{asked['recipient']['name']} for {asked['purpose']!r} with consent {asked['consent_id']}")


@then('该个人信息提供请求被拒绝')
def refused(obligations, ctx: Scenario):
    req, disclosure = obligations, ctx.notes["disclosure"]
    consent = ctx.notes.get("consent")
    context = "" if consent is None else (
        f" (the consumer's consent names {consent['recipient']['name']} for {', '.join(consent['data_types'])}"
        f"{', withdrawn at ' + consent['withdrawn_at'] if consent['withdrawn_at'] else ''})")
    assert disclosure["decision"] == "refused" and disclosure["legal_basis"] is None, (
        f"{req}: {RULE}; without a separate consent naming the recipient and covering the data types it is "
        f"refused{context}; {_asked(ctx)} and the system answered {disclosure['decision']} "
        f"(basis {disclosure['legal_basis']}, reason {disclosure['reason']!r})")


@then('该个人信息提供请求依消费者的单独同意获准')
def allowed_by_consent(obligations, ctx: Scenario):
    req, disclosure = obligations, ctx.notes["disclosure"]
    assert disclosure["decision"] == "allowed" and disclosure["legal_basis"] == "separate_consent", (
        f"{req}: {RULE}; with the consumer's separate consent naming this recipient, its contact, the purpose "
        f"and the data types the data may go to it; {_asked(ctx)} and the system answered {disclosure['decision']} "
        f"(basis {disclosure['legal_basis']}, reason {disclosure['reason']!r})")
    assert disclosure["recipient"]["name"] == ctx.notes["asked"]["recipient"]["name"], (
        f"{req}: the data goes only to the recipient the consent names; the record names {disclosure['recipient']['name']}")


@then('该个人信息为履行合同提供给快递公司，无需消费者同意')
def allowed_for_delivery(obligations, ctx: Scenario):
    req, disclosure = obligations, ctx.notes["disclosure"]
    assert disclosure["decision"] == "allowed" and disclosure["legal_basis"] == "contract_performance", (
        f"{req}: the exception 'where laws or regulations provide otherwise' covers giving the courier the address "
        f"it needs to perform the contract (PIPL Art 13(2)), without consent; {_asked(ctx)} and the system answered "
        f"{disclosure['decision']} (basis {disclosure['legal_basis']}, reason {disclosure['reason']!r})")


@when(p('平台登记一起模拟的个人信息泄露事件：泄露 "{types}"，原因 "{cause}"，涉及该消费者'))
def report_leak(sut, ctx: Scenario, types: str, cause: str):
    ctx.notes["leak"] = {"data_types": data_types(types), "cause": cause, "affected_consumer_ids": [ctx.consumer_id]}
    ctx.notes["reported_at"] = now(sut)
    ctx.notes["incident"] = sut.call("report_incident", ctx.notes["leak"])["incident"]
    ctx.notes["answered_at"] = now(sut)


@then('平台立即启动补救措施并记录启动时间')
def remedies_started(obligations, ctx: Scenario):
    incident = ctx.notes["incident"]
    started = incident["remedial_measures_started_at"]
    assert started is not None, (
        f"{obligations}: the platform activates its emergency response immediately when a leak occurs and records when; "
        f"incident {incident['incident_id']} has no time at which remedial measures started")
    started = parse_timestamp(started)
    assert ctx.notes["reported_at"] <= started <= ctx.notes["answered_at"], (
        f"{obligations}: emergency response starts immediately, when the leak is registered ({china(ctx.notes['reported_at'])}); "
        f"the system records the start at {china(started)}")


@then('平台生成的通知写明泄露的个人信息种类、原因、可能的危害、已采取的补救措施、个人可采取的减轻危害措施和联系方式')
def notifications(obligations, ctx: Scenario):
    incident, leak = ctx.notes["incident"], ctx.notes["leak"]
    to_consumer = [n for n in incident["notifications"] if n["to"] == "individual" and n["consumer_id"] == ctx.consumer_id]
    assert to_consumer, (
        f"{obligations}: the emergency response notifies the affected consumers (PIPL Art 57); incident "
        f"{incident['incident_id']} has notifications to {[(n['to'], n['consumer_id']) for n in incident['notifications']]}")
    for notice in incident["notifications"]:
        assert set(notice["data_types"]) == set(leak["data_types"]), (
            f"{obligations}: the notification states the personal information concerned (PIPL Art 57): "
            f"{', '.join(leak['data_types'])}; the notice to {notice['to']} states {', '.join(notice['data_types'])}")
        empty = [item for item in ("cause", "possible_harm", "remedies_taken", "what_individuals_can_do", "contact")
                 if not notice[item].strip()]
        assert not empty, (
            f"{obligations}: the notification states the cause, the possible harm, the remedial measures taken, what "
            f"individuals can do to reduce harm and a contact (PIPL Art 57); the notice to {notice['to']} leaves out "
            f"{', '.join(empty)}")
