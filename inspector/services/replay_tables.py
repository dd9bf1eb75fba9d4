"""Replay, continued: items, comparisons, review claims, appeals, desk settings and login sessions.

Same rule as services/replay.py: the events say what each row should hold; a row no event explains,
a row whose columns differ from what the log says, or a row the log records that is gone, is named
with the event that said otherwise. Fields an older event did not state are not compared.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from inspector.services.identity import session_token_digest
from inspector.storage.audit import EventRow
from inspector.storage.models import Appeal, Comparison, DeskSetting, Item, LoginSession, ReviewClaim

# What an item row holds that the log states (item.created, item.style_code_set, calibration.*).
ITEM_FIELDS = ("code", "style_code", "description", "declared_value", "calibration_verdict",
               "calibration_since")
APPEAL_FIELDS = ("inspection", "reason", "photos", "verdict", "opened_by", "status", "decided_by",
                 "decision_reason")


@dataclass
class Expected:
    items: dict[int, dict[str, Any]] = field(default_factory=dict)
    # photo id -> [(seq, (reference, aligned, score, heatmap))], in the order they were recorded
    comparisons: dict[int, list[tuple[int, tuple[Any, ...]]]] = field(
        default_factory=lambda: defaultdict(list))
    claims: dict[int, tuple[int, int, datetime | None]] = field(default_factory=dict)
    appeals: dict[int, dict[str, Any]] = field(default_factory=dict)
    settings: dict[str, tuple[int, str]] = field(default_factory=dict)
    sessions: dict[int, dict[str, Any]] = field(default_factory=dict)


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


# --- what each event says --------------------------------------------------------------------

def _item_created(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    iid = _int(e.entity_id)
    if iid is not None:
        exp.items[iid] = {"calibration_verdict": None, "calibration_since": None,
                          **{k: d[k] for k in ITEM_FIELDS if k in d}, "seq": e.seq}


def _item_changed(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    iid = _int(e.entity_id)
    if iid is None:
        return
    item = exp.items.get(iid)
    if item is None:  # marking a code nobody scanned yet creates the item (services/calibration.py)
        item = exp.items[iid] = {k: d[k] for k in ("code", "style_code", "description") if k in d}
    if e.action == "item.style_code_set":
        item["style_code"] = d.get("style_code")
    elif e.action == "calibration.marked":
        item.update(calibration_verdict=d.get("verdict"), calibration_since=d.get("since"))
    elif e.action == "calibration.unmarked":
        item.update(calibration_verdict=None, calibration_since=None)
    item["seq"] = e.seq


def _comparison_recorded(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    pid = _int(e.entity_id)
    if pid is not None:
        exp.comparisons[pid].append((e.seq, (d.get("reference"), bool(d.get("aligned")), d.get("score"),
                                             d.get("heatmap"))))


def _claimed(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    iid = _int(e.entity_id)
    if iid is not None:
        exp.claims[iid] = (e.seq, int(d.get("reviewer", e.actor_id or -1)), _moment(d.get("expires_at")))


def _claim_ended(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    """Released, or a review recorded (which ends the claim: services/review_claims.drop_claim)."""
    iid = _int(e.entity_id)
    if iid is not None:
        exp.claims.pop(iid, None)


def _appeal_opened(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    if isinstance(d.get("appeal"), int):
        exp.appeals[d["appeal"]] = {"inspection": _int(e.entity_id), "reason": d.get("reason"),
                                    "photos": d.get("photos"), "verdict": d.get("verdict"),
                                    "opened_by": e.actor_id, "status": "open", "decided_by": None,
                                    "decision_reason": None, "seq": e.seq}


def _appeal_decided(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    appeal = exp.appeals.get(d.get("appeal", -1))
    if appeal is not None:
        appeal.update(status=d.get("status"), decided_by=d.get("decided_by", e.actor_id),
                      decision_reason=d.get("reason"), seq=e.seq)


def _sample_rate(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    exp.settings[e.entity_id] = (e.seq, repr(float(d.get("rate", 0.0))))


def _logged_in(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    if isinstance(d.get("session"), int):
        exp.sessions[d["session"]] = {"user": _int(e.entity_id), "station": e.station, "ended": False,
                                      "expires_at": _moment(d.get("expires_at")), "token": d.get("token"),
                                      "seq": e.seq}


def _logged_out(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    row = exp.sessions.get(d.get("session", -1))
    if row is not None:
        row.update(ended=True, seq=e.seq)


def _switched_off(exp: Expected, e: EventRow, d: dict[str, Any]) -> None:
    """Switching a user off ends every login they still had (services/identity.end_all_sessions)."""
    uid = _int(e.entity_id)
    for row in exp.sessions.values():
        if row["user"] == uid and not row["ended"]:
            row.update(ended=True, seq=e.seq)


Handler = Callable[[Expected, EventRow, dict[str, Any]], None]
HANDLERS: dict[str, Handler] = {
    "item.created": _item_created,
    "item.style_code_set": _item_changed,
    "calibration.marked": _item_changed,
    "calibration.unmarked": _item_changed,
    "comparison.recorded": _comparison_recorded,
    "review.claimed": _claimed,
    "review.released": _claim_ended,
    "review.confirm": _claim_ended,
    "review.overturn": _claim_ended,
    "review.dispute": _claim_ended,
    "appeal.opened": _appeal_opened,
    "appeal.upheld": _appeal_decided,
    "appeal.reversed": _appeal_decided,
    "desk.sample_rate": _sample_rate,
    "user.login": _logged_in,
    "user.logout": _logged_out,
    "user.deactivated": _switched_off,
}


# --- what the tables hold ---------------------------------------------------------------------

def _moment(value: object) -> datetime | None:
    """A time from a row (naive on SQLite: UTC) or an event (ISO text), comparable either way."""
    if value is None:
        return None
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _unexplained(kind: str, key: object) -> str:
    return f"{kind} {key}: no audit event records it (added to the table directly?)"


def _first_difference(have: dict[str, Any], want: dict[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        if name in want and have[name] != want[name]:
            return f"{name} is {have[name]!r}, the log says {want[name]!r}"
    return None


def check_items(exp: Expected, db: Connection, problems: list[str]) -> int:
    rows = db.execute(select(Item.id, Item.code, Item.style_code, Item.description, Item.declared_value,
                             Item.calibration_verdict, Item.calibration_since).order_by(Item.id)).all()
    for iid, *columns in rows:
        want = exp.items.pop(iid, None)
        if want is None:
            problems.append(_unexplained("item", f"{iid} ({columns[0]})"))
            continue
        have = dict(zip(ITEM_FIELDS, columns, strict=True))
        have["calibration_since"] = _moment(have["calibration_since"])
        said = {**want, "calibration_since": _moment(want.get("calibration_since"))}
        if "declared_value" in said and said["declared_value"] is not None:
            said["declared_value"] = float(said["declared_value"])
        difference = _first_difference(have, said, ITEM_FIELDS)
        if difference:
            problems.append(f"item {iid} ({columns[0]}): {difference} (event #{want['seq']})")
    problems += [f"item {iid} ({w.get('code')}): in the log (event #{w['seq']}) but not in the table"
                 for iid, w in exp.items.items()]
    return len(rows)


def check_comparisons(exp: Expected, db: Connection, problems: list[str]) -> int:
    rows = db.execute(select(Comparison.id, Comparison.photo_id, Comparison.reference,
                             Comparison.aligned, Comparison.score, Comparison.heatmap_sha256)
                           .order_by(Comparison.photo_id, Comparison.id)).all()
    have: dict[int, list[tuple[int, tuple[Any, ...]]]] = defaultdict(list)
    for cid, pid, reference, aligned, score, heatmap in rows:
        have[pid].append((cid, (reference, bool(aligned), round(float(score), 4), heatmap)))
    for pid in sorted(set(have) | set(exp.comparisons)):
        table, log = have.get(pid, []), exp.comparisons.get(pid, [])
        for (cid, held), (seq, said) in zip(table, log, strict=False):
            if held != said:
                names = ("reference", "aligned", "score", "heatmap")
                what = next(f"{n} is {h!r}, the log says {s!r}"
                            for n, h, s in zip(names, held, said, strict=True) if h != s)
                problems.append(f"comparison {cid} (photo {pid}): {what} (event #{seq})")
                break
        else:
            if len(table) > len(log):
                problems.append(_unexplained(f"photo {pid}: comparison", table[len(log)][0]))
            elif len(log) > len(table):
                problems.append(f"photo {pid}: the comparison recorded by event #{log[len(table)][0]} is "
                                "not in the table (deleted?)")
    return len(rows)


def check_claims(exp: Expected, db: Connection, problems: list[str]) -> int:
    rows = db.execute(select(ReviewClaim.inspection_id, ReviewClaim.reviewer_id,
                             ReviewClaim.expires_at).order_by(ReviewClaim.inspection_id)).all()
    for iid, reviewer, expires in rows:
        want = exp.claims.pop(iid, None)
        if want is None:
            problems.append(_unexplained("review claim on inspection", iid))
        elif reviewer != want[1]:
            problems.append(f"review claim on inspection {iid}: held by user {reviewer}, the log says user "
                            f"{want[1]} (event #{want[0]})")
        elif want[2] is not None and _moment(expires) != want[2]:
            problems.append(f"review claim on inspection {iid}: expires {_moment(expires)}, the log says "
                            f"{want[2]} (event #{want[0]})")
    problems += [f"review claim on inspection {iid}: in the log (event #{w[0]}) but not in the table"
                 for iid, w in exp.claims.items()]
    return len(rows)


def check_appeals(exp: Expected, db: Connection, problems: list[str]) -> int:
    rows = db.execute(select(Appeal.id, Appeal.inspection_id, Appeal.seller_reason, Appeal.photos,
                             Appeal.verdict_appealed, Appeal.opened_by, Appeal.status, Appeal.decided_by,
                             Appeal.decision_reason).order_by(Appeal.id)).all()
    for aid, *columns in rows:
        want = exp.appeals.pop(aid, None)
        if want is None:
            problems.append(_unexplained("appeal", f"{aid} (inspection {columns[0]})"))
            continue
        have: dict[str, Any] = dict(zip(APPEAL_FIELDS, columns, strict=True))
        have["photos"] = json.loads(str(have["photos"] or "[]"))
        difference = _first_difference(have, want, APPEAL_FIELDS)
        if difference:
            problems.append(f"appeal {aid} (inspection {have['inspection']}): {difference} "
                            f"(event #{want['seq']})")
    problems += [f"appeal {aid} (inspection {w['inspection']}): in the log (event #{w['seq']}) but not in "
                 "the table" for aid, w in exp.appeals.items()]
    return len(rows)


def check_settings(exp: Expected, db: Connection, problems: list[str]) -> int:
    rows = db.execute(select(DeskSetting.name, DeskSetting.value).order_by(DeskSetting.name)).all()
    for name, value in rows:
        want = exp.settings.pop(name, None)
        if want is None:
            problems.append(_unexplained("desk setting", name))
        elif value != want[1]:
            problems.append(f"desk setting {name}: is {value}, the log says {want[1]} (event #{want[0]})")
    problems += [f"desk setting {name}: in the log (event #{w[0]}) but not in the table"
                 for name, w in exp.settings.items()]
    return len(rows)


def check_sessions(exp: Expected, db: Connection, problems: list[str]) -> int:
    """A login session no `user.login` explains could let its maker act as anyone: named first."""
    rows = db.execute(select(LoginSession.id, LoginSession.user_id, LoginSession.station,
                             LoginSession.expires_at, LoginSession.ended_at, LoginSession.token_hash)
                           .order_by(LoginSession.id)).all()
    for sid, uid, station, expires, ended_at, token_hash in rows:
        want = exp.sessions.pop(sid, None)
        if want is None:
            problems.append(_unexplained("login session", f"{sid} (user {uid})"))
            continue
        have = {"user": uid, "station": station, "ended": ended_at is not None,
                "expires_at": _moment(expires), "token": session_token_digest(token_hash)}
        said = {k: v for k, v in want.items() if not (k in ("expires_at", "token") and v is None)}
        if "token" in said and have["token"] != said["token"]:
            difference: str | None = "its token is not the one that logged in"
        elif have["ended"] != said["ended"]:
            difference = ("is live, the log says it ended" if said["ended"]
                          else "ended, the log says it is live")
        else:
            difference = _first_difference(have, said, ("user", "station", "expires_at"))
        if difference:
            problems.append(f"login session {sid} (user {uid}): {difference} (event #{want['seq']})")
    # A session row that is gone lets nobody act (its user logs in again): only rows that are there
    # are checked, so a database whose sessions were not carried over still verifies.
    return len(rows)


CHECKS = (check_sessions, check_items, check_comparisons, check_claims, check_appeals, check_settings)
