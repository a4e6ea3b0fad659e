"""Storage of the reference system: SQLite (in memory by default), one table per kind of record.

Records are the service's documents (JSON) with their id, the id of the record they belong to and
their status as columns for lookups, and beside each document what the service keeps for itself and the
contract never shows (`kept`: a time a reply falls due, what earlier returns took back). Storage only: no
business rule lives here.
"""

import json
import sqlite3
import threading

KINDS = {"party": "P", "product": "G", "order": "O", "after_sales": "A", "agreement": "AG", "consultation": "C", "complaint": "K",
         "review": "RV", "review_appeal": "RVA", "consent": "PC", "disclosure": "PD", "incident": "PI",
         "call": "IK", "live_session": "L", "violation_report": "VR"}  # call: a call named by an idempotency key, with its first answer


class NotFound(LookupError):
    pass


def _create_schema(db: sqlite3.Connection) -> None:
    # Table names are the record kinds (quoted: "order" is an SQL keyword).
    with db:
        db.execute("CREATE TABLE IF NOT EXISTS counters (kind TEXT PRIMARY KEY, last INTEGER NOT NULL)")
        for kind in KINDS:
            db.execute(f'CREATE TABLE IF NOT EXISTS "{kind}" (id TEXT PRIMARY KEY, parent TEXT, status TEXT, doc TEXT NOT NULL, kept TEXT)')
            db.execute(f'CREATE INDEX IF NOT EXISTS "{kind}_status" ON "{kind}" (status)')


_EMPTY: sqlite3.Connection | None = None  # an empty in-memory database with the schema, copied for each new store
_EMPTY_LOCK = threading.Lock()


def _empty_copy() -> sqlite3.Connection:
    """A new in-memory database with the schema: a page copy of a prepared one (sqlite3 backup API), about
    25 times faster than running the DDL again, which the suite did for every scenario."""
    global _EMPTY
    db = sqlite3.connect(":memory:", check_same_thread=False)
    with _EMPTY_LOCK:
        if _EMPTY is None:
            _EMPTY = sqlite3.connect(":memory:", check_same_thread=False)
            _create_schema(_EMPTY)
        _EMPTY.backup(db)
    return db


class Store:
    def __init__(self, path: str = ":memory:"):
        if path == ":memory:":
            self._db = _empty_copy()
        else:
            self._db = sqlite3.connect(path, check_same_thread=False)
            _create_schema(self._db)
        self._lock = threading.Lock()  # one connection shared by the threads of an HTTP server

    def new_id(self, kind: str) -> str:
        with self._lock, self._db:
            self._db.execute("INSERT INTO counters VALUES (?, 1) ON CONFLICT(kind) DO UPDATE SET last = last + 1", (kind,))
            (last,) = self._db.execute("SELECT last FROM counters WHERE kind = ?", (kind,)).fetchone()
        return f"{KINDS[kind]}{last}"

    def put(self, kind: str, record_id: str, doc: dict, parent: str | None = None, status: str | None = None,
            kept: dict | None = None) -> None:
        with self._lock, self._db:
            self._db.execute(f'INSERT OR REPLACE INTO "{kind}" VALUES (?, ?, ?, ?, ?)',
                             (record_id, parent, status, json.dumps(doc, ensure_ascii=False),
                              None if kept is None else json.dumps(kept, ensure_ascii=False)))

    def get(self, kind: str, record_id: str) -> dict:
        return json.loads(self._row(kind, record_id, "doc")[0])

    def get_with_kept(self, kind: str, record_id: str) -> tuple[dict, dict]:
        """The document and what the service keeps beside it ({} when nothing)."""
        doc, kept = self._row(kind, record_id, "doc, kept")
        return json.loads(doc), json.loads(kept) if kept else {}

    def find(self, kind: str, *, parent: str | None = None, statuses: tuple[str, ...] = ()) -> list[dict]:
        return [json.loads(doc) for (doc,) in self._rows(kind, "doc", parent, statuses)]

    def find_with_kept(self, kind: str, *, parent: str | None = None,
                       statuses: tuple[str, ...] = ()) -> list[tuple[dict, dict]]:
        return [(json.loads(doc), json.loads(kept) if kept else {})
                for doc, kept in self._rows(kind, "doc, kept", parent, statuses)]

    def _row(self, kind: str, record_id: str, columns: str) -> tuple:
        with self._lock:
            row = self._db.execute(f'SELECT {columns} FROM "{kind}" WHERE id = ?', (record_id,)).fetchone()
        if row is None:
            raise NotFound(f"no {kind.replace('_', '-')} with id '{record_id}'")
        return row

    def _rows(self, kind: str, columns: str, parent: str | None, statuses: tuple[str, ...]) -> list[tuple]:
        query, args = f'SELECT {columns} FROM "{kind}" WHERE 1', []
        if parent is not None:
            query += " AND parent = ?"
            args.append(parent)
        if statuses:
            query += f" AND status IN ({', '.join('?' * len(statuses))})"
            args += statuses
        with self._lock:
            return self._db.execute(query + " ORDER BY rowid", args).fetchall()
