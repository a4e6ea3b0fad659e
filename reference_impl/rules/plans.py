"""The after-sales plan a merchant agrees with a live-room operator before the stream (5.1.3.e-2), and the
delivery it promises (5.3.2.j-1)."""

from datetime import datetime, timedelta

from .obligations import implements

# 7D Art 31: a no-reason return not processed more than 15 days after the request is unlawful, so a plan
# may not promise a longer handling period.
RETURN_HANDLING_CEILING_DAYS = 15


@implements("5.1.3.e-2")
def plan_problem(plan: dict) -> str | None:
    """Why a plan cannot be registered, or None: its return and exchange handling period is beyond the legal ceiling."""
    if plan["return_handling_days"] > RETURN_HANDLING_CEILING_DAYS:
        return (f"退换货处理期限 {plan['return_handling_days']} 天超过法定上限 {RETURN_HANDLING_CEILING_DAYS} 天"
                f"（《网络购买商品七日无理由退货暂行办法》第三十一条）")
    return None


@implements("5.3.2.j-1")
def promised_shipment(placed_at: datetime, plans: list[dict]) -> tuple[str, datetime] | None:
    """(logistics method, ship by) an order is promised: the plan of its products that promises the earliest
    shipping binds it (each product's promise holds); None when no product carries a plan."""
    if not plans:
        return None
    binding = min(plans, key=lambda plan: plan["ship_within_hours"])
    return binding["logistics_method"], placed_at + timedelta(hours=binding["ship_within_hours"])


@implements("5.3.2.j-1")
def ship_time(placed_at: datetime, ship_by: datetime) -> datetime:
    """When the reference merchant ships an order with a promised delivery time: at once, by the promised method."""
    return placed_at
