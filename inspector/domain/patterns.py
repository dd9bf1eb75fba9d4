"""Checklist patterns (style codes, serials, values) matched by RE2: time linear in the text, always.

A checklist is a file a brand or an admin writes; with Python's backtracking `re`, a pattern such as
`(a+)+b` takes seconds on 24 letters and would freeze a bench on every scan. RE2 has no backtracking,
so it rejects the few constructs that need it (back-references, look-arounds) when the checklist loads.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

from inspector.untrusted import MAX_PATTERN_LENGTH


@functools.lru_cache(maxsize=2048)
def compile_pattern(pattern: str) -> Any:
    """Compiled case-insensitively; ValueError with the reason for anything RE2 cannot run."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"a pattern longer than {MAX_PATTERN_LENGTH} characters")
    options = re2.Options()
    options.case_sensitive = False
    options.log_errors = False
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise ValueError(f"not a valid regular expression for the linear-time matcher ({reason})") from exc


def full_match(pattern: str, text: str) -> bool:
    return compile_pattern(pattern).fullmatch(text) is not None
