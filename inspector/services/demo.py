"""Demo data: users with documented PINs, items, and finished inspections with real photos."""

from __future__ import annotations

import contextlib
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from inspector.domain.checklist import Checklist, PhotoRule, Registry, Severity, ValueKind
from inspector.domain.patterns import full_match
from inspector.domain.verdict import FailReason, Outcome
from inspector.errors import BadInput, InvalidState
from inspector.security.roles import Actor, Role
from inspector.services.demo_photos import bench_photo
from inspector.services.station import StationServices
from inspector.vision.imageio import load_image
from inspector.vision.synthetic import Nuisance

# Documented in the README: who to log in as on a demo station.
DEMO_USERS: tuple[tuple[str, Role, str, str], ...] = (
    ("Ada Admin", Role.ADMIN, "B-9001", "9999"),
    ("Morgan Supervisor", Role.SUPERVISOR, "B-2001", "3456"),
    ("Alex Authenticator", Role.AUTHENTICATOR, "B-1001", "1234"),
    ("Jordan Authenticator", Role.AUTHENTICATOR, "B-1002", "2345"),
)

# How the demo inspections end: most pass, as at a real centre.
SCENARIOS = ("pass", "pass", "pass", "pass", "fail", "minor", "unsure", "wrong-code")


@dataclass(frozen=True)
class DemoSummary:
    users: int
    inspections: int
    photos: int

    def __str__(self) -> str:
        names = ", ".join(f"{name} ({role}, badge {badge}, PIN {pin})"
                          for name, role, badge, pin in DEMO_USERS)
        return (f"demo: {self.users} users, {self.inspections} finished inspections, "
                f"{self.photos} photos\nlog in as: {names}")


def photograph(reference: np.ndarray, rng: random.Random) -> bytes:
    """A bench photo of a genuine item: on a plain mat under a soft light, placed by hand (slight
    tilt and turn), a soft shadow and sensor grain, JPEG (services/demo_photos.py)."""
    nuisance = Nuisance(
        tilt_deg=rng.uniform(0, 8), tilt_axis_deg=rng.uniform(0, 180),
        rotation_deg=rng.uniform(-6, 6), scale=rng.uniform(0.92, 1.05),
        brightness=rng.uniform(-8, 8), noise_sigma=rng.uniform(1.5, 3), margin=rng.uniform(0.12, 0.22),
    )
    photo, _ = bench_photo(reference, nuisance, np.random.default_rng(rng.randrange(1 << 30)),
                           jpeg_quality=None)
    ok, jpeg = cv2.imencode(".jpg", photo, [cv2.IMWRITE_JPEG_QUALITY, rng.randint(84, 92)])
    assert ok
    return jpeg.tobytes()


def _value_for(checklist: Checklist, kind: ValueKind, style_code: str, scenario: str,
               rng: random.Random) -> str:
    registry = checklist.registry
    if kind is ValueKind.STYLE_CODE:
        return "ZZ9999-999" if scenario == "wrong-code" else style_code
    if kind is ValueKind.COUNTRY:
        return rng.choice(registry.countries) if registry.countries else "Italy"
    if kind is ValueKind.DATE_CODE:
        return _sample_for(registry.date_code_pattern, "SD1234", rng)
    if kind is ValueKind.SERIAL:
        return _sample_for(registry.serial_pattern, "7Z123456", rng)
    if kind is ValueKind.SIZE:
        return _demo_size(registry, style_code)
    if kind is ValueKind.UPC:
        size = _demo_size(registry, style_code)
        listed = [u.code for u in registry.upcs if u.style == style_code and u.size == size]
        return listed[0] if listed else "036000291452"
    return "as listed"


def _demo_size(registry: Registry, style_code: str) -> str:
    """The size of a demo pair: one its registry lists a box barcode for, else US 10."""
    return next((u.size for u in registry.upcs if u.style == style_code), "10")


def _sample_for(pattern: str | None, fallback: str, rng: random.Random) -> str:
    """A value matching the brand's pattern, found by trying simple shapes; fallback otherwise."""
    if not pattern:
        return fallback
    letters = "ABCDEFGHJKLMNPRSTUVWXYZ"
    for _ in range(400):
        shape = rng.choice(["LLDDDD", "LLDDDDDD", "DLLDDDDD", "LDDDDDDD", "DDDDDDDD", "DLDDDDDD",
                            "LLLLDDDDDD", "DDDD", "LLDDDL", "DDDDDD", "LDDDDD", "LLDDDDDDDDDDDD"])
        value = "".join(rng.choice(letters) if c == "L" else str(rng.randint(0, 9)) for c in shape)
        if full_match(pattern, value):
            return value
    return fallback


