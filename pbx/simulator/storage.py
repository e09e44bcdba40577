"""SQLite storage of the applied configuration and the uploaded audio per organisation, so that state survives
a restart."""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS applied_config (
    organisation_id INTEGER PRIMARY KEY,
    revision INTEGER NOT NULL,
    config TEXT NOT NULL,
    applied_at TEXT NOT NULL
)
"""
# Audio (greetings) by content: the document refers to it by sha256 (docs/pbx-config.md, "Audio").
AUDIO_SCHEMA = """
CREATE TABLE IF NOT EXISTS audio (
    organisation_id INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    stored_at TEXT NOT NULL,
    PRIMARY KEY (organisation_id, sha256)
)
"""


@dataclass(frozen=True)
class ApplyResult:
    applied: bool
    revision: int  # The revision stored after the call: the pushed one when applied, the newer one otherwise.


@dataclass(frozen=True)
class StoredConfig:
    revision: int
    config: dict[str, Any]
    applied_at: str  # ISO 8601, UTC.


class ConfigStore:
    """One connection behind a lock: the simulator's load is tiny, and a single writer makes the
    compare-and-store of a revision trivially atomic between threads. BEGIN IMMEDIATE covers the rare case of
    two simulator processes on one database file."""

    def __init__(self, path: str | Path) -> None:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: transactions are explicit below, not opened implicitly by the sqlite3 module.
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=10)
        self._lock = threading.Lock()
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute(SCHEMA)
            self._db.execute(AUDIO_SCHEMA)

    def apply(self, organisation_id: int, revision: int, config: dict[str, Any]) -> ApplyResult:
        """Store config if revision is newer than the stored one; otherwise keep what is there."""
        applied_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        document = json.dumps(config, ensure_ascii=False, separators=(",", ":"))
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                row = self._db.execute(
                    "SELECT revision FROM applied_config WHERE organisation_id = ?", (organisation_id,)
                ).fetchone()
                if row is not None and row[0] >= revision:
                    self._db.execute("COMMIT")
                    return ApplyResult(applied=False, revision=row[0])
                self._db.execute(
                    "INSERT INTO applied_config (organisation_id, revision, config, applied_at)"
                    " VALUES (?, ?, ?, ?)"
                    " ON CONFLICT (organisation_id) DO UPDATE SET revision = excluded.revision,"
                    " config = excluded.config, applied_at = excluded.applied_at",
                    (organisation_id, revision, document, applied_at),
                )
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return ApplyResult(applied=True, revision=revision)

    def get(self, organisation_id: int) -> StoredConfig | None:
        with self._lock:
            row = self._db.execute(
                "SELECT revision, config, applied_at FROM applied_config WHERE organisation_id = ?",
                (organisation_id,),
            ).fetchone()
        if row is None:
            return None
        return StoredConfig(revision=row[0], config=json.loads(row[1]), applied_at=row[2])

    def put_audio(self, organisation_id: int, sha256: str, data: bytes) -> bool:
        """Stores the audio under its sha256 (the caller checked it); False when it was there already."""
        stored_at = datetime.now(UTC).isoformat(timespec="milliseconds")
        with self._lock:
            cursor = self._db.execute(
                "INSERT INTO audio (organisation_id, sha256, data, stored_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (organisation_id, sha256) DO NOTHING",
                (organisation_id, sha256, data, stored_at),
            )
        return cursor.rowcount == 1

    def get_audio(self, organisation_id: int, sha256: str) -> bytes | None:
        with self._lock:
            row = self._db.execute(
                "SELECT data FROM audio WHERE organisation_id = ? AND sha256 = ?", (organisation_id, sha256)
            ).fetchone()
        return None if row is None else bytes(row[0])

    def has_audio(self, organisation_id: int, sha256: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM audio WHERE organisation_id = ? AND sha256 = ?", (organisation_id, sha256)
            ).fetchone()
        return row is not None

    def list_audio(self, organisation_id: int) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT sha256, length(data), stored_at FROM audio WHERE organisation_id = ? ORDER BY sha256",
                (organisation_id,),
            ).fetchall()
        return [{"sha256": sha256, "size": size, "stored_at": stored_at} for sha256, size, stored_at in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
