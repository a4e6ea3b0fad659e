"""The platform's after-sales rules as it publishes them (5.1.4.a-2): the full text of the version in force,
stating every time limit it declares and what happens when one passes (5.1.4.e-2)."""

from datetime import datetime

from .china_time import CHINA
from .obligations import implements

RULES_TITLE = "caaad 参考平台售后服务规则"
RULES_VERSION = "2024.1"
RULES_EFFECTIVE_FROM = datetime(2024, 1, 1, 0, 0, tzinfo=CHINA)
_UNIT_ZH = {"minute": "分钟", "hour": "小时", "day": "天", "fen": "分"}
_ON_EXPIRY_ZH = {
    "none": "", "request_accepted": "逾期未处理的，视为同意该申请", "refund_issued": "逾期的，平台先行退款",
    "platform_decides": "期满的，由平台作出处理决定", "right_lapses": "逾期报告的，不再适用该项规则",
    "deemed_received_intact": "逾期未查验的，视为商品完好签收", "escalated_to_platform": "逾期未答复的，平台介入处理",
}
_PREAMBLE = ("本规则依据《中华人民共和国电子商务法》《中华人民共和国消费者权益保护法》《网络购买商品七日无理由退货暂行办法》"
             "及 T/CAAAD 001—2023《网络直播营销售后服务规范》制定，明确电子商务平台、直播间运营者、商家、直播营销人员服务机构"
             "在售后服务中的权利、义务和责任。商家承诺的售后服务政策更有利于消费者的，按其承诺执行。")


@implements("5.1.4.a-2")
def published_rules(platform_rules: list[dict], now: datetime) -> dict:
    """The rules in force at `now`, in full: a preamble, then one article per declared platform rule."""
    articles = [_PREAMBLE]
    for n, rule in enumerate(platform_rules, 1):
        consequence = _ON_EXPIRY_ZH[rule["on_expiry"]]
        articles.append(f"第{n}条 {rule['description'] or rule['name']}：{rule['value']:g}{_UNIT_ZH[rule['unit']]}"
                        + (f"；{consequence}" if consequence else "") + "。")
    return {"title": RULES_TITLE, "version": RULES_VERSION, "effective_from": RULES_EFFECTIVE_FROM,
            "full_text": "\n".join(articles)}
