"""The keys a file has shown so far, each with the line it first appeared on, in about
20 bytes a key: a 128-bit digest and the line, in sorted numpy arrays.

A dict of key tuples costs ≈ 180 bytes a key — 900 MB for a 5M-row orders file, the
larger part of an import's memory. Here keys go in and are looked up a chunk at a time:
each chunk's new keys become a sorted level, and levels of similar size are merged
(a log-structured merge), so lookups stay a few ``searchsorted`` calls per chunk.

Two different keys share a BLAKE2b-128 digest with a probability of about n² / 2¹²⁹
(≈ 10⁻²⁵ for 5M keys): the index treats the digest as the key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

DIGEST = np.dtype("S16")
SEPARATOR = "\x1f"  # between the fields of a composite key (unit separator)


def digest(key: tuple[str, ...]) -> bytes:
    text = key[0] if len(key) == 1 else SEPARATOR.join(key)
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class KeyIndex:
    """Digest → the (signed) line it was first seen on. Lines are never 0."""

    def __init__(self) -> None:
        self._levels: list[tuple[np.ndarray, np.ndarray]] = []

    def __len__(self) -> int:
        return sum(len(digests) for digests, _lines in self._levels)

    def lookup(self, digests: Sequence[bytes]) -> list[int]:
        """The line stored for each digest, 0 where it was never added."""
        found = np.zeros(len(digests), dtype=np.int32)
        if not digests or not self._levels:
            return found.tolist()
        wanted = np.array(digests, dtype=DIGEST)
        for level, lines in self._levels:
            at = np.searchsorted(level, wanted).clip(max=len(level) - 1)
            hit = level[at] == wanted
            found[hit] = lines[at[hit]]
        return found.tolist()

    def add(self, entries: dict[bytes, int]) -> None:
        """Store new digests (none of them already in the index) with their lines."""
        if not entries:
            return
        digests = np.array(list(entries), dtype=DIGEST)
        lines = np.fromiter(entries.values(), dtype=np.int32, count=len(entries))
        order = np.argsort(digests)
        self._levels.append((digests[order], lines[order]))
        while len(self._levels) > 1 and len(self._levels[-2][0]) <= 2 * len(self._levels[-1][0]):
            (older, older_lines), (newer, newer_lines) = self._levels.pop(-2), self._levels.pop()
            merged = np.concatenate([older, newer])
            order = np.argsort(merged, kind="stable")
            self._levels.append((merged[order], np.concatenate([older_lines, newer_lines])[order]))
