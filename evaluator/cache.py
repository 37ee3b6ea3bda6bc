"""An on-disk cache of sentence encodings and spaCy parses, shared safely between runs.

Scoring a new model output against the same originals then neither re-encodes nor re-parses them.
One SQLite file (``DIR/cache.sqlite3``) in WAL mode holds two tables of blobs:

* ``encodings``: ``Encoding.to_bytes()`` keyed by ``Encoder.cache_key(text)`` (text hash + model
  name, weights revision, layer, max length, window overlap), so another model or layer misses;
* ``parses``: ``Doc.to_bytes()`` per paragraph text keyed by ``parse_key`` (text hash + spaCy
  model name and version + spaCy version + pipe names + a hash of ``segment.py``, whose sentence
  guard runs inside the pipeline).

Two runs may share a cache: every write is one short ``INSERT OR IGNORE`` transaction, readers never
block writers (WAL) and a busy database is waited for (``busy_timeout``) instead of failing.
A cache that cannot be used (a file that is not a database, damaged pages: ``sqlite3.DatabaseError``;
a folder that cannot be made) costs speed, never results: one warning names the file, and from then on
the cache reads nothing and writes nothing, as a run without ``--cache``.
* ``reports``: a batch pair's finished report (JSON) keyed by a hash of its two documents and a
  fingerprint of everything else it depends on (``evaluator.batch.report_fingerprint``: options,
  the evaluator's own files, reference sets and glossaries, model, spaCy pipeline, library
  versions), so the same batch run again serves unchanged pairs without scoring them.
  ``EVALUATOR_REPORT_CACHE=0`` turns that off (encodings and parses are still cached).

``CachingNlp`` wraps a spaCy pipeline so that ``segment()`` uses the cache with no change to it.
"""
from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

DB_NAME = "cache.sqlite3"
TABLES = ("encodings", "parses", "reports")
BUSY_TIMEOUT_MS = 60_000
_CHUNK = 500  # keys per SELECT ... IN (...): below SQLite's bound-parameter limit


@dataclass
class CacheStats:
    """Hits, misses and writes per table since the cache was opened."""

    hits: int = 0
    misses: int = 0
    writes: int = 0