def seed_demo(station: StationServices, *, inspections: int = 36, seed: int = 7,
              progress: Callable[[str], None] | None = None) -> DemoSummary:
    """Idempotent for users; adds `inspections` new finished inspections each run."""
    say = progress or (lambda _text: None)
    rng = random.Random(seed)
    users = station.users
    actors: dict[str, Actor] = {}
    # Several stations may seed one database at once: whoever creates a user first wins, the others
    # find it made (the database's unique names decide, not a check that could race).
    if not users.has_users():
        admin_name, _, admin_badge, admin_pin = DEMO_USERS[0]
        with contextlib.suppress(InvalidState, BadInput):
            users.create_first_admin(admin_name, admin_pin, admin_badge)
    admin = users.login(DEMO_USERS[0][2], DEMO_USERS[0][3])
    existing = {u.name for u in users.list_users(admin)}
    for name, role, badge, pin in DEMO_USERS:
        if name not in existing:
            with contextlib.suppress(BadInput):
                users.create_user(admin, name, pin, role, badge)
        actors[name] = users.login(badge, pin)
    authenticators = [a for a in actors.values() if a.role is Role.AUTHENTICATOR]
    library = station.ctx.library.all()
    references: dict[str, np.ndarray] = {}
    photos = 0
    # A batch mark of its own per run, so stations seeding at once never pick the same item codes.
    batch = secrets.token_hex(3).upper()
    for number in range(inspections):
        loaded = library[number % len(library)]
        checklist = loaded.checklist
        scenario = SCENARIOS[(number // len(library) + number) % len(SCENARIOS)]
        styles = checklist.registry.style_codes
        style_code = styles[number % len(styles)].code if styles else None
        actor = authenticators[number % len(authenticators)]
        item_code = f"DEMO-{batch}-{number + 1:03d}"
        started = station.inspections.start_or_resume(
            actor, item_code, style_code=style_code, checklist_id=checklist.id,
            description=f"{checklist.title} {style_code or ''}".strip(),
            declared_value=float(rng.choice([120, 180, 250, 400, 900, 2500, 8000])),
        )
        inspection_id = started.inspection.id
        say(f"demo inspection {number + 1}/{inspections}: {item_code} {checklist.title} ({scenario})")
        failing = _failing_step(checklist, scenario)
        for step in checklist.steps:
            if step.photo is not PhotoRule.NONE and step.references:
                ref_path = station.ctx.settings.assets_dir / step.references[0]
                if str(ref_path) not in references:
                    references[str(ref_path)] = load_image(ref_path)
                for _ in range(step.required_photos or 1):
                    photo = station.inspections.add_photo(
                        actor, inspection_id, step.id, photograph(references[str(ref_path)], rng),
                        source="demo")
                    photos += 1
                if step.id == failing or (step.needs_photo and number % 9 == 0):
                    station.comparisons.compare_photo(actor, photo.id)
            value = (_value_for(checklist, step.value.kind, style_code or "", scenario, rng)
                     if step.value else None)
            if step.id == failing and scenario == "fail":
                station.inspections.record_step(
                    actor, inspection_id, step.id, Outcome.FAIL, value=value,
                    fail_reason=FailReason.COUNTERFEIT,
                    note="Font weight and spacing differ from the reference; stitching uneven.")
            elif step.id == failing and scenario == "minor":
                station.inspections.record_step(
                    actor, inspection_id, step.id, Outcome.FAIL, value=value,
                    fail_reason=FailReason.DEFECT, note="Small glue stain; cosmetic only.")
            elif step.id == failing and scenario == "unsure":
                station.inspections.record_step(
                    actor, inspection_id, step.id, Outcome.UNSURE, value=value,
                    note="Photo of the code is not conclusive; needs a senior look.")
            else:
                station.inspections.record_step(actor, inspection_id, step.id, Outcome.PASS,
                                                value=value)
        station.inspections.finish(actor, inspection_id)
    return DemoSummary(len(actors), inspections, photos)


def _failing_step(checklist: Checklist, scenario: str) -> str | None:
    wanted = {"fail": Severity.CRITICAL, "minor": Severity.MINOR, "unsure": Severity.MAJOR}.get(scenario)
    if wanted is None:
        return None
    for step in checklist.steps:
        if step.severity is wanted:
            return step.id
    return checklist.steps[-1].id
