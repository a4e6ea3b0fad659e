"""What the service parts share: time stamps, the refusal error, the books kept beside orders and after-sales
requests, and the deadline list of a request.

A record the contract shows (an order, an after-sales request) is stored as the contract shows it; what the
service must remember to carry it on and the contract never shows is its books, a typed dict stored beside it
(Store's `kept` column).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from .rules.china_time import CHINA


class ServiceError(ValueError):
    """A request the reference system refuses to carry out (unknown id, wrong state, inconsistent data)."""


def iso(at: datetime) -> str:
    return at.astimezone(CHINA).isoformat()


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text)


class OrderBooks(TypedDict):
    """What later returns of an order are settled against (7D Art 17, 18), and when a promised shipment goes out."""
    ship_at: str | None
    returned: dict[str, int]           # product id -> units refunded back over all the order's returns
    goods_refunded_fen: int
    outbound_deducted_fen: int
    outbound_fault_paid_fen: int       # goods value whose share of the outbound freight was given back
    line_refunded_fen: dict[str, int]  # line id -> goods refunds booked against it, over all its requests


def new_order_books(ship_at: str | None) -> OrderBooks:
    return OrderBooks(ship_at=ship_at, returned={}, goods_refunded_fen=0, outbound_deducted_fen=0,
                      outbound_fault_paid_fen=0, line_refunded_fen={})


class RequestBooks(TypedDict):
    """What an after-sales request carries on with: the consumer's own words and consent, the remedy being
    carried out, what came back, the status an intervention interrupted, and when each refund is paid."""
    note: str
    refund_channel: str                      # the consumer's explicit consent (7D Art 14)
    remedy: str | None
    received: list[dict]
    status_before_intervention: str | None
    refund_pay_at: list[str]                 # one per entry of the request's refunds, in order


def new_request_books(note: str = "", refund_channel: str = "original_path") -> RequestBooks:
    return RequestBooks(note=note, refund_channel=refund_channel, remedy=None, received=[],
                        status_before_intervention=None, refund_pay_at=[])


@dataclass
class Case:
    """An after-sales request with its order, as loaded to be worked on and saved again."""
    record: dict
    books: RequestBooks
    order: dict
    order_books: OrderBooks


def add_deadline(record: dict, name: str, due: datetime, met_at: datetime | None = None) -> None:
    record["deadlines"].append({"name": name, "due_at": iso(due), "met_at": iso(met_at) if met_at else None})


def meet_deadline(record: dict, name: str, at: datetime) -> None:
    for deadline in record["deadlines"]:
        if deadline["name"] == name and deadline["met_at"] is None:
            deadline["met_at"] = iso(at)


def check_lines(allowed: list[dict], lines: list[dict], message: str) -> None:
    """Refuses `lines` naming a line not in `allowed`, or more of it."""
    limits = {l["line_id"]: l["quantity"] for l in allowed}
    if any(l["line_id"] not in limits or l["quantity"] > limits[l["line_id"]] for l in lines):
        raise ServiceError(message)


def line_set(lines: list[dict]) -> frozenset[tuple[str, int]]:
    return frozenset((l["line_id"], l["quantity"]) for l in lines)
