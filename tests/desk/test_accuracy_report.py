"""The published-accuracy report: per brand, false pass / false fail / inconclusive with n and interval."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from inspector.errors import PermissionDenied
from inspector.security.roles import Actor
from inspector.services.accuracy import accuracy_by_brand, accuracy_pdf
from inspector.services.station import StationServices
from tests.desk.conftest import ONE_FAIL, UNSURE, Finisher


def test_false_pass_false_fail_and_inconclusive_per_brand(
        services: StationServices, people: dict[str, Actor], finished: Finisher, tmp_path: Path) -> None:
    morgan = people["morgan"]
    for code, known in (("K-FAKE-1", "fail"), ("K-FAKE-2", "fail"), ("K-REAL-1", "pass")):
        services.calibration.mark(morgan, code, known, create=True)
    finished("K-FAKE-1")  # a known fake passed: a false pass
    finished("K-FAKE-2", ONE_FAIL)  # caught
    finished("K-REAL-1", ONE_FAIL)  # a genuine item failed: a false fail
    overturned = finished("K-4")
    services.reviews.overturn(morgan, overturned, "fail", "wrong logo")  # a pass a review made fail
    finished("K-5", UNSURE)
    [brand] = accuracy_by_brand(services.ctx, morgan).brands
    assert brand.brand == "Testbrand" and brand.inspections == 5
    got = {name: (rate.k, rate.n) for name, rate in brand.rates().items()}
    assert got == {"false_pass_calibration": (1, 2), "false_fail_calibration": (1, 1),
                   "false_pass_reviews": (1, 1), "false_fail_reviews": (0, 0), "inconclusive": (1, 5)}
    path = tmp_path / "accuracy.pdf"
    path.write_bytes(accuracy_pdf(services.ctx, morgan))
    text = " ".join(subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    assert "Published accuracy per brand" in text and "Dated 20" in text and "Testbrand" in text
    assert "50% (1/2; 95% CI 9%-91%)" in text  # the false-pass rate from calibration
    assert "20% (1/5; 95% CI 4%-62%)" in text  # inconclusive
    with pytest.raises(PermissionDenied):
        accuracy_by_brand(services.ctx, people["alex"])
