"""`inspector`: with no arguments opens the station window; subcommands are the CLI contract."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from inspector.errors import InspectorError

# Each module has `register(subparsers)` adding its subcommands; each subcommand sets
# `func(args) -> int`. One line per module keeps the parts of the CLI independent.
COMMAND_MODULES = (
    "inspector.cli.records",
    "inspector.cli.certificates",
    "inspector.cli.trust",
    "inspector.cli.vision",
    "inspector.cli.desk",
    "inspector.cli.checklists",
    "inspector.cli.reading",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="inspector", description=__doc__)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list:
        from inspector.app import run_station  # imported late: the CLI must not load Qt

        return run_station()
    parser = build_parser()
    args = parser.parse_args(args_list)
    if not hasattr(args, "func"):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except InspectorError as exc:
        print(f"inspector: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `inspector inspections list | head`: the reader left; that is not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
