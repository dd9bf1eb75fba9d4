"""Supervisor desk subcommands: queue, review, analytics, calibration, evidence export and verify."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from inspector.cli.login import add_login_arguments, log_in
from inspector.config import load_settings
from inspector.errors import BadInput
from inspector.services.desk_figures import FIGURES


def _login_args(parser: argparse.ArgumentParser) -> None:
    add_login_arguments(parser)


def _period_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", help="from this date (YYYY-MM-DD, UTC)")
    parser.add_argument("--until", help="up to (not including) this date")


def register(subparsers: Any) -> None:
    queue = subparsers.add_parser("queue", help="the supervisors' review queue")
    _login_args(queue)
    _period_args(queue)
    for name in ("station", "authenticator", "brand"):
        queue.add_argument(f"--{name}")
    queue.add_argument("--verdict", choices=["pass", "fail", "inconclusive"])
    queue.add_argument("--sort", default="finished_at")
    queue.add_argument("--ascending", action="store_true")
    queue.add_argument("--limit", type=int, default=50)
    queue.add_argument("--all", action="store_true", help="include already reviewed inspections")
    queue.add_argument("--json", action="store_true")
    queue.add_argument("--csv", action="store_true", help="the queue as CSV (a blind item's verdict empty)")
    queue.set_defaults(func=_queue)

    review = subparsers.add_parser(
        "review", help="record your verdict on a finished inspection (blind items: without seeing the first)")
    _login_args(review)
    review.add_argument("inspection_id", type=int)
    review.add_argument("decision", choices=["verdict", "confirm", "overturn", "blind", "claim", "release",
                                             "show"],
                        help="verdict/blind/overturn: record --verdict with --reason; confirm: agree with a "
                             "verdict you have seen; claim/release: take or give back the item; show: what "
                             "you may see of it now")
    review.add_argument("--verdict", choices=["pass", "fail", "inconclusive"], help="your verdict")
    review.add_argument("--reason", default="")
    review.set_defaults(func=_review)

    stats = subparsers.add_parser("analytics", help="per authenticator, brand or station over a period")
    _login_args(stats)
    _period_args(stats)
    stats.add_argument("--by", choices=["authenticator", "brand", "station"], default="authenticator")
    stats.add_argument("--csv", action="store_true", help="print CSV")
    stats.add_argument("-o", "--output", type=Path, help="write the CSV to this file")
    stats.set_defaults(func=_analytics)

    calibration = subparsers.add_parser("calibration", help="known test items and accuracy")
    calibration_sub = calibration.add_subparsers(dest="calibration_command", metavar="ACTION")
    mark = calibration_sub.add_parser("mark", help="mark an item as a known test item")
    _login_args(mark)
    mark.add_argument("item_code")
    mark.add_argument("verdict", choices=["pass", "fail", "inconclusive"])
    mark.add_argument("--since", help="count inspections finished from this date (default: from now on)")
    mark.add_argument("--include-earlier", action="store_true",
                      help="count every inspection of the item, also those before the mark")
    mark.add_argument("--new", action="store_true",
                      help="the item has never been scanned: create it (else an unknown code is refused)")
    mark.set_defaults(func=_calibration_mark)
    unmark = calibration_sub.add_parser("unmark", help="the item is no longer a test item (audited)")
    _login_args(unmark)
    unmark.add_argument("item_code")
    unmark.add_argument("--reason", default="")
    unmark.set_defaults(func=_calibration_unmark)
    assign = calibration_sub.add_parser("assign", help="slip a test item into an authenticator's queue")
    _login_args(assign)
    assign.add_argument("item_code")
    assign.add_argument("authenticator")
    assign.set_defaults(func=_calibration_assign)
    scores = calibration_sub.add_parser("scores", help="each authenticator's accuracy on test items")
    _login_args(scores)
    scores.add_argument("--csv", action="store_true", help="with each accuracy's n and 95% interval")
    scores.set_defaults(func=_calibration_scores)
    items = calibration_sub.add_parser("items", help="the test items, their right verdict and who has them")
    _login_args(items)
    items.add_argument("--csv", action="store_true")
    items.set_defaults(func=_calibration_items)

    figures = subparsers.add_parser("desk", help="the desk's figures: trends, drill-down, search, matrix")
    figures_sub = figures.add_subparsers(dest="desk_command", metavar="ACTION")
    trend = figures_sub.add_parser("trend", help="weekly figures per authenticator, brand or station")
    _login_args(trend)
    _period_args(trend)
    trend.add_argument("--by", choices=["authenticator", "brand", "station"], default="authenticator")
    trend.add_argument("--name", help="one authenticator (badge or name start), brand or station")
    trend.add_argument("--csv", action="store_true")
    trend.set_defaults(func=_desk_trend)
    drill = figures_sub.add_parser("drill", help="the inspections behind a figure")
    _login_args(drill)
    _period_args(drill)
    drill.add_argument("by", choices=["authenticator", "brand", "station"])
    drill.add_argument("name")
    drill.add_argument("figure", choices=list(FIGURES))
    drill.add_argument("--week", help="a weekly trend point: the week starting this Monday (YYYY-MM-DD)")
    drill.add_argument("--cell", metavar="MINE:REVIEWER",
                       help="a disagreement-matrix cell, e.g. pass:fail (by authenticator; reviews "
                            "recorded in the period)")
    drill.add_argument("--csv", action="store_true")
    drill.set_defaults(func=_desk_drill)
    find = figures_sub.add_parser("search", help="inspections by item code, certificate serial or style code")
    _login_args(find)
    find.add_argument("text")
    find.add_argument("--csv", action="store_true")
    find.set_defaults(func=_desk_search)
    matrix = figures_sub.add_parser("matrix", help="authenticator x (their verdict -> reviewer's verdict)")
    _login_args(matrix)
    _period_args(matrix)
    matrix.add_argument("--csv", action="store_true")
    matrix.set_defaults(func=_desk_matrix)
    timely = figures_sub.add_parser("timeliness", help="queue age and review turnaround")
    _login_args(timely)
    _period_args(timely)
    timely.set_defaults(func=_desk_timeliness)
    accuracy = figures_sub.add_parser("accuracy", help="the published-accuracy report per brand (PDF)")
    _login_args(accuracy)
    _period_args(accuracy)
    accuracy.add_argument("-o", "--output", type=Path, required=True)
    accuracy.set_defaults(func=_desk_accuracy)
    rate = figures_sub.add_parser("sample-rate", help="show, or set (admin), the blind-review sample rate")
    _login_args(rate)
    rate.add_argument("rate", nargs="?", type=float)
    rate.set_defaults(func=_desk_sample_rate)

    appeal = subparsers.add_parser("appeal", help="sellers' appeals of failed or inconclusive inspections")
    appeal_sub = appeal.add_subparsers(dest="appeal_command", metavar="ACTION")
    appeal_open = appeal_sub.add_parser("open", help="record a seller's appeal")
    _login_args(appeal_open)
    appeal_open.add_argument("inspection_id", type=int)
    appeal_open.add_argument("--reason", required=True, help="the seller's reason")
    appeal_open.add_argument("--photo", type=Path, action="append", default=[], help="a new photo (repeat)")
    appeal_open.set_defaults(func=_appeal_open)
    appeal_list = appeal_sub.add_parser("list", help="open appeals")
    _login_args(appeal_list)
    appeal_list.set_defaults(func=_appeal_list)
    appeal_decide = appeal_sub.add_parser("decide", help="uphold or reverse (reversal issues a certificate)")
    _login_args(appeal_decide)
    appeal_decide.add_argument("appeal_id", type=int)
    appeal_decide.add_argument("outcome", choices=["upheld", "reversed"])
    appeal_decide.add_argument("--reason", required=True)
    appeal_decide.set_defaults(func=_appeal_decide)

    evidence = subparsers.add_parser("evidence", help="signed evidence bundles for disputes")
    evidence_sub = evidence.add_subparsers(dest="evidence_command", metavar="ACTION")
    export = evidence_sub.add_parser("export", help="write one inspection's signed evidence zip")
    _login_args(export)
    export.add_argument("inspection_id", type=int)
    export.add_argument("-o", "--output", type=Path, required=True)
    export.set_defaults(func=_evidence_export)
    check = evidence_sub.add_parser("verify", help="check an evidence zip's signature and hashes")
    check.add_argument("bundle", type=Path)
    check.set_defaults(func=verify_bundle_command)
    # `inspector verify BUNDLE.zip`: the certificates' verify command owns the name; hand it .zip
    # files here by wrapping its handler (so neither module has to edit the other).
    existing = getattr(subparsers, "choices", {}).get("verify")
    if existing is None:
        verify = subparsers.add_parser("verify", help="check a signed evidence bundle (.zip)")
        verify.add_argument("bundle", type=Path)
        verify.set_defaults(func=verify_bundle_command)
    else:
        certificate_verify = existing.get_default("func")

        def verify_any(args: argparse.Namespace) -> int:
            target = str(getattr(args, "code_or_file", "") or "")
            if target.lower().endswith(".zip"):
                return verify_bundle_command(argparse.Namespace(bundle=Path(target)))
            return int(certificate_verify(args))

        existing.set_defaults(func=verify_any)


def _open() -> Any:
    from inspector.services.station import open_station

    return open_station(load_settings())


def _login(station: Any, args: argparse.Namespace) -> Any:
    return log_in(station, args)


def _date(text: str | None, what: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise BadInput(f"{what} must be a date like 2025-06-01, not {text!r}.") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _queue(args: argparse.Namespace) -> int:
    from inspector.services.review_queue import QueueFilter, review_queue

    station = _open()
    actor = _login(station, args)
    entries = review_queue(station.ctx, actor, QueueFilter(
        since=_date(args.since, "--since"), until=_date(args.until, "--until"), station=args.station,
        authenticator=args.authenticator, brand=args.brand, verdict=args.verdict, sort=args.sort,
        descending=not args.ascending, limit=args.limit, include_reviewed=args.all))
    if args.json:
        print(json.dumps([e.to_json() for e in entries], indent=2))
        return 0
    if args.csv:
        _write_csv(entries)
        return 0
    for e in entries:
        when = e.finished_at.strftime("%Y-%m-%d %H:%M") if e.finished_at else "-"
        score = f"{e.min_score:.2f}" if e.min_score is not None else "-"
        verdict = "(blind)" if e.blind else e.verdict
        state = "reviewed" if e.reviewed else (f"claimed by {e.claimed_by}" if e.claimed_by else "")
        print(f"{e.inspection_id:>7}  {when}  {verdict:<12} {e.brand:<14} {e.authenticator:<14} "
              f"{e.station:<10} score {score:<5} risk {e.risk}  {', '.join(e.reasons)}  {state}".rstrip())
    print(f"{len(entries)} inspections waiting for review")
    return 0


def _review(args: argparse.Namespace) -> int:
    from inspector.services import review_claims

    station = _open()
    actor = _login(station, args)
    if args.decision == "claim":
        claim = review_claims.claim(station.ctx, actor, args.inspection_id)
        print(f"inspection {claim.inspection_id} is yours until {claim.expires_at:%H:%M} UTC")
        return 0
    if args.decision == "release":
        review_claims.release(station.ctx, actor, args.inspection_id)
        print(f"inspection {args.inspection_id} released")
        return 0
    if args.decision == "show":
        _show_task(station.reviews.open(actor, args.inspection_id))
        return 0
    if args.decision == "confirm":
        review = station.reviews.confirm(actor, args.inspection_id, args.reason)
        print(f"review {review.id}: {review.decision} {review.verdict}")
        return 0
    if not args.verdict:
        raise BadInput("Give your verdict with --verdict pass, fail or inconclusive.")
    outcome = station.reviews.review(actor, args.inspection_id, args.verdict, args.reason)
    print(f"review {outcome.review.id}: {outcome.message}")
    return 0


def _show_task(task: Any) -> None:
    view = task.detail.inspection
    verdict = "hidden until you record yours (blind review)" if task.blind else (view.verdict or "-")
    print(f"inspection {view.id} · {view.item.code} · {view.brand} {view.model} · by "
          f"{view.authenticator_name} · stage {task.stage} · verdict {verdict}"
          + (f" · claimed by {task.claimed_by}" if task.claimed_by else ""))
    for step in task.detail.checklist.steps:
        result = task.detail.results.get(step.id)
        if result is None:
            print(f"  {step.title}: not recorded")
            continue
        parts = [result.outcome] if result.outcome else []
        parts += [f"value {result.value}"] if result.value else []
        parts += [f"note: {result.note}"] if result.note else []
        print(f"  {step.title}: {' · '.join(parts) or '(recorded)'}")


def _analytics(args: argparse.Namespace) -> int:
    from inspector.services.analytics import analytics, to_csv

    station = _open()
    actor = _login(station, args)
    rows = analytics(station.ctx, actor, args.by, _date(args.since, "--since"), _date(args.until, "--until"))
    if args.output:
        args.output.write_text(to_csv(rows), encoding="utf-8")
        print(f"wrote {len(rows)} rows to {args.output}")
    elif args.csv:
        sys.stdout.write(to_csv(rows))
    else:
        # Every rate with its k/n and 95% Wilson interval: "0%" from one review is not a finding.
        for r in rows:
            print(f"{r.name}: {r.inspections} inspections, {r.items_per_hour} per hour, "
                  f"{r.minutes_per_inspection} min each")
            for name, rate in r.rates().items():
                print(f"    {name.replace('_', ' '):<22} {rate.text()}")
    return 0


def _calibration_mark(args: argparse.Namespace) -> int:
    station = _open()
    item = station.calibration.mark(_login(station, args), args.item_code, args.verdict,
                                    since=_date(args.since, "--since"), include_earlier=args.include_earlier,
                                    create=args.new)
    start = f"inspections from {item.counts_from:%Y-%m-%d %H:%M} UTC count" if item.counts_from else \
        "every inspection of it counts"
    print(f"{item.code} is a calibration item; the right verdict is {item.known_verdict}; {start}")
    return 0


def _calibration_unmark(args: argparse.Namespace) -> int:
    station = _open()
    station.calibration.unmark(_login(station, args), args.item_code, args.reason)
    print(f"{args.item_code} is no longer a calibration item")
    return 0


def _calibration_assign(args: argparse.Namespace) -> int:
    station = _open()
    item = station.calibration.assign(_login(station, args), args.item_code, args.authenticator)
    print(f"{item.code} assigned to {', '.join(item.assigned_to)}")
    return 0


def _calibration_scores(args: argparse.Namespace) -> int:
    station = _open()
    scores = station.calibration.scores(_login(station, args))
    if args.csv:
        _write_csv(scores)
        return 0
    for score in scores:
        print(f"{score.authenticator:<20} {score.rates()['accuracy'].text()}")
    return 0


def _calibration_items(args: argparse.Namespace) -> int:
    station = _open()
    items = station.calibration.items(_login(station, args))
    if args.csv:
        _write_csv(items)
        return 0
    for item in items:
        start = f"from {item.counts_from:%Y-%m-%d %H:%M}" if item.counts_from else "always"
        print(f"{item.code:<18} {item.known_verdict:<13} {start:<22} {', '.join(item.assigned_to)}".rstrip())
    print(f"{len(items)} test items")
    return 0


def _write_csv(rows: list[Any]) -> None:
    from inspector.services.desk_csv import to_csv

    sys.stdout.write(to_csv(rows))


def _desk_trend(args: argparse.Namespace) -> int:
    from inspector.services.desk_figures import weekly_trend

    station = _open()
    points = weekly_trend(station.ctx, _login(station, args), args.by, args.name,
                          _date(args.since, "--since"), _date(args.until, "--until"))
    if args.csv:
        _write_csv(points)
        return 0
    for p in points:
        rates = p.rates()
        print(f"{p.week}  {p.name[:20]:<20} {p.inspections:>6}  fail {rates['fail_rate'].text():<32} "
              f"overturn {rates['overturn_rate'].text()}")
    return 0


def _desk_drill(args: argparse.Namespace) -> int:
    from inspector.services.desk_figures import drill_down, week_period

    since, until = _date(args.since, "--since"), _date(args.until, "--until")
    if args.week:
        week = _date(args.week, "--week")
        assert week is not None
        since, until = week_period(week.date())
    cell = None
    if args.cell:
        mine, _, theirs = args.cell.partition(":")
        if not theirs:
            raise BadInput("--cell is the authenticator's verdict and the reviewer's, e.g. pass:fail.")
        cell = (mine.strip().lower(), theirs.strip().lower())
    station = _open()
    rows = drill_down(station.ctx, _login(station, args), args.by, args.name, args.figure, since, until,
                      cell=cell)
    _print_rows(rows, args.csv)
    return 0


def _desk_search(args: argparse.Namespace) -> int:
    from inspector.services.desk_figures import search

    station = _open()
    _print_rows(search(station.ctx, _login(station, args), args.text), args.csv)
    return 0


def _print_rows(rows: list[Any], as_csv: bool) -> None:
    if as_csv:
        _write_csv(rows)
        return
    for r in rows:
        when = r.finished_at.strftime("%Y-%m-%d %H:%M") if r.finished_at else "-"
        print(f"{r.inspection_id:>8}  {when}  {r.item_code:<16} {r.brand:<14} {r.authenticator:<16} "
              f"{r.verdict or '(blind)':<13} {r.serial or ''}".rstrip())
    print(f"{len(rows)} inspections")


def _desk_matrix(args: argparse.Namespace) -> int:
    from inspector.services.desk_figures import disagreement_matrix

    station = _open()
    rows = disagreement_matrix(station.ctx, _login(station, args), _date(args.since, "--since"),
                               _date(args.until, "--until"))
    if args.csv:
        _write_csv(rows)
        return 0
    for row in rows:
        cells = ", ".join(f"{a}->{b} {n}" for (a, b), n in sorted(row.cells.items()))
        print(f"{row.authenticator:<20} agreement {row.agreement().text():<30} {cells}")
    return 0


def _desk_timeliness(args: argparse.Namespace) -> int:
    from inspector.services.desk_figures import timeliness

    station = _open()
    t = timeliness(station.ctx, _login(station, args), _date(args.since, "--since"),
                   _date(args.until, "--until"))
    print(f"waiting {t.waiting}; oldest {t.oldest_hours} h; median age {t.median_age_hours} h; "
          f"reviewed {t.reviewed}; median turnaround {t.median_turnaround_hours} h")
    return 0


def _desk_accuracy(args: argparse.Namespace) -> int:
    from inspector.services.accuracy import accuracy_pdf

    station = _open()
    pdf = accuracy_pdf(station.ctx, _login(station, args), _date(args.since, "--since"),
                       _date(args.until, "--until"))
    try:
        args.output.write_bytes(pdf)
    except OSError as exc:
        raise BadInput(f"Cannot write {args.output} ({exc.strerror}).") from exc
    print(f"wrote {args.output}")
    return 0


def _desk_sample_rate(args: argparse.Namespace) -> int:
    from inspector.services.review_queue import sample_rate, set_sample_rate

    station = _open()
    actor = _login(station, args)
    if args.rate is not None:
        set_sample_rate(station.ctx, actor, args.rate)
    print(f"blind-review sample rate {sample_rate(station.ctx):g}")
    return 0


def _appeal_open(args: argparse.Namespace) -> int:
    photos = []
    for path in args.photo:
        try:
            photos.append(Path(path).read_bytes())
        except OSError as exc:
            raise BadInput(f"Cannot read {path} ({exc.strerror}).") from exc
    station = _open()
    appeal = station.appeals.open(_login(station, args), args.inspection_id, args.reason, photos)
    print(f"appeal {appeal.id} of inspection {appeal.inspection_id} ({appeal.verdict_appealed}) is open")
    return 0


def _appeal_list(args: argparse.Namespace) -> int:
    station = _open()
    for appeal in station.appeals.waiting(_login(station, args)):
        print(f"{appeal.id:>6}  inspection {appeal.inspection_id:<8} {appeal.verdict_appealed:<13} "
              f"{appeal.opened_at:%Y-%m-%d}  {len(appeal.photos)} photo(s)  {appeal.seller_reason}")
    return 0


def _appeal_decide(args: argparse.Namespace) -> int:
    station = _open()
    appeal = station.appeals.decide(_login(station, args), args.appeal_id, args.outcome, args.reason)
    print(f"appeal {appeal.id} {appeal.status}")
    return 0


def _evidence_export(args: argparse.Namespace) -> int:
    from inspector.services.evidence import export_bundle

    station = _open()
    path = export_bundle(station.ctx, _login(station, args), args.inspection_id, args.output)
    print(f"wrote {path}")
    return 0


def verify_bundle_command(args: argparse.Namespace) -> int:
    """Exit 0 when a trusted key signed the bundle and every file checks out, 1 otherwise."""
    from inspector.security.keys import trusted_keys
    from inspector.services.evidence import verify_bundle

    try:
        data = Path(args.bundle).read_bytes()
    except OSError as exc:
        raise BadInput(f"Cannot read {args.bundle} ({exc.strerror}).") from exc
    # The same trust as certificates: this deployment's own key (if it has one) plus every public key
    # imported with `inspector keys import`; never the key packed inside the bundle.
    check = verify_bundle(data, trusted_keys(load_settings().keys_dir))
    for line in check.lines():
        print(line)
    return 0 if check.ok else 1
