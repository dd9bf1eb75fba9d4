"""Certificates, fail reports and authenticity tags (ReportLab, ZPL)."""

from __future__ import annotations

from reportlab import rl_config

# Binary streams, not ASCII85 text: ReportLab encodes ASCII85 in pure Python (its C accelerator is a
# separate package), ~0.1 s a 640 px checkpoint picture, 1.9 s of a certificate's 2 s; binary PDFs are
# also a fifth smaller. Every reader takes either.
rl_config.useA85 = 0
