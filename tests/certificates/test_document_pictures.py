"""Certificate pictures come from a signed cache on a reprint; a cached picture no trusted key vouches
for, for this photo and this crop, is never printed."""

from __future__ import annotations

import base64

import pytest

from inspector.printing import evidence as crops
from inspector.security import keys
from inspector.security.roles import Actor
from inspector.services import document_pictures
from inspector.services.station import StationServices
from tests.certificates.test_service import ALL_PASS, _finish

HOMOGRAPHY = [[1.0, 0.0, -40.0], [0.0, 1.0, -30.0], [0.0, 0.0, 1.0]]


@pytest.fixture
def photo_sha(services: StationServices, people: dict[str, Actor], photo_bytes: bytes) -> str:
    inspection_id = _finish(services, people["alex"], photo_bytes, "PIC-1", ALL_PASS)
    return services.inspections.detail(people["alex"], inspection_id).photos["box-label"][0].sha256


def _never_made(*_args: object) -> bytes:
    raise AssertionError("the picture was made again instead of read from the cache")


def test_a_second_request_reads_the_signed_picture(services: StationServices, photo_sha: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    made = document_pictures.subject_picture(services.ctx, photo_sha, HOMOGRAPHY, (300, 200))
    assert made is not None
    monkeypatch.setattr(crops, "subject_thumbnail", _never_made)
    assert document_pictures.subject_picture(services.ctx, photo_sha, HOMOGRAPHY, (300, 200)) == made
    # Another crop of the same photo is another picture: not served from this one's cache.
    with pytest.raises(AssertionError, match="made again"):
        document_pictures.subject_picture(services.ctx, photo_sha, None, None)


def test_a_picture_moved_from_another_photo_or_signed_by_a_stranger_is_made_again(
        services: StationServices, photo_sha: str, photo_bytes: bytes) -> None:
    store, ctx = services.ctx.photos, services.ctx
    recipe = document_pictures.recipe(None, None)
    genuine = document_pictures.subject_picture(ctx, photo_sha, None, None)
    assert genuine is not None
    # Another photo, its picture and signature copied into this photo's place: both are valid files,
    # signed by this station, but for another photo.
    other = store.put(photo_bytes[:-2] + b"\x00\xff\xd9").sha256
    other_picture = document_pictures.subject_picture(ctx, other, None, None)
    assert other_picture is not None
    for suffix in ("jpg", "sig"):
        store.picture_path(photo_sha, f"{recipe}.{suffix}").write_bytes(
            store.picture_path(other, f"{recipe}.{suffix}").read_bytes())
    assert document_pictures.problem(ctx, photo_sha, recipe, other_picture) == \
        "was replaced (its signature does not match it)"
    assert document_pictures.subject_picture(ctx, photo_sha, None, None) == genuine
    # A fake signed properly, by a key this station does not trust.
    stranger = keys.SigningKey.generate()
    fake = other_picture
    message = document_pictures._message(photo_sha, recipe, fake)
    store.put_picture(photo_sha, f"{recipe}.jpg", fake)
    store.put_picture(photo_sha, f"{recipe}.sig",
                      f"{stranger.key_id}:{base64.b64encode(stranger.sign(message)).decode()}".encode())
    assert "does not trust" in (document_pictures.problem(ctx, photo_sha, recipe, fake) or "")
    assert document_pictures.subject_picture(ctx, photo_sha, None, None) == genuine
