"""The pictures a certificate prints (each checkpoint's photo cropped to its subject), cached and signed.

Making one decodes a 12 MP photo: a certificate of 11 photo checkpoints took seconds, and a reprint the
same again. The picture is derived data, so it is kept beside the photos (PhotoStore.picture_path),
named by the photo's hash and a digest of how it was made (the crop's recipe: homography, reference
size, size and margin, version). Anyone with the photo folder can replace a file there, so each picture
has a sidecar signature by the station key over (photo hash, recipe, picture hash), made only from the
photo after it was checked against its hash. A document uses a cached picture only when a key this
computer trusts signed it for that photo and that recipe; otherwise the picture is made again from the
verified photo. `inspector audit verify` names a replaced one (docs/audit-log.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from inspector.printing import evidence as crops
from inspector.services import signing
from inspector.services.context import ServiceContext

PREFIX = b"inspector document picture\n"
# Change when subject_thumbnail draws differently: every cached picture is then made again.
RECIPE_VERSION = "subject-1"


def recipe(homography: list[list[float]] | None, reference_size: tuple[int, int] | None) -> str:
    """A digest of everything the subject crop depends on besides the photo."""
    text = json.dumps([RECIPE_VERSION, crops.SUBJECT_SIDE, crops.SUBJECT_MARGIN, homography,
                       list(reference_size) if reference_size else None], separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _message(photo_sha256: str, made_by: str, picture: bytes) -> bytes:
    digest = hashlib.sha256(picture).hexdigest()
    return PREFIX + f"{photo_sha256}\n{made_by}\n{digest}".encode("ascii")


def subject_picture(ctx: ServiceContext, photo_sha256: str, homography: list[list[float]] | None,
                    reference_size: tuple[int, int] | None) -> bytes | None:
    """The photo cropped to its subject for a certificate: from the cache when a trusted key vouches
    for it, else made from the stored photo (checked against its hash) and cached with a signature."""
    made_by = recipe(homography, reference_size)
    cached = ctx.photos.read_picture(photo_sha256, f"{made_by}.jpg")
    if cached is not None and problem(ctx, photo_sha256, made_by, cached) is None:
        return cached
    made = crops.subject_thumbnail(ctx.photos.read_verified(photo_sha256), homography, reference_size)
    if made is not None:
        tag = signing.sign_tag(signing.station_key(ctx.settings), _message(photo_sha256, made_by, made))
        # The signature first: a picture without one is never used, one without its picture is unused.
        if ctx.photos.put_picture(photo_sha256, f"{made_by}.sig", tag.encode()):
            ctx.photos.put_picture(photo_sha256, f"{made_by}.jpg", made)
    return made


def problem(ctx: ServiceContext, photo_sha256: str, made_by: str, picture: bytes,
            trusted: dict[str, Ed25519PublicKey] | None = None) -> str | None:
    """None when a trusted key signed this picture for this photo and recipe."""
    tag = ctx.photos.read_picture(photo_sha256, f"{made_by}.sig")
    if not tag:
        return "has no station signature"
    return signing.tag_problem(tag.decode("ascii", "replace").strip(),
                               _message(photo_sha256, made_by, picture),
                               trusted if trusted is not None else signing.log_keys(ctx.settings),
                               "was replaced (its signature does not match it)")


def replaced(ctx: ServiceContext, photo_hashes: set[str]) -> Iterator[str]:
    """Sentences naming cached document pictures of these photos that were replaced (for audit verify)."""
    trusted = signing.log_keys(ctx.settings)
    for sha256, name in ctx.photos.pictures():
        if sha256 not in photo_hashes or not name.endswith(".jpg"):
            continue
        picture = ctx.photos.read_picture(sha256, name)
        trouble = problem(ctx, sha256, name.removesuffix(".jpg"), picture, trusted) if picture else None
        if trouble:
            yield f"the certificate picture of photo {sha256[:16]}… {trouble}"
