"""Giving consumers' personal data to others, and personal information incidents
(4.3, 5.3.2.a, 5.3.3.a, 5.3.3.b; PIPL Art 13, 21, 23, 57).

Data types are category names, never values."""

from datetime import datetime

from .obligations import implements

# What the courier needs to perform the contract (delivery or pickup): PIPL Art 13(2), no consent needed.
DELIVERY_DATA = frozenset({"name", "phone_number", "delivery_address", "pickup_address"})
CONTACT = "参考平台个人信息保护负责人（平台客服“个人信息保护”入口）"


@implements("4.3-1", "5.3.2.a-2", "5.3.3.a-2")
def disclosure_decision(consumer_id: str, recipient: dict, data_types: list[str], consent: dict | None) -> tuple[str, str | None, str]:
    """(decision, legal basis, reason). The courier gets what delivery needs without consent; anyone
    else, affiliates included, only under the consumer's separate consent naming that recipient,
    covering every data type asked for and not withdrawn."""
    if recipient["kind"] == "courier" and set(data_types) <= DELIVERY_DATA:
        return "allowed", "contract_performance", "为履行合同向承运快递提供配送所需信息（PIPL Art 13(2)）"
    if consent is None:
        return "refused", None, "未取得消费者指明该接收方的单独同意（PIPL Art 23）"
    if consent["consumer_id"] != consumer_id or consent["withdrawn_at"] is not None:
        return "refused", None, "消费者的同意不适用或已撤回（PIPL Art 15, 23）"
    if (consent["recipient"]["name"], consent["recipient"]["kind"]) != (recipient["name"], recipient["kind"]):
        return "refused", None, f"消费者的单独同意指明的接收方是 {consent['recipient']['name']}，不是 {recipient['name']}（PIPL Art 23）"
    missing = sorted(set(data_types) - set(consent["data_types"]))
    if missing:
        return "refused", None, f"消费者的单独同意不包括 {', '.join(missing)}（PIPL Art 23）"
    return "allowed", "separate_consent", "依消费者指明接收方、目的和数据类型的单独同意提供（PIPL Art 23）"


@implements("5.3.3.b-2")
def remedial_start(reported_at: datetime) -> datetime | None:
    """Emergency response starts immediately: when the incident is registered (5.3.3.b)."""
    return reported_at


REMEDIAL_MEASURES = ("封堵泄露途径并关闭受影响的接口", "重置相关访问凭证", "保全日志并开展调查")


@implements("5.3.3.b-2")
def incident_notifications(data_types: list[str], cause: str, consumer_ids: list[str]) -> list[dict]:
    """The notifications of PIPL Art 57: to the regulator and to each affected consumer, each with the
    data types, cause, possible harm, remedies taken, what individuals can do, and a contact."""
    items = {"data_types": list(data_types), "cause": cause,
             "possible_harm": "相关个人信息可能被用于诈骗、骚扰或冒用身份",
             "remedies_taken": "；".join(REMEDIAL_MEASURES),
             "what_individuals_can_do": "警惕冒充平台或商家客服的来电和信息，不透露验证码，必要时修改账户密码",
             "contact": CONTACT}
    return ([{"to": "regulator", "consumer_id": None, **items}]
            + [{"to": "individual", "consumer_id": consumer_id, **items} for consumer_id in consumer_ids])
