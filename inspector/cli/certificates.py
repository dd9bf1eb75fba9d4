"""Subcommands for certificates: verify, print certificate / tag, keys export / import, zpl send."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from inspector.config import load_settings
from inspector.errors import BadInput
from inspector.printing.tags import TAG_SIZES


def register(subparsers: Any) -> None:
    verify = subparsers.add_parser(
        "verify", help="verify a certificate from its QR text, a PDF or a tag photo"
    )
    verify.add_argument("code_or_file", help="the scanned QR text (INS1:...), a certificate PDF or a photo")
    verify.set_defaults(func=_verify)

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
    tag.set_defaults(func=_print_tag)

    keys = subparsers.add_parser("keys", help="the deployment's signing key")
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION")
    export = keys_sub.add_parser("export", help="write the public key (PEM) for verifiers elsewhere")
    export.add_argument("-o", "--output", help="file to write (default: standard output)")
    export.set_defaults(func=_keys_export)
    trust = keys_sub.add_parser("import", help="trust another deployment's exported public key (PEM)")
    trust.add_argument("file", help="the .pem written by `inspector keys export` on that deployment")
    trust.set_defaults(func=_keys_import)

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


def _verify(args: argparse.Namespace) -> int:
    from inspector.errors import StorageUnavailable

    try:
        station, service = _service()
    except StorageUnavailable:
        # No records here (a verifier elsewhere): the signature check needs only the keys.
        result = _verify_offline(args.code_or_file)
    else:
        try:
            result = service.verify(args.code_or_file)
        finally:
            station.close()
    print(result.describe())
    return 0 if result.valid else 1


def _verify_offline(code_or_file: str) -> Any:
    from inspector.printing.scan import codes_in_file
    from inspector.security import keys, payload
    from inspector.security.verification import INVALID, Verification, verify_code

    code = code_or_file.strip()
    if not code.startswith(payload.PREFIX) and Path(code_or_file).exists():
        found = [c for c in codes_in_file(Path(code_or_file)) if c.startswith(payload.PREFIX)]
        if not found:
            return Verification(INVALID, f"No certificate QR code could be read in {code_or_file}.")
        code = found[0]
    result = verify_code(code, keys.trusted_keys(load_settings().keys_dir))
    if result.valid:
        return Verification(
            result.status, result.reason + " (records unavailable: void status not checked)", result.payload
        )
    return result


def _print_certificate(args: argparse.Namespace) -> int:
    if args.output is None and args.printer is None:
        raise BadInput("Give -o OUT.pdf to write the certificate or --printer to print it.")
    station, service = _service()
    try:
        printouts = service.printouts
        made = printouts.certificate(args.inspection_id, args.paper, args.copies)
        _deliver(printouts, made, args)
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
        printouts = service.printouts
        made = printouts.tag(args.inspection_id, args.size, args.fmt, args.copies)
        _deliver(printouts, made, args)
        if args.send:
            print(f"printed on {printouts.send_to_label_printer(made, args.send)}")
    finally:
        station.close()
    return 0


def _deliver(printouts: Any, made: Any, args: argparse.Namespace) -> None:
    """-o writes an export (counted once the file is safely written); --printer prints through CUPS."""
    if args.output:
        printouts.export(made, Path(args.output))
        print(f"wrote {args.output}")
    if args.printer is not None:
        job = printouts.print_on_system(made, args.printer)
        print(f"printed: job {job}")


def _keys_export(args: argparse.Namespace) -> int:
    from inspector.security import keys

    key = keys.load_or_create(load_settings().keys_dir)
    pem = keys.public_pem(key.public_key)
    if args.output:
        _write(args.output, pem)
        print(f"wrote public key {key.key_id} to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(pem.decode("ascii"))
    return 0


def _keys_import(args: argparse.Namespace) -> int:
    from inspector.security import keys

    try:
        pem = Path(args.file).read_bytes()
    except OSError as exc:
        raise BadInput(f"Cannot read {args.file} ({exc.strerror}).") from exc
    key_id = keys.import_trusted_key(load_settings().keys_dir, pem, f"{args.file}")
    print(f"key {key_id} is now trusted: certificates and evidence bundles it signed verify here")
    return 0


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