class Cache:
    """A key -> blob store in one SQLite file; thread-safe, safe across processes."""

    def __init__(self, directory: str | os.PathLike[str]) -> None:
        self.directory = Path(directory)
        self.path = self.directory / DB_NAME
        self._lock = threading.Lock()
        self._pid = os.getpid()
        self.stats = {t: CacheStats() for t in TABLES}
        self.broken: str | None = None  # why the cache is off (then it reads and writes nothing)
        self._conn: sqlite3.Connection | None = None
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._conn = self._connect()
        except (sqlite3.Error, OSError) as exc:
            self._disable(exc)

    def _disable(self, exc: BaseException) -> None:
        """Turn the cache off for the rest of this process, with one warning naming its file."""
        if self.broken is None:
            self.broken = f"{type(exc).__name__}: {exc}"
            log.warning("the cache %s cannot be used (%s); going on without it (delete the file to start a "
                        "fresh cache)", self.path, self.broken)
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except sqlite3.Error:
                pass

    def _connect(self) -> sqlite3.Connection:
        # isolation_level=None: we open transactions ourselves and keep them short.
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                               check_same_thread=False)
        try:
            return self._set_up(conn)
        except BaseException:
            conn.close()
            raise

    def _set_up(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Switching to WAL takes an exclusive lock and SQLite does not call the busy handler for it:
        # when another process is creating the same file at this moment, wait and retry ourselves.
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                break
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        conn.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: durable enough for a cache
        for table in TABLES:
            conn.execute(f"CREATE TABLE IF NOT EXISTS {table} (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        return conn

    def _connection(self) -> sqlite3.Connection | None:
        """The open connection, or None when the cache is off."""
        # A connection must not cross fork(): a forked worker opens its own.
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._conn = None
            if self.broken is None:
                try:
                    self._conn = self._connect()
                except (sqlite3.Error, OSError) as exc:
                    self._disable(exc)
        return self._conn

    def get_many(self, keys: Sequence[str], table: str = "encodings") -> dict[str, bytes]:
        """The blobs found for ``keys`` (missing keys are absent from the result)."""
        _check_table(table)
        unique = list(dict.fromkeys(keys))
        found: dict[str, bytes] = {}
        with self._lock:
            conn = self._connection()
            try:
                if conn is not None:
                    for i in range(0, len(unique), _CHUNK):
                        part = unique[i:i + _CHUNK]
                        marks = ",".join("?" * len(part))
                        rows = conn.execute(f"SELECT key, value FROM {table} WHERE key IN ({marks})",
                                            part).fetchall()
                        found.update((k, bytes(v)) for k, v in rows)
            except sqlite3.DatabaseError as exc:  # damaged pages: "database disk image is malformed"
                self._disable(exc)
                found = {}
        st = self.stats[table]
        st.hits += len(found)
        st.misses += len(unique) - len(found)
        return found

    def put_many(self, items: dict[str, bytes], table: str = "encodings") -> None:
        """Store blobs; a key already present (written by us or another run) is left as it is."""
        _check_table(table)
        if not items:
            return
        with self._lock:
            conn = self._connection()
            if conn is None:
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany(f"INSERT OR IGNORE INTO {table} (key, value) VALUES (?, ?)",
                                     [(k, sqlite3.Binary(v)) for k, v in items.items()])
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        try:
                            conn.execute("ROLLBACK")
                        except sqlite3.Error:
                            pass
                    raise
            except sqlite3.DatabaseError as exc:  # damaged pages, a full disk: the cache goes off
                self._disable(exc)
                return
        self.stats[table].writes += len(items)

    def count(self, table: str = "encodings") -> int:
        """Number of entries in a table."""
        _check_table(table)
        with self._lock:
            conn = self._connection()
            if conn is None:
                return 0
            try:
                return int(conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0])
            except sqlite3.DatabaseError as exc:
                self._disable(exc)
                return 0

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()

    def __getstate__(self) -> dict[str, Any]:
        # Shipped to another process (Ray, multiprocessing) as its folder; reopened there.
        return {"directory": str(self.directory)}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["directory"])  # type: ignore[misc]


def _check_table(table: str) -> None:
    if table not in TABLES:
        raise ValueError(f"unknown cache table {table!r}")


_OPEN: dict[tuple[str, int], Cache] = {}
_OPEN_LOCK = threading.Lock()


def open_cache(directory: str | os.PathLike[str]) -> Cache:
    """The cache in ``directory`` (created if needed), one connection per folder and process."""
    key = (str(Path(directory).resolve()), os.getpid())
    with _OPEN_LOCK:
        cache = _OPEN.get(key)
        if cache is None:
            cache = _OPEN[key] = Cache(directory)
            log.info("opened cache %s", cache.path)
        return cache


# ------------------------------------------------------------------------------------------ parses

@lru_cache(maxsize=1)
def _segment_source_hash() -> str:
    # The sentence guard lives in segment.py and runs inside the pipeline: an edit there changes parses.
    src = Path(__file__).with_name("segment.py").read_bytes()
    return hashlib.sha256(src).hexdigest()[:12]


def nlp_signature(nlp: Any) -> str:
    """Everything that changes a parse: model name and version, spaCy version, pipes, guard code."""
    import spacy

    meta = getattr(nlp, "meta", {}) or {}
    pipes = ",".join(getattr(nlp, "pipe_names", ()))
    return (f"{meta.get('lang', '?')}_{meta.get('name', '?')}-{meta.get('version', '?')}|spacy{spacy.__version__}"
            f"|{pipes}|seg{_segment_source_hash()}")


def parse_key(signature: str, text: str) -> str:
    """Cache key of one text's parse under a pipeline signature."""
    return f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}|{signature}"


