"""Near-duplicate detection: MinHash signatures over word shingles, banded LSH.

Signature: one-permutation MinHash (Li, Owen & Zhang 2012) with rotation densification
(Shrivastava 2017) over 3-word shingles of the folded tokens: one hash per shingle
instead of one per shingle *and* permutation, so it costs tens of microseconds per
article in pure Python. Folded tokens make a copy with added diacritics, tatweel or
other hamza forms identical to the original.

Index: 32 bands of 4 rows (candidate threshold about 0.42), then the estimated Jaccard
similarity must reach `threshold` (default 0.5). An article is a duplicate of the
first-seen article it resembles (the lowest sequence number), and a copy of a copy
points at the original. Two backends share that logic:

- `MemoryIndex`: one process; bounded by entries and by a time window.
- `RedisIndex`: several consumers share one Redis; insert-and-query is one Lua script,
  so of two copies processed at once exactly one is first. Keys expire after the window.
"""

from __future__ import annotations

import operator
import time
import zlib
from array import array
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

from mypy_extensions import i64

NUM_BINS = 128
BANDS, ROWS = 32, 4
SHINGLE = 3
_BIN_MASK: Final = NUM_BINS - 1
_EMPTY = (1 << 64) - 1
_MASK = (1 << 64) - 1
_LOW57: Final = (1 << 57) - 1
_NONE: Final = 1 << 62  # above any 57-bit value


def signature(folded: list[str]) -> tuple[int, ...] | None:
    """MinHash signature of the token sequence, or None when it is too short to judge."""
    if len(folded) < SHINGLE + 5:
        return None
    # A word's id: CRC-32 of its UTF-8, computed in C each time (a cache of the ids cost
    # more between the other enrichers' tables).
    ids = list(map(zlib.crc32, map(str.encode, folded)))
    mins = [_EMPTY if v == _NONE else v for v in _bin_minima(ids)]
    # Densify: an empty bin borrows from the next filled bin, offset by the distance,
    # so two documents fill the same empty bins the same way.
    if _EMPTY in mins:
        original = list(mins)
        for i in range(NUM_BINS):
            if original[i] == _EMPTY:
                d = 1
                while original[(i + d) % NUM_BINS] == _EMPTY:
                    d += 1
                mins[i] = (original[(i + d) % NUM_BINS] + d * 0x9E3779B97F4A7C15) & _MASK
    return tuple(mins)


def _bin_minima(ids: list[int]) -> list[i64]:
    """Per bin (the low 7 bits of a shingle's hash), the least of the high 57 bits of the
    hashes that fall in it; _NONE where none does. Signed 64-bit arithmetic throughout,
    which mypyc compiles to machine integers: a hash is the same bits either way, and the
    high 57 bits of its unsigned value are (h >> 7) & _LOW57."""
    mins: list[i64] = [_NONE] * NUM_BINS
    # hash() of a tuple of ints is deterministic across processes (no str randomisation).
    # A repeated shingle only repeats a comparison: cheaper than building a set first.
    for shingle in map(hash, zip(ids, ids[1:], ids[2:])):
        h: i64 = shingle
        b = h & _BIN_MASK
        v = (h >> 7) & _LOW57
        if v < mins[b]:
            mins[b] = v
    return mins


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    same: int = sum(map(operator.eq, a, b))
    return same / NUM_BINS


def band_hashes(sig: tuple[int, ...]) -> list[int]:
    """One int per band (the band number is mixed in, so bands never collide)."""
    return [hash((band, *sig[band * ROWS:(band + 1) * ROWS])) for band in range(BANDS)]


def band_keys(sig: tuple[int, ...]) -> list[str]:
    return [f"{band}:{hash(sig[band * ROWS:(band + 1) * ROWS]) & _MASK:x}" for band in range(BANDS)]


def pack(sig: tuple[int, ...]) -> bytes:
    return array("Q", sig).tobytes()


def unpack(data: bytes) -> tuple[int, ...]:
    values = array("Q")
    values.frombytes(data)
    return tuple(values)


