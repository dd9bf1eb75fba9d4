"""Certificates, fail reports and authenticity tags (ReportLab, ZPL)."""
