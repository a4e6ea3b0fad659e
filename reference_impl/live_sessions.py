"""Live sessions (一场直播): opening and closing them, the product cards and pages shown in them, the comments,
stock and pre-sale updates, the terms of orders placed during the stream and violation reports (5.2.1.a,
5.2.3, 5.2.4, 5.3.1.a).

What the system does at a later time (a reply or hand-over for a comment) is stamped with the time the rules
give and kept beside the session; it shows once the clock has reached it: reading a session brings it up to
date first. The session keeps, beside what it shows, each product's offer in the room (price, stock, gifts,
benefits) and the pending replies and hand-overs by comment id.
"""

from datetime import datetime

from .catalogue import Catalogue
from .clock import ManualClock
from .records import ServiceError, iso, parse
from .store import Store


class LiveSessions:
    def __init__(self, store: Store, catalogue: Catalogue, rules, clock: ManualClock):
        self.store, self.catalogue, self.rules, self.clock = store, catalogue, rules, clock

    def open_live_session(self, live_room_operator_id: str, anchor_name: str, products: list[dict],
                          faq: list[dict] = ()) -> dict:
        self.catalogue.party(live_room_operator_id, "live_room_operator")
        offers = {}
        for offer in products:
            self.catalogue.get_product(offer["product_id"])
            if offer["product_id"] in offers:
                raise ServiceError(f"product '{offer['product_id']}' is twice in the running order")
            offers[offer["product_id"]] = dict(offer)
        session_id = self.store.new_id("live_session")
        session = {"live_session_id": session_id, "live_room_operator_id": live_room_operator_id,
                   "anchor_name": anchor_name, "status": "open", "opened_at": iso(self.clock.now()), "closed_at": None,
                   "running_order": list(offers), "faq": list(faq), "comments": []}
        return self.save_session(session, {"offers": offers, "pending": {}})

    def close_live_session(self, live_session_id: str) -> dict:
        session, kept = self.open_session(live_session_id)
        session["status"], session["closed_at"] = "closed", iso(self.clock.now())
        return self.save_session(session, kept)

    def get_live_session(self, live_session_id: str) -> dict:
        return self.save_session(*self.store.get_with_kept("live_session", live_session_id))

    def closed_at(self, live_session_id: str) -> datetime | None:
        closed = self.store.get("live_session", live_session_id)["closed_at"]
        return parse(closed) if closed else None

    def get_live_product(self, live_session_id: str, product_id: str) -> tuple[dict, dict]:
        session, kept = self.store.get_with_kept("live_session", live_session_id)
        product = self.catalogue.get_product(product_id)
        card = self._card(session, kept, product_id)
        after_sales, disputes = self.rules.page_information(product)
        page = {"product_id": product_id, "stock_status": card["stock_status"], "presale_ship_date": card["presale_ship_date"],
                "after_sales": after_sales, "disputes": disputes, "report_channel": self.rules.report_channel()}
        return card, page

    def update_live_stock(self, live_session_id: str, product_id: str, **change) -> dict:
        session, kept = self.open_session(live_session_id)
        offer = _offer(session, kept, product_id)
        if "stock_quantity" in change:
            offer["stock_quantity"] = change["stock_quantity"]
        if "presale_ship_date" in change:
            offer["presale_ship_date"] = change["presale_ship_date"]
        self.save_session(session, kept)
        return self._card(session, kept, product_id)

    def post_live_comment(self, live_session_id: str, consumer_id: str, text: str) -> dict:
        session, kept = self.open_session(live_session_id)
        self.catalogue.party(consumer_id, "consumer")
        now = self.clock.now()
        comment_id = f"{live_session_id}-C{len(session['comments']) + 1}"
        session["comments"].append({"comment_id": comment_id, "consumer_id": consumer_id, "text": text,
                                    "posted_at": iso(now), "reply": None, "handover": None})
        handling = self.rules.comment_handling(text, now)
        if handling is not None:
            reply, reply_at, handover_at = handling
            kept["pending"][comment_id] = {
                "reply": {"text": reply, "at": iso(reply_at)},
                "handover": {"case_id": f"{comment_id}-case", "to": "operator_after_sales_staff",
                             "source_comment_id": comment_id, "source_text": text, "consumer_id": consumer_id,
                             "handed_over_at": iso(handover_at)}}
        shown = self.save_session(session, kept)
        return shown["comments"][-1]

    def submit_violation_report(self, reporter_id: str, text: str, live_session_id: str | None = None,
                                product_id: str | None = None) -> dict:
        self.catalogue.party(reporter_id, "consumer")
        if live_session_id is not None:
            self.store.get("live_session", live_session_id)
        if product_id is not None:
            self.catalogue.get_product(product_id)
        report = {"report_id": self.store.new_id("violation_report"), "reporter_id": reporter_id,
                  "live_session_id": live_session_id, "product_id": product_id, "text": text,
                  "submitted_at": iso(self.clock.now()), "status": "received", "outcome": None}
        self.store.put("violation_report", report["report_id"], report, parent=reporter_id, status=report["status"])
        return report

    def get_violation_report(self, report_id: str) -> dict:
        return self.store.get("violation_report", report_id)

    # --- orders placed in the stream (called by Orders.place_order) -----------------------------------
    def line_terms(self, live_session_id: str, product: dict, quantity: int) -> dict:
        """The card's terms for one item ordered in the stream; refused when the card cannot sell it."""
        session, kept = self.open_session(live_session_id)
        offer = _offer(session, kept, product["product_id"])
        status, price, gifts = self._terms(product, offer)
        if not self.rules.sellable(status, offer["stock_quantity"], quantity):
            raise ServiceError(f"out_of_stock: '{product['title']}' has {offer['stock_quantity']} left in the live room")
        return {"unit_price_fen": price, "gifts": gifts,
                "presale_ship_date": offer.get("presale_ship_date") if status == "presale" else None,
                "benefits": list(offer.get("benefits", ()))}

    def record_order(self, live_session_id: str, items: list[dict]) -> None:
        """An order placed: its units leave the room's stock."""
        session, kept = self.store.get_with_kept("live_session", live_session_id)
        for item in items:
            offer = kept["offers"][item["product_id"]]
            offer["stock_quantity"] = max(offer["stock_quantity"] - item["quantity"], 0)
        self.save_session(session, kept)

    # --- loading and saving ---------------------------------------------------------------------------
    def open_session(self, live_session_id: str) -> tuple[dict, dict]:
        session, kept = self.store.get_with_kept("live_session", live_session_id)
        if session["status"] != "open":
            raise ServiceError(f"live session '{live_session_id}' has ended")
        return session, kept

    def save_session(self, session: dict, kept: dict) -> dict:
        """Stores the session with the replies and hand-overs whose time the clock has reached, and shows it."""
        now = self.clock.now()
        for comment in session["comments"]:
            pending = kept["pending"].get(comment["comment_id"], {})
            for shown, stamp in (("reply", "at"), ("handover", "handed_over_at")):
                due = pending.get(shown)
                if comment[shown] is None and due and now >= parse(due[stamp]):
                    comment[shown] = due
        self.store.put("live_session", session["live_session_id"], session, parent=session["live_room_operator_id"],
                       status=session["status"], kept=kept)
        return session

    def _terms(self, product: dict, offer: dict) -> tuple[str, int, list[dict]]:
        """What the room offers on the product now: its availability, unit price and gifts (the card shows these
        and an order from it gets them)."""
        price, gifts = self.rules.live_terms(product, offer)
        return self.rules.stock_status(offer["stock_quantity"], offer.get("presale_ship_date")), price, gifts

    def _card(self, session: dict, kept: dict, product_id: str) -> dict:
        product = self.catalogue.get_product(product_id)
        offer = _offer(session, kept, product_id)
        status, price, gifts = self._terms(product, offer)
        return {"live_session_id": session["live_session_id"],
                **self.rules.shown_card(product, offer, price, gifts, status)}


def _offer(session: dict, kept: dict, product_id: str) -> dict:
    if product_id not in kept["offers"]:
        raise ServiceError(f"product '{product_id}' is not on sale in live session '{session['live_session_id']}'")
    return kept["offers"][product_id]
