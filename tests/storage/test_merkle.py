"""RFC 9162 Merkle proofs: against the RFC's recursive definition, and against tampering."""

from __future__ import annotations

import hashlib

import pytest

from inspector.storage import merkle


def _mth(leaves: list[bytes]) -> bytes:
    """MTH exactly as RFC 9162 2.1.1 defines it (recursive, with k the largest power of 2 < n)."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + _mth(leaves[:k]) + _mth(leaves[k:])).digest()


def _leaves(n: int) -> list[bytes]:
    return [merkle.leaf_hash(str(i).encode()) for i in range(n)]


def _stored(leaves: list[bytes]) -> merkle.Subtree:
    nodes = {(lv, ix): h for lv, ix, h in merkle.complete_subtrees(leaves)}

    def subtree(start: int, size: int) -> bytes:
        level = size.bit_length() - 1
        assert size == 1 << level and start % size == 0, "only aligned complete subtrees are stored"
        return nodes[(level, start >> level)]
    return subtree


def test_rfc_example_leaf_and_node_prefixes() -> None:
    assert merkle.leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
    assert merkle.root_of_leaves([]) == hashlib.sha256(b"").digest()


@pytest.mark.parametrize("n", [1, 2, 3, 5, 7, 8, 13, 64, 100])
def test_roots_from_stored_subtrees_match_the_definition(n: int) -> None:
    leaves = _leaves(n)
    subtree = _stored(leaves)
    for size in range(1, n + 1):
        assert merkle.range_hash(subtree, 0, size) == _mth(leaves[:size])
    assert merkle.root_of_leaves(leaves) == _mth(leaves)


def test_every_inclusion_proof_verifies_and_a_wrong_leaf_does_not() -> None:
    leaves = _leaves(37)
    subtree = _stored(leaves)
    for size in (1, 2, 7, 8, 9, 37):
        root = _mth(leaves[:size])
        for index in range(size):
            proof = merkle.inclusion_proof(subtree, index, size)
            assert merkle.verify_inclusion(leaves[index], index, size, proof, root)
            other = leaves[(index + 1) % 37]
            assert not merkle.verify_inclusion(other, index, size, proof, root)
            if proof:
                assert not merkle.verify_inclusion(leaves[index], index, size, proof[:-1], root)


def test_every_consistency_proof_verifies_and_a_rewritten_prefix_does_not() -> None:
    leaves = _leaves(40)
    subtree = _stored(leaves)
    forged = list(leaves)
    forged[2] = merkle.leaf_hash(b"forged")
    for old in range(1, 41):
        for new in range(old, 41):
            proof = merkle.consistency_proof(subtree, old, new)
            assert merkle.verify_consistency(old, new, _mth(leaves[:old]), _mth(leaves[:new]), proof)
            if old > 2:
                # The old checkpoint saw leaf 2 honestly; a log that rewrote it cannot prove it grew from it.
                forged_proof = merkle.consistency_proof(_stored(forged), old, new)
                assert not merkle.verify_consistency(old, new, _mth(leaves[:old]), _mth(forged[:new]),
                                                     forged_proof)


def test_rfc_proof_shapes() -> None:
    # RFC 9162 2.1.5: in the 7-leaf example, PROOF(3, D[7]) = [c, d, g, l] has four hashes,
    # PROOF(4, D[7]) = [l] one, PROOF(6, D[7]) = [i, j, k] three; PATH(0, D[7]) three.
    subtree = _stored(_leaves(7))
    assert len(merkle.consistency_proof(subtree, 3, 7)) == 4
    assert len(merkle.consistency_proof(subtree, 4, 7)) == 1
    assert len(merkle.consistency_proof(subtree, 6, 7)) == 3
    assert len(merkle.inclusion_proof(subtree, 0, 7)) == 3