def low32(sig: tuple[int, ...]) -> tuple[int, ...]:
    # Compiled, a comprehension of & on small ints runs on machine words (twice map's speed).
    return tuple([v & 0xFFFFFFFF for v in sig])


def unpack32(data: bytes) -> tuple[int, ...]:
    values = array("I")
    values.frombytes(data)
    return tuple(values)


@dataclass(frozen=True)
class Candidate:
    id: str
    seq: int
    root: str | None
    signature: tuple[int, ...]


@dataclass(frozen=True)
class Duplicate:
    duplicate_of: str
    similarity: float


def decide(own_seq: int, candidates: list[Candidate], sig: tuple[int, ...], threshold: float) -> Duplicate | None:
    """The earliest-seen similar article (its original, if it is itself a copy)."""
    best: tuple[int, float, Candidate] | None = None
    for c in candidates:
        if c.seq >= own_seq:
            continue  # seen after us: we are its original, not its copy
        sim = similarity(sig, c.signature)
        if sim >= threshold and (best is None or (c.seq, -sim) < (best[0], -best[1])):
            best = (c.seq, sim, c)
    if best is None:
        return None
    return Duplicate(best[2].root or best[2].id, round(best[1], 4))


class DuplicateIndex(Protocol):
    def check_and_add(self, article_id: str, sig: tuple[int, ...]) -> Duplicate | None: ...


class MemoryIndex:
    """In-process index, bounded in entries and in time.

    Memory: about 3.5 KB per article kept (measured with tracemalloc): the signature
    packed as 32-bit values (plenty to compare: a false match of one value has odds of
    1 in 4 billion), and 32 band entries that point at the id string itself, since a
    band almost always holds one original. The default bound of 10,000 is about 35 MB."""

    def __init__(self, threshold: float = 0.5, window_seconds: float = 7 * 86400, max_entries: int = 10_000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.threshold = threshold
        self.window = window_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._seq = 0
        # id -> (seq, packed 32-bit signature, root, added_at, band hashes), oldest first
        self._entries: OrderedDict[str, tuple[int, bytes, str | None, float, tuple[int, ...]]] = OrderedDict()
        self._bands: dict[int, str | list[str]] = {}  # one id, or a list on the rare collision

    def __len__(self) -> int:
        return len(self._entries)

    def _evict(self) -> None:
        cutoff = self._clock() - self.window
        while self._entries:
            oldest_id, entry = next(iter(self._entries.items()))
            if len(self._entries) < self.max_entries and entry[3] >= cutoff:  # room for one more
                break
            self._entries.popitem(last=False)
            for key in entry[4]:
                members = self._bands.get(key)
                if members == oldest_id:
                    del self._bands[key]
                elif isinstance(members, list) and oldest_id in members:
                    members.remove(oldest_id)
                    if len(members) == 1:
                        self._bands[key] = members[0]

    def check_and_add(self, article_id: str, sig: tuple[int, ...]) -> Duplicate | None:
        self._evict()
        keys = band_hashes(sig)
        existing = self._entries.get(article_id)
        if existing is None:
            self._seq += 1
            own_seq = self._seq
        else:
            own_seq = existing[0]
        bands = self._bands
        ids: set[str] = set()
        for members in filter(None, map(bands.get, keys)):
            if isinstance(members, str):
                ids.add(members)
            else:
                ids.update(members)
        ids.discard(article_id)
        entries = self._entries
        candidates = [Candidate(m, entries[m][0], entries[m][2], unpack32(entries[m][1])) for m in ids]
        low = low32(sig)
        result = decide(own_seq, candidates, low, self.threshold)
        if existing is None:
            # Only originals go into the bands: a copy is found through its original, so
            # a story syndicated a thousand times still costs one comparison, not a thousand.
            kept = () if result else tuple(keys)
            # "I" is 4 bytes on every platform CPython runs on.
            entries[article_id] = (own_seq, array("I", low).tobytes(), result.duplicate_of if result else None,
                                   self._clock(), kept)
            for key in kept:
                members = bands.setdefault(key, article_id)  # one id, or a list on the rare collision
                if members is not article_id:
                    if isinstance(members, str):
                        bands[key] = [members, article_id]
                    else:
                        members.append(article_id)
        return result
