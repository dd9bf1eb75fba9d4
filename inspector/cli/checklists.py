"""Subcommands `checklists validate` (one line per problem) and `checklists list`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from inspector.config import load_settings
from inspector.domain.loading import load_library, validate_paths


def register(subparsers: Any) -> None:
    checklists = subparsers.add_parser("checklists", help="validate or list checklists")
    actions = checklists.add_subparsers(dest="checklists_command", metavar="ACTION", required=True)
    validate = actions.add_parser(
        "validate", help="check checklist files; exit 0 when all is well, 1 with one line per problem")
    validate.add_argument("paths", nargs="*", metavar="PATH",
                          help="checklist files or folders (default: the configured checklists folder)")
    validate.set_defaults(func=_validate)
    listing = actions.add_parser("list", help="list the configured checklists")
    listing.set_defaults(func=_list)


def _validate(args: argparse.Namespace) -> int:
    settings = load_settings()
    paths = [Path(p) for p in args.paths] or [settings.checklists_dir]
    problems = validate_paths(paths, settings.assets_dir)
    for problem in problems:
        print(problem)
    if not problems:
        print("all checklists valid")
    return 1 if problems else 0


def _list(args: argparse.Namespace) -> int:
    settings = load_settings()
    library = load_library(settings.checklists_dir, settings.assets_dir)
    for loaded in library.all():
        checklist = loaded.checklist
        print(f"{checklist.id}\tv{checklist.version}\t{checklist.title}\t{len(checklist.steps)} steps")
    return 0
