"""Replay the audit log and compare it with the tables: the first record the log does not explain.

An insider with write access to the tables can change a verdict, un-void a certificate or point a
photo row at another file without appending an event; the log, signed and checkpointed, still says
what happened. Replaying it gives what every table should hold; any difference is named.
"""

from __future__ import annotations

import hashlib
import json
import json.scanner
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from inspector.services import replay_tables
from inspector.storage.audit import EventRow
from inspector.storage.models import Certificate, Inspection, Photo, Review, StepResult, User


@dataclass
class _Expected:
    """What the events say each record holds, and the event (seq) that said it last."""

    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    inspections: dict[int, dict[str, Any]] = field(default_factory=dict)
    results: dict[int, list[tuple[int, tuple[Any, ...]]]] = field(default_factory=lambda: defaultdict(list))
    photos: dict[int, tuple[int, int, str, str]] = field(default_factory=dict)
    reviews: dict[int, dict[str, Any]] = field(default_factory=dict)
    certificates: dict[str, dict[str, Any]] = field(default_factory=dict)


class Replay:
    """Feed events in order (`feed`), then `compare(session)`: differences, first one first."""

    def __init__(self) -> None:
        self.expected = _Expected()
        self.more = replay_tables.Expected()

    def feed(self, event: EventRow) -> None:
        handler = _HANDLERS.get(event.action)
        if handler is None and event.entity == "user":
            handler = _user_changed
        more = replay_tables.HANDLERS.get(event.action)
        if handler is None and more is None:
            return
        data = _decode(event.data) if event.data else {}
        if handler is not None:
            handler(self.expected, event, data)
        if more is not None:
            more(self.more, event, data)

    def compare(self, session: Session, limit: int = 20) -> tuple[list[str], int]:
        """Up to `limit` differences (the first is the first record the log does not explain) and
        how many records were compared."""
        problems: list[str] = []
        compared = 0
        db = session.connection()  # Core rows: the tables are read whole, the ORM's rows cost more
        for check in (_check_users, _check_inspections, _check_results, _check_photos, _check_reviews,
                      _check_certificates):
            compared += check(self.expected, db, problems)
        for more in replay_tables.CHECKS:
            compared += more(self.more, db, problems)
        return problems[:limit], compared


# json.loads spends more time in its Python wrappers (whitespace regexes, decode, raw_decode) than
# in the C scanner itself; the replay decodes every event's data, so it calls the scanner directly.
_scan = json.scanner.make_scanner(json.JSONDecoder())  # type: ignore[arg-type]  # typeshed types the context oddly


def _decode(text: str) -> Any:
    """json.loads for one event's data: the scanner on canonical JSON, json.loads for anything else
    (leading or trailing whitespace, trailing text, invalid JSON: its error is json.loads's)."""
    try:
        value, end = _scan(text, 0)
    except (StopIteration, ValueError):
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def _int(value: str) -> int | None:
    try:
        return int(value)
    except ValueError:
        return None


# --- what each event says --------------------------------------------------------------------

USER_FIELDS = ("name", "role", "badge", "active", "failed_pins", "locked_until", "pin")


