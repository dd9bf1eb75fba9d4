"""Checklists, verdict rules and value objects: pure Python, no Qt, no SQL."""