def cached_pipe(nlp: Any, texts: Sequence[str], cache: Cache | None, *, batch_size: int = 64) -> list[Any]:
    """``list(nlp.pipe(texts))``, with parses read from and written to ``cache`` (None: no cache)."""
    if cache is None:
        return list(nlp.pipe(texts, batch_size=batch_size))
    from spacy.tokens import Doc

    sig = nlp_signature(nlp)
    keys = [parse_key(sig, t) for t in texts]
    found = cache.get_many(keys, table="parses")
    out: list[Any] = [None] * len(texts)
    todo: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        blob = found.get(k)
        doc = None
        if blob is not None:
            try:
                doc = Doc(nlp.vocab).from_bytes(blob)
            except Exception:  # noqa: BLE001 - a damaged entry is a miss: parse the text again
                log.warning("the cache %s holds an unreadable parse; parsing again", cache.path)
        if doc is not None:
            out[i] = doc
        else:
            todo.setdefault(texts[i], []).append(i)
    if todo:
        fresh = list(nlp.pipe(list(todo), batch_size=batch_size))
        new: dict[str, bytes] = {}
        for (text, idx), doc in zip(todo.items(), fresh, strict=True):
            for i in idx:
                out[i] = doc
            new[parse_key(sig, text)] = doc.to_bytes()
        cache.put_many(new, table="parses")
    return out


class CachingNlp:
    """A spaCy pipeline whose ``pipe`` serves primed and cached parses; every other attribute passes through.

    ``prime(texts)`` parses many texts in one ``nlp.pipe`` call (a chunk of pairs at once) and keeps
    them in memory until the next ``prime``; ``segment()`` then finds each paragraph already parsed.
    """

    def __init__(self, nlp: Any, cache: Cache | None = None) -> None:
        self._nlp = nlp
        self._cache = cache
        self._memory: dict[str, Any] = {}
        self.parsed = 0  # texts that went through the real pipeline

    @property
    def wrapped(self) -> Any:
        return self._nlp

    def __getattr__(self, name: str) -> Any:
        return getattr(self._nlp, name)

    def __call__(self, text: str) -> Any:
        return self.pipe([text])[0]

    def prime(self, texts: Iterable[str]) -> None:
        """Parse ``texts`` now (one batched call) and hold them for the following ``pipe`` calls."""
        unique = list(dict.fromkeys(texts))
        self._memory = dict(zip(unique, self._parse(unique), strict=True))

    def clear(self) -> None:
        self._memory = {}

    def pipe(self, texts: Iterable[str], batch_size: int = 64, **kwargs: Any) -> list[Any]:
        texts = list(texts)
        missing = list(dict.fromkeys(t for t in texts if t not in self._memory))
        parsed = dict(zip(missing, self._parse(missing, batch_size), strict=True)) if missing else {}
        # A text given twice gets a copy the second time: each sentence of a document keeps a Doc of
        # its own, as spaCy's own pipe gives (checks find a token's sentence by its Doc).
        out: list[Any] = []
        seen: set[str] = set()
        for t in texts:
            doc = self._memory[t] if t in self._memory else parsed[t]
            out.append(doc.copy() if t in seen else doc)
            seen.add(t)
        return out

    def _parse(self, texts: list[str], batch_size: int = 64) -> list[Any]:
        if not texts:
            return []
        before = self._cache.stats["parses"].hits if self._cache is not None else 0
        docs = cached_pipe(self._nlp, texts, self._cache, batch_size=batch_size)
        hits = (self._cache.stats["parses"].hits - before) if self._cache is not None else 0
        self.parsed += len(texts) - hits
        return docs


def iter_keys(cache: Cache, table: str = "encodings") -> Iterator[str]:
    """Every key in a table (for inspection and tests)."""
    _check_table(table)
    conn = cache._connection()
    if conn is None:
        return
    try:
        rows = conn.execute(f"SELECT key FROM {table}").fetchall()
    except sqlite3.DatabaseError as exc:
        cache._disable(exc)
        return
    yield from (r[0] for r in rows)
