"""The SQLite store: ids, documents, lookups."""

import pytest

from caaad.reference_impl.store import NotFound, Store


def test_ids_are_per_kind_and_increase():
    store = Store()
    assert [store.new_id("order"), store.new_id("order"), store.new_id("after_sales"), store.new_id("agreement")] == ["O1", "O2", "A1", "AG1"]


def test_put_get_and_replace():
    store = Store()
    store.put("order", "O1", {"n": 1, "text": "消费者甲"}, parent="P1", status="placed")
    store.put("order", "O1", {"n": 2, "text": "消费者甲"}, parent="P1", status="delivered")
    assert store.get("order", "O1") == {"n": 2, "text": "消费者甲"}


def test_find_by_parent_and_status():
    store = Store()
    store.put("after_sales", "A1", {"id": "A1"}, parent="O1", status="pending_merchant")
    store.put("after_sales", "A2", {"id": "A2"}, parent="O1", status="completed")
    store.put("after_sales", "A3", {"id": "A3"}, parent="O2", status="pending_merchant")
    assert [d["id"] for d in store.find("after_sales", parent="O1")] == ["A1", "A2"]
    assert [d["id"] for d in store.find("after_sales", statuses=("pending_merchant",))] == ["A1", "A3"]


def test_unknown_id():
    with pytest.raises(NotFound, match="no order with id 'O9'"):
        Store().get("order", "O9")


def test_file_database_persists(tmp_path):
    path = str(tmp_path / "ref.sqlite")
    Store(path).put("party", "P1", {"kind": "merchant"})
    assert Store(path).get("party", "P1") == {"kind": "merchant"}


def test_new_in_memory_stores_are_empty_and_independent():
    # Each in-memory store is a copy of one prepared empty database: what one store writes never shows in another.
    first, second = Store(), Store()
    first.put("order", "O1", {"n": 1}, status="placed")
    assert first.new_id("order") == "O1" and second.new_id("order") == "O1"
    assert second.find("order") == [] and Store().find("order") == []
    with pytest.raises(NotFound):
        second.get("order", "O1")


def test_file_and_memory_stores_have_the_same_schema(tmp_path):
    def schema(store):
        return sorted(store._db.execute("SELECT type, name, sql FROM sqlite_master").fetchall())
    assert schema(Store()) == schema(Store(str(tmp_path / "ref.sqlite")))


def test_what_the_service_keeps_travels_beside_the_document_not_in_it():
    store = Store()
    store.put("consultation", "C1", {"id": "C1"}, parent="P1", status="open", kept={"feedback_at": "2024-03-01T10:00:00+08:00"})
    store.put("consultation", "C2", {"id": "C2"}, parent="P1", status="open")
    assert store.get("consultation", "C1") == {"id": "C1"}
    assert store.get_with_kept("consultation", "C1") == ({"id": "C1"}, {"feedback_at": "2024-03-01T10:00:00+08:00"})
    assert store.get_with_kept("consultation", "C2") == ({"id": "C2"}, {})
    assert store.find_with_kept("consultation", parent="P1") == [
        ({"id": "C1"}, {"feedback_at": "2024-03-01T10:00:00+08:00"}), ({"id": "C2"}, {})]
