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
    # the merchant's customer service (5.3.2.g, 5.3.2.h); logistics is answered from the order (logistics_answer)
    "promotion": "本次直播促销活动：活动期间下单享直播间专属价，满额减免在下单时自动计算，活动规则以商品页公示为准。",
    "service_commitment": "本店承诺：七日无理由退货，质量问题包退换，保修期内免费维修，详见商品页售后服务方案。",
    "benefit_claim": "优惠券在直播间点击「领券」即可领取，下单时自动抵扣；赠品随商品一同发出，无需另行领取。",
    "delivery": "商品按商品页售后服务方案承诺的时间和方式发货交付，发货后可在订单详情中查看运单号。",
    "return_exchange_commitment": "签收次日起7日内可无理由退货，质量问题可退货、换货或维修，运费由本店承担。",
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
    # The merchant's own customer service (商家客服): staffed for its live streams (5.2.3.b, capability live_sessions)
    # and answering questions on promotions, delivery and logistics after them (5.3.2.g, 5.3.2.h, merchant_consultations).
    {"channel_id": "merchant-online-text", "kind": "online_text", "access_point": "直播间商品卡与商品页「联系商家」在线客服",
     "addressed_to": "merchant", "service_hours": "全天，含每场直播全程"},
)


@implements("5.1.4.g-1", "5.3.4.c-1")
def consultation_channels() -> tuple[dict, ...]:
    """The consultation channels the system publishes, each naming its access point."""
    return tuple(dict(channel) for channel in CONSULTATION_CHANNELS)


@implements("5.3.3.e-1", "5.3.3.e-2", "5.3.4.d-1", "5.3.4.d-2", "5.3.2.g-1", "5.3.2.h-1")
def consultation_route(topic: str) -> str:
    """"answer" for a question that can be answered directly, "hand_over" for one needing further handling."""
    return "hand_over" if topic in NEEDS_HANDLING else "answer"


@implements("5.1.4.b-2", "5.3.3.e-1", "5.3.4.d-1", "5.3.2.g-1", "5.3.2.h-1")
def consultation_answer(topic: str) -> str:
    return DIRECT_ANSWERS.get(topic, DIRECT_ANSWERS["other"])


@implements("5.3.2.h-1")
def logistics_answer(shipment: dict | None) -> str:
    """The answer to a logistics question about an order: its actual shipping status and tracking number."""
    if shipment is None:
        return "该订单尚无发货承诺记录，已为您联系仓库核实，请以订单详情中的物流状态为准。"
    if shipment["shipped_at"] is None:
        return f"您的订单尚未发货，将于 {shipment['ship_by']} 前通过{shipment['logistics_method']}发出。"
    return (f"您的订单已于 {shipment['shipped_at']} 通过{shipment['shipped_by_method']}发货，"
            f"运单号 {shipment['tracking_number']}。")


@implements("5.1.4.b-2", "5.1.4.h-1", "5.3.3.e-1", "5.3.4.c-3")
def consultation_feedback_at(submitted_at: datetime, limit: timedelta) -> datetime:
    """When the reference system gives feedback: at once (within after_sales_inquiry_response_limit)."""
    return submitted_at


@implements("5.1.4.e-1", "5.1.1.g-3")
def complaint_handler(against: str) -> str:
    """Who handles a complaint: the party it is against; the platform handles those against itself (5.1.4.e)."""
    return against


@implements("5.1.1.g-2", "5.1.4.e-2")
def complaint_escalation_at(received_at: datetime, limit: timedelta) -> datetime:
    """When the platform intervenes if the handling party has not responded: as complaint_feedback_time_limit passes."""
    return received_at + limit


@implements("5.2.1.c-1", "4.2-4")
def recorded_text(text: str) -> str:
    """What the record keeps of the consumer's words: exactly what was submitted (5.2.1.c-1)."""
    return text
