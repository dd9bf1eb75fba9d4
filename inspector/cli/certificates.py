"""Subcommands for certificates: print certificate / tag, zpl send (verify and keys: cli/trust.py)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector.cli.login import add_login_arguments, logged_in
from inspector.config import load_settings
from inspector.errors import BadInput
from inspector.printing.tags import TAG_SIZES
from inspector.security.roles import Permission


def register(subparsers: Any) -> None:
    printing = subparsers.add_parser("print", help="write a certificate, fail report or tag")
    printing_sub = printing.add_subparsers(dest="print_command", metavar="WHAT")
    certificate = printing_sub.add_parser(
        "certificate", help="the certificate (or the fail report for a fail)"
    )
    certificate.add_argument("inspection_id", type=int)
    certificate.add_argument("-o", "--output", help="write the PDF there (an export, not a print)")
    certificate.add_argument("--printer", metavar="QUEUE", nargs="?", const="",
                             help="print through the system print queue (CUPS); no QUEUE: the default")
    certificate.add_argument("--paper", choices=["a4", "letter"], default="a4")
    certificate.add_argument("--copies", type=int, default=1)
    add_login_arguments(certificate)
    certificate.set_defaults(func=_print_certificate)
    tag = printing_sub.add_parser("tag", help="the authenticity tag")
    tag.add_argument("inspection_id", type=int)
    tag.add_argument("--size", choices=list(TAG_SIZES), default=None, help="label size (default: settings)")
    tag.add_argument("--format", dest="fmt", choices=["pdf", "zpl", "ql"], default="pdf",
                     help="pdf, zpl (Zebra, at the label_dpi setting) or ql (Brother QL raster, 62x29mm)")
    tag.add_argument("-o", "--output", help="write the tag there (an export, not a print)")
    tag.add_argument("--send", metavar="ADDRESS",
                     help="print on a label printer: HOST[:PORT] (ZPL, port 9100) or a Brother QL address")
    tag.add_argument("--printer", metavar="QUEUE", nargs="?", const="",
                     help="print through the system print queue (CUPS); no QUEUE: the default")
    tag.add_argument("--copies", type=int, default=1)
    add_login_arguments(tag)
    tag.set_defaults(func=_print_tag)

    zpl = subparsers.add_parser("zpl", help="raw ZPL to a network label printer")
    zpl_sub = zpl.add_subparsers(dest="zpl_command", metavar="ACTION")
    send = zpl_sub.add_parser("send", help="send a ZPL file to HOST[:PORT] (port 9100)")
    send.add_argument("file")
    send.add_argument("printer", metavar="HOST[:PORT]")
    send.set_defaults(func=_zpl_send)


def _service() -> Any:
    from inspector.services.certificates import attach
    from inspector.services.station import open_station

    station = open_station(load_settings())
    return station, attach(station)


def _write(path: str, data: bytes) -> None:  # the public key (not a printout)
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise BadInput(f"Cannot write {path} ({exc.strerror}).") from exc


def _host_port(text: str) -> tuple[str, int]:
    from inspector.printing.network import parse_address

    return parse_address(text)


def _print_certificate(args: argparse.Namespace) -> int:
    if args.output is None and args.printer is None:
        raise BadInput("Give -o OUT.pdf to write the certificate or --printer to print it.")
    station, service = _service()
    try:
        with logged_in(station, args, Permission.PRINT) as actor:
            printouts = service.printouts
            made = printouts.certificate(actor, args.inspection_id, args.paper, args.copies)
            _deliver(printouts, made, args, actor)
    finally:
        station.close()
    return 0


def _print_tag(args: argparse.Namespace) -> int:
    if not args.output and not args.send and args.printer is None:
        raise BadInput("Give -o OUT to write the tag, --send ADDRESS or --printer to print it.")
    if args.send and args.fmt == "pdf":
        raise BadInput("A label printer takes ZPL or Brother QL raster; add --format zpl or --format ql.")
    if args.printer is not None and args.fmt == "ql":
        raise BadInput("Brother QL raster goes to the label printer (--send), not to the print queue.")
    station, service = _service()
    try:
        with logged_in(station, args, Permission.PRINT) as actor:
            printouts = service.printouts
            made = printouts.tag(actor, args.inspection_id, args.size, args.fmt, args.copies)
            _deliver(printouts, made, args, actor)
            if args.send:
                print(f"printed on {printouts.send_to_label_printer(made, args.send, actor)}")
    finally:
        station.close()
    return 0


def _deliver(printouts: Any, made: Any, args: argparse.Namespace, actor: Any) -> None:
    """-o writes an export (counted once the file is safely written); --printer prints through CUPS;
    each recorded with who did it."""
    if args.output:
        printouts.export(made, Path(args.output), actor)
        print(f"wrote {args.output}")
    if args.printer is not None:
        job = printouts.print_on_system(made, args.printer, actor)
        print(f"printed: job {job}")


def _zpl_send(args: argparse.Namespace) -> int:
    from inspector.printing.network import send_zpl

    try:
        zpl = Path(args.file).read_text(encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"Cannot read {args.file} ({exc.strerror}).") from exc
    if "^XA" not in zpl:
        raise BadInput(f"{args.file} does not look like ZPL (no ^XA).")
    host, port = _host_port(args.printer)
    print(f"sent {send_zpl(zpl, host, port)} bytes to {host}:{port}")
    return 0
