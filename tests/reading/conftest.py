"""The OCR models load once per session; the shipped checklists are the registries read with."""

from __future__ import annotations

from pathlib import Path

import pytest

from inspector.domain.checklist import Checklist
from inspector.domain.loading import load_library
from inspector.reading.engine import OcrEngine, shared_engine

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def engine() -> OcrEngine:
    return shared_engine()


@pytest.fixture(scope="session")
def shipped() -> list[Checklist]:
    return [c.checklist for c in load_library(ROOT / "checklists", ROOT / "assets").all()]


def checklist(shipped: list[Checklist], checklist_id: str) -> Checklist:
    return next(c for c in shipped if c.id == checklist_id)
