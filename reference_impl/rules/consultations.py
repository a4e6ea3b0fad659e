"""Consultations and complaints (售后咨询, 投诉): where they go and when feedback is given.

5.3.3.e / 5.3.4.d: a consultation that can be answered directly is answered; one that needs further
handling (returns, exchanges, refunds) is passed to the relevant platform department. 5.1.4.h and
5.1.1.g: feedback within the platform's time limit; when the party handling a complaint stays silent,
the platform intervenes as the limit passes (escalated_to_platform).
"""

from datetime import datetime, timedelta

from .obligations import implements

NEEDS_HANDLING = frozenset({"return", "exchange", "refund"})

# Answers the reference system's customer service gives to questions it can answer directly.
DIRECT_ANSWERS = {
    "after_sales_policy": "本平台商品适用七日无理由退货（法定不适用的除外），质量问题可退货、换货或维修；退款原路退回。",
    "return_conditions": "自签收次日起7日内可申请无理由退货，商品应当完好；质量问题退货的运费由商家承担。",
    "shipping_status": "您的订单已由商家发出，可在订单详情中查看物流信息；如超过承诺时间未送达可申请退款。",
    "other": "您的问题已记录，解答如下：售后问题可在订单详情中申请售后，客服将全程跟进。",
}
HANDOVER_DEPARTMENT = "平台售后服务部"

# The reference system's after-sales consultation channels (5.1.4.g: the platform's; 5.3.4.c: the live-room
# operator's after-sales staff's), each with how a consumer reaches it.
CONSULTATION_CHANNELS = (
    {"channel_id": "platform-phone", "kind": "telephone", "access_point": "客服热线 400-000-0000（测试号码）",
     "addressed_to": "platform", "service_hours": "每日 09:00–21:00"},
    {"channel_id": "platform-online-text", "kind": "online_text", "access_point": "App「我的-客服中心」在线客服",
     "addressed_to": "platform", "service_hours": "全天"},
    {"channel_id": "live-room-online-text", "kind": "online_text", "access_point": "直播间「联系售后」在线客服",
     "addressed_to": "live_room_operator", "service_hours": "全天"},
    # 5.2.3.b: the merchant's own online customer service, staffed for its live streams (contract 1.5, live_sessions).
    {"channel_id": "merchant-online-text", "kind": "online_text", "access_point": "直播间商品卡「咨询商家客服」",
     "addressed_to": "merchant", "service_hours": "每场直播全程及每日 09:00–22:00"},
)


@implements("5.1.4.g-1", "5.3.4.c-1")
def consultation_channels() -> tuple[dict, ...]:
    """The consultation channels the system publishes, each naming its access point."""
    return tuple(dict(channel) for channel in CONSULTATION_CHANNELS)


@implements("5.3.3.e-1", "5.3.3.e-2", "5.3.4.d-1", "5.3.4.d-2")
def consultation_route(topic: str) -> str:
    """"answer" for a question that can be answered directly, "hand_over" for one needing further handling."""
    return "hand_over" if topic in NEEDS_HANDLING else "answer"


@implements("5.1.4.b-2", "5.3.3.e-1", "5.3.4.d-1")
def consultation_answer(topic: str) -> str:
    return DIRECT_ANSWERS.get(topic, DIRECT_ANSWERS["other"])


@implements("5.1.4.b-2", "5.1.4.h-1", "5.3.3.e-1", "5.3.4.c-3")
def consultation_feedback_at(submitted_at: datetime, limit: timedelta) -> datetime:
    """When the reference system gives feedback: at once (within after_sales_inquiry_response_limit)."""
    return submitted_at


@implements("5.1.4.e-1", "5.1.1.g-3")
def complaint_handler(against: str) -> str:
    """Who handles a complaint: the party it is against; the platform handles those against itself (5.1.4.e)."""
    return against


@implements("5.1.1.g-2")
def complaint_escalation_at(received_at: datetime, limit: timedelta) -> datetime:
    """When the platform intervenes if the handling party has not responded: as complaint_feedback_time_limit passes."""
    return received_at + limit


@implements("5.2.1.c-1", "4.2-4")
def recorded_text(text: str) -> str:
    """What the record keeps of the consumer's words: exactly what was submitted (5.2.1.c-1)."""
    return text
