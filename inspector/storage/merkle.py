"""Merkle tree hashing and proofs as in RFC 9162 (Certificate Transparency 2.0), section 2.1.

Trees are read through `subtree(start, size) -> bytes`, the hash of leaves [start, start+size).
The proofs below only ever ask for ranges that begin at a multiple of the largest power of two
below their size, so a store that keeps every complete power-of-two subtree answers each request
from O(log n) stored nodes (see storage/audit.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence

Subtree = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


EMPTY_ROOT = hashlib.sha256(b"").digest()


def split(size: int) -> int:
    """The largest power of two smaller than size (size > 1)."""
    return 1 << ((size - 1).bit_length() - 1)


def root_of_leaves(leaves: Sequence[bytes]) -> bytes:
    """MTH over already hashed leaves, bottom-up: for tests and for recomputing a whole log."""
    if not leaves:
        return EMPTY_ROOT
    return RootBuilder.of(leaves).root()


class RootBuilder:
    """The root of a growing list of leaf hashes in O(log n) memory: a stack of complete subtrees."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (size, hash), sizes strictly decreasing
        self.size = 0

    @classmethod
    def of(cls, leaves: Sequence[bytes]) -> RootBuilder:
        builder = cls()
        for leaf in leaves:
            builder.add(leaf)
        return builder

    def add(self, leaf: bytes) -> None:
        size, digest = 1, leaf
        while self._stack and self._stack[-1][0] == size:
            left = self._stack.pop()[1]
            size, digest = size * 2, node_hash(left, digest)
        self._stack.append((size, digest))
        self.size += 1

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        digest = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            digest = node_hash(left, digest)
        return digest


def range_hash(subtree: Subtree, start: int, size: int) -> bytes:
    """MTH(D[start:start+size]) from complete subtrees (`subtree` answers aligned powers of two)."""
    if size & (size - 1) == 0:
        return subtree(start, size)
    k = split(size)
    return node_hash(subtree(start, k), range_hash(subtree, start + k, size - k))


def inclusion_proof(subtree: Subtree, index: int, size: int) -> list[bytes]:
    """PATH(m, D[0:n]) of RFC 9162 2.1.3.1, leaf first."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is not in a tree of {size}")
    path: list[bytes] = []
    start = 0
    while size > 1:
        k = split(size)
        if index < k:
            path.append(range_hash(subtree, start + k, size - k))
            size = k
        else:
            path.append(range_hash(subtree, start, k))
            start, index, size = start + k, index - k, size - k
    path.reverse()
    return path


def consistency_proof(subtree: Subtree, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(m, D[0:n]) of RFC 9162 2.1.4.1."""
    if not 0 < old_size <= new_size:
        raise ValueError(f"no consistency proof from {old_size} to {new_size}")
    return _subproof(subtree, old_size, 0, new_size, True)


def _subproof(subtree: Subtree, m: int, start: int, n: int, whole: bool) -> list[bytes]:
    if m == n:
        return [] if whole else [range_hash(subtree, start, n)]
    k = split(n)
    if m <= k:
        return [*_subproof(subtree, m, start, k, whole), range_hash(subtree, start + k, n - k)]
    return [*_subproof(subtree, m - k, start + k, n - k, False), range_hash(subtree, start, k)]


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """RFC 9162 2.1.3.2."""
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes,
                       proof: Sequence[bytes]) -> bool:
    """RFC 9162 2.1.4.2."""
    if old_size > new_size or old_size == 0:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn & 1 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return fr == old_root and sr == new_root and sn == 0


def complete_subtrees(leaves: Sequence[bytes], first_index: int = 0,
                      pending: dict[int, bytes] | None = None) -> Iterator[tuple[int, int, bytes]]:
    """(level, index, hash) of every complete subtree, in the order appending the leaves completes
    them: what storage/audit.py keeps in audit_nodes (for backfilling and bulk loading).
    `pending` carries the left siblings still waiting for their right half between calls."""
    pending = {} if pending is None else pending
    for offset, leaf in enumerate(leaves):
        current, level, position = leaf, 0, first_index + offset
        yield 0, position, current
        while position & 1:
            current = node_hash(pending[level], current)
            level, position = level + 1, position >> 1
            yield level, position, current
        pending[level] = current
