"""What a consumer sends back with returned goods (5.4.2.d-1, 7D Art 12)."""

from .obligations import implements


@implements("5.4.2.d-1")
def returned_with_goods(remedy: str) -> frozenset[str]:
    """The kinds of item the return instructions ask for with each unit of goods: its accessories always,
    and its gifts when the goods are returned for a refund; an exchange keeps the gifts."""
    if remedy == "return_refund":
        return frozenset({"goods", "accessory", "gift"})
    return frozenset({"goods", "accessory"})