def _user_created(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    uid = _int(e.entity_id)
    if uid is not None:
        exp.users[uid] = {"active": True, **{k: d[k] for k in USER_FIELDS if k in d}, "seq": e.seq}


def _user_changed(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    """Any later event about a user: each states the user's row after it (services/users.py)."""
    user = exp.users.get(_int(e.entity_id) or -1)
    if user is None:
        return
    if e.action == "user.activated":
        user["active"] = True
    elif e.action == "user.deactivated":
        user["active"] = False
    user.update({k: d[k] for k in USER_FIELDS if k in d})
    user["seq"] = e.seq


def _inspection_started(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    iid = _int(e.entity_id)
    if iid is not None:
        exp.inspections[iid] = {"authenticator": e.actor_id, "status": "open", "verdict": None,
                                "checklist": d.get("checklist"), "seq": e.seq}


def _inspection_finished(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    inspection = exp.inspections.get(_int(e.entity_id) or -1)
    if inspection is not None:
        inspection.update(status="finished", verdict=d.get("verdict"), seq=e.seq)


def _reviewed(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    iid = _int(e.entity_id) or -1
    inspection = exp.inspections.get(iid)
    if inspection is not None and e.action == "review.overturn":
        inspection.update(verdict=d.get("to"), seq=e.seq)
    if isinstance(d.get("review"), int):
        # A review row holds the reviewer's own verdict; a blind or panel review's event names it
        # apart from the inspection's verdict after it ("to"). Older events did not state the rest.
        review = {"seq": e.seq, "inspection": iid, "decision": e.action.removeprefix("review."),
                  "verdict": str(d.get("reviewer_verdict", d.get("to")))}
        if "reviewer" in d:
            review.update(reviewer=d["reviewer"], previous_verdict=d.get("from"), blind=bool(d.get("blind")),
                          stage="panel" if d.get("stage") == "panel" else "review")
        exp.reviews[d["review"]] = review


def _appeal_decided(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    inspection = exp.inspections.get(_int(e.entity_id) or -1)
    if inspection is not None and d.get("to"):
        inspection.update(verdict=d.get("to"), seq=e.seq)


def _taken_over(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    """A supervisor took over an open inspection: it is theirs from then on."""
    inspection = exp.inspections.get(_int(e.entity_id) or -1)
    if inspection is not None and d.get("to") is not None:
        inspection.update(authenticator=d["to"], seq=e.seq)


def _step_recorded(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    iid = _int(e.entity_id)
    if iid is not None:
        exp.results[iid].append((e.seq, (d.get("step"), d.get("outcome"), d.get("reason"),
                                         d.get("note", ""), d.get("value"))))


def _photo_added(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    pid = _int(e.entity_id)
    if pid is not None:
        exp.photos[pid] = (e.seq, int(d.get("inspection", -1)), str(d.get("step")), str(d.get("sha256")))


def _certificate_issued(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    exp.certificates[e.entity_id] = {"inspection": d.get("inspection"), "void": False, "seq": e.seq}


def _certificate_voided(exp: _Expected, e: EventRow, d: dict[str, Any]) -> None:
    certificate = exp.certificates.get(e.entity_id)
    if certificate is not None:
        certificate.update(void=True, seq=e.seq)


_HANDLERS = {
    "user.created": _user_created,
    "inspection.started": _inspection_started,
    "inspection.finished": _inspection_finished,
    "inspection.taken_over": _taken_over,
    "review.confirm": _reviewed,
    "review.overturn": _reviewed,
    "review.dispute": _reviewed,  # a blind disagreement: the verdict waits for the panel
    "appeal.reversed": _appeal_decided,
    "appeal.upheld": _appeal_decided,
    "step.recorded": _step_recorded,
    "photo.added": _photo_added,
    "certificate.issued": _certificate_issued,
    "certificate.voided": _certificate_voided,
}


# --- what the tables hold ---------------------------------------------------------------------

def _missing_from_log(kind: str, key: object) -> str:
    return f"{kind} {key}: no audit event records it (added to the table directly?)"


def _check_users(exp: _Expected, db: Connection, problems: list[str]) -> int:
    rows = db.execute(select(User.id, User.name, User.role, User.badge_code, User.active,
                             User.failed_pins, User.locked_until, User.pin_hash).order_by(User.id)).all()
    for uid, name, role, badge, active, failed_pins, locked_until, pin_hash in rows:
        want = exp.users.pop(uid, None)
        if want is None:
            problems.append(_missing_from_log("user", f"{uid} ({name})"))
            continue
        have = {"name": name, "role": role, "badge": badge, "active": bool(active),
                "failed_pins": int(failed_pins or 0), "locked_until": _moment(locked_until),
                "pin": hashlib.sha256(pin_hash.encode("utf-8")).hexdigest()}
        for what in USER_FIELDS:
            if what not in want:
                continue  # older events did not state it
            said = _moment(want[what]) if what == "locked_until" else want[what]
            if have[what] != said:
                shown = ("a different PIN", "another") if what == "pin" else (have[what], said)
                problems.append(f"user {uid} ({name}): {what} is {shown[0]}, the log says {shown[1]} "
                                f"(event #{want['seq']})")
                break
    problems += [f"user {uid}: in the log (event #{w['seq']}) but not in the table"
                 for uid, w in exp.users.items()]
    return len(rows)


def _moment(value: object) -> datetime | None:
    """A time from a row (naive on SQLite: UTC) or an event (ISO text), comparable either way."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_inspections(exp: _Expected, db: Connection, problems: list[str]) -> int:
    rows = db.execute(select(Inspection.id, Inspection.status, Inspection.verdict,
                             Inspection.authenticator_id).order_by(Inspection.id)).all()
    for iid, status, verdict, authenticator in rows:
        want = exp.inspections.pop(iid, None)
        if want is None:
            problems.append(_missing_from_log("inspection", iid))
        elif verdict != want["verdict"]:
            problems.append(f"inspection {iid}: verdict is {verdict}, the log says {want['verdict']} "
                            f"(event #{want['seq']})")
        elif status != want["status"]:
            problems.append(f"inspection {iid}: status is {status}, the log says {want['status']} "
                            f"(event #{want['seq']})")
        elif authenticator != want["authenticator"]:
            problems.append(f"inspection {iid}: authenticator is user {authenticator}, the log says user "
                            f"{want['authenticator']} (event #{want['seq']})")
    problems += [f"inspection {iid}: in the log (event #{w['seq']}) but not in the table"
                 for iid, w in exp.inspections.items()]
    return len(rows)


def _check_results(exp: _Expected, db: Connection, problems: list[str]) -> int:
    rows = db.execute(select(StepResult.id, StepResult.inspection_id, StepResult.step_id,
                             StepResult.outcome, StepResult.fail_reason, StepResult.note,
                             StepResult.value).order_by(StepResult.inspection_id, StepResult.id)).all()
    have: dict[int, list[tuple[int, tuple[Any, ...]]]] = defaultdict(list)
    for rid, iid, *columns in rows:
        have[iid].append((rid, tuple(columns)))
    for iid in sorted(set(have) | set(exp.results)):
        table, log = have.get(iid, []), exp.results.get(iid, [])
        for (rid, held), (seq, said) in zip(table, log, strict=False):
            if held != said:
                problems.append(f"inspection {iid}, step result {rid} ({held[0]}): is {held[1]}"
                                f"{_detail(held, said)}, the log says {said[1]} (event #{seq})")
                break
        else:
            if len(table) > len(log):
                problems.append(_missing_from_log(f"inspection {iid}: step result", table[len(log)][0]))
            elif len(log) > len(table):
                seq, said = log[len(table)]
                problems.append(f"inspection {iid}: the step result for {said[0]} recorded by event #{seq} "
                                "is not in the table (deleted?)")
    return len(rows)


def _detail(fields: tuple[Any, ...], said: tuple[Any, ...]) -> str:
    names = ("step", "outcome", "reason", "note", "value")
    changed = [f"{n} {h!r} not {s!r}" for n, h, s in zip(names, fields, said, strict=True) if h != s]
    return f" ({'; '.join(changed)})" if changed else ""


def _check_photos(exp: _Expected, db: Connection, problems: list[str]) -> int:
    rows = db.execute(select(Photo.id, Photo.inspection_id, Photo.step_id, Photo.sha256)
                           .order_by(Photo.id)).all()
    for pid, iid, step, sha in rows:
        want = exp.photos.pop(pid, None)
        if want is None:
            problems.append(_missing_from_log("photo", f"{pid} (inspection {iid}, step {step})"))
        elif sha != want[3]:
            problems.append(f"photo {pid} (inspection {iid}, step {step}): points at file {sha[:16]}…, "
                            f"the log says {want[3][:16]}… (event #{want[0]})")
        elif (iid, step) != (want[1], want[2]):
            problems.append(f"photo {pid}: belongs to inspection {iid}, step {step}; the log says "
                            f"inspection {want[1]}, step {want[2]} (event #{want[0]})")
    problems += [f"photo {pid} (inspection {w[1]}, step {w[2]}): deleted from the table; the log records "
                 f"it (event #{w[0]})" for pid, w in exp.photos.items()]
    return len(rows)


REVIEW_FIELDS = ("inspection", "decision", "verdict", "reviewer", "previous_verdict", "blind", "stage")


def _check_reviews(exp: _Expected, db: Connection, problems: list[str]) -> int:
    """Review rows, panel rows (stage `panel`) among them: who, what, blind or not."""
    rows = db.execute(select(Review.id, Review.inspection_id, Review.decision, Review.verdict,
                             Review.reviewer_id, Review.previous_verdict, Review.blind, Review.stage)
                           .order_by(Review.id)).all()
    for rid, *columns in rows:
        want = exp.reviews.pop(rid, None)
        if want is None:
            problems.append(_missing_from_log("review", f"{rid} (inspection {columns[0]})"))
            continue
        have = dict(zip(REVIEW_FIELDS, columns, strict=True))
        have["blind"] = bool(have["blind"])
        for name in REVIEW_FIELDS:
            if name in want and have[name] != want[name]:
                problems.append(f"review {rid} (inspection {have['inspection']}): {name} is {have[name]}, "
                                f"the log says {want[name]} (event #{want['seq']})")
                break
    problems += [f"review {rid} (inspection {w['inspection']}): in the log (event #{w['seq']}) but not in "
                 "the table" for rid, w in exp.reviews.items()]
    return len(rows)


def _check_certificates(exp: _Expected, db: Connection, problems: list[str]) -> int:
    rows = db.execute(select(Certificate.serial, Certificate.inspection_id, Certificate.voided_at)
                           .order_by(Certificate.id)).all()
    for serial, iid, voided_at in rows:
        want = exp.certificates.pop(serial, None)
        if want is None:
            problems.append(_missing_from_log("certificate", serial))
        elif (voided_at is not None) != want["void"]:
            have, said = ("void", "valid") if voided_at is not None else ("valid", "void")
            problems.append(f"certificate {serial}: is {have}, the log says {said} (event #{want['seq']})")
        elif iid != want["inspection"]:
            problems.append(f"certificate {serial}: belongs to inspection {iid}, the log says "
                            f"{want['inspection']} (event #{want['seq']})")
    problems += [f"certificate {s}: in the log (event #{w['seq']}) but not in the table"
                 for s, w in exp.certificates.items()]
    return len(rows)
