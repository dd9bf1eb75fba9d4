"""Photo thumbnails: a cache beside the photos for the screens, vouched for by the station's signature.

Anyone with the photo folder can replace a cached thumbnail. Documents never use the cache: they make
their pictures from the stored photo, checked against its hash (PhotoStore.read_verified). Each cached
thumbnail has a sidecar signature over (photo hash, thumbnail hash) by the station key that made it,
so `inspector audit verify` names a replaced one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector.services import signing
from inspector.services.context import ServiceContext

PREFIX = b"inspector thumbnail\n"


def _message(photo_sha256: str, thumbnail: bytes) -> bytes:
    digest = hashlib.sha256(thumbnail).hexdigest()
    return PREFIX + photo_sha256.encode("ascii") + b"\n" + digest.encode("ascii")


def cache(ctx: ServiceContext, photo_sha256: str, thumbnail: bytes) -> None:
    """Keep a thumbnail made from the photo, with the station's signature beside it (best effort)."""
    tag = signing.sign_tag(signing.station_key(ctx.settings), _message(photo_sha256, thumbnail))
    if ctx.photos.put_thumbnail(photo_sha256, thumbnail):
        ctx.photos.put_thumbnail_tag(photo_sha256, tag)


def problem(ctx: ServiceContext, photo_sha256: str, thumbnail: bytes,
            trusted: dict[str, Ed25519PublicKey] | None = None) -> str | None:
    """None when a trusted station signed this thumbnail for this photo."""
    tag = ctx.photos.read_thumbnail_tag(photo_sha256)
    if not tag:
        return "has no station signature"
    return signing.tag_problem(tag, _message(photo_sha256, thumbnail),
                               trusted if trusted is not None else signing.log_keys(ctx.settings),
                               "was replaced (its signature does not match it)")


def replaced(ctx: ServiceContext, photo_hashes: set[str]) -> Iterator[str]:
    """Sentences naming cached thumbnails of these photos that were replaced (for audit verify)."""
    trusted = signing.log_keys(ctx.settings)
    for sha256 in sorted(photo_hashes):
        cached = ctx.photos.read_thumbnail(sha256)
        if cached is None or ctx.photos.read_thumbnail_tag(sha256) is None:
            continue  # never cached for documents (or a screen-only cache): documents make their own
        trouble = problem(ctx, sha256, cached, trusted)
        if trouble:
            yield f"the cached thumbnail of photo {sha256[:16]}… {trouble}"
