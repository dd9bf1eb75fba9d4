"""Trust benchmark: verifying a certificate against a status list of 1,000,000 certificates, and its size.

    uv run python benchmarks/trust.py [--certificates 1000000] [--void-rate 0.005] [--runs 2000]

Goals: the status check of one payload <= 50 us with a list covering 1,000,000 certificates; the signed
status file for them <= 200 KB. Baseline in the same run: one bare Ed25519 signature check by OpenSSL
(cryptography), beside the libsodium (PyNaCl) check the verifier uses.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from inspector.security import keys, payload
from inspector.security.statuslist import REASON_CATEGORIES, Void, make_status_file, parse_status_file
from inspector.security.trustlist import (
    Signed,
    deployment_from_statement,
    deployment_statement,
    key_entry_for,
)
from inspector.security.verification import verify_code

DEFAULT_URL = "https://verify.example.com/"


def median_us(work: Callable[[], object], runs: int) -> float:
    work()
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int, default=1_000_000)
    parser.add_argument("--void-rate", type=float, default=0.005, help="share of certificates voided")
    parser.add_argument("--runs", type=int, default=2000)
    args = parser.parse_args()

    root, station = keys.SigningKey.generate(), keys.SigningKey.generate()
    deployment = deployment_from_statement(deployment_statement("ACME", "Acme authentication", root))
    entry = key_entry_for("ACME", station.public_key, "bench-1", datetime(2026, 1, 1, tzinfo=UTC))
    deployment.add_key(Signed.make(entry.statement(), root))

    rng = random.Random(13)
    voided = rng.sample(range(1, args.certificates + 1), int(args.certificates * args.void_rate))
    categories = list(REASON_CATEGORIES.values())
    voids = [
        Void(i, f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}", rng.choice(categories))
        for i in voided
    ]
    began = time.perf_counter()
    data = make_status_file(deployment, voids, args.certificates, datetime.now(UTC), station)
    made_s = time.perf_counter() - began
    began = time.perf_counter()
    status = parse_status_file(data, {"ACME": deployment})
    load_s = time.perf_counter() - began

    def code(index: int) -> str:
        return payload.encode(
            payload.CertificatePayload(
                "ACME",
                index,
                index,
                "DD1391-100-000123",
                "Nike",
                "Dunk Low Panda",
                "pass",
                datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
                station.key_id,
            ),
            station,
        )

    live = next(i for i in range(args.certificates // 2, args.certificates) if not status.is_void(i))
    void = voided[0]
    live_code, void_code = code(live), code(void)
    decoded = payload.decode(live_code)
    deployments, statuses = {"ACME": deployment}, {"ACME": status}
    assert verify_code(live_code, deployments, statuses).status == "valid"
    assert verify_code(void_code, deployments, statuses).status == "void"

    def status_check() -> object:
        p = payload.decode(live_code).payload
        return status.is_void(p.status_index) or status.voids.get(p.status_index)

    public_key = entry.key
    signature, message = decoded.signature, decoded.message
    baseline = median_us(lambda: public_key.verify(signature, message), args.runs)
    rows = [
        ("baseline: Ed25519 check, OpenSSL (cryptography)", baseline),
        (
            "Ed25519 check, libsodium (PyNaCl; signature_valid)",
            median_us(lambda: keys.signature_valid(public_key, signature, message), args.runs),
        ),
        ("status check (decode payload + bit + voids lookup)", median_us(status_check, args.runs)),
        (
            "whole verification, a live certificate",
            median_us(lambda: verify_code(live_code, deployments, statuses), args.runs),
        ),
        (
            "whole verification, a void certificate",
            median_us(lambda: verify_code(void_code, deployments, statuses), args.runs),
        ),
    ]
    print(
        f"{args.certificates:,} certificates, {len(voids):,} void ({args.void_rate:.1%}); "
        f"status file {len(data) / 1000:.1f} KB (made in {made_s * 1000:.0f} ms, "
        f"checked and decoded in {load_s * 1000:.0f} ms)"
    )
    bits_only = len(status.bits)
    print(
        f"  bitstring {bits_only / 1000:.0f} KB uncompressed; "
        f"payload {len(live_code)} characters, QR text {len(payload.qr_text(DEFAULT_URL, live_code))}"
    )
    for name, micros in rows:
        print(f"  {name:<52} {micros:8.1f} us   x{micros / baseline:5.2f}")


if __name__ == "__main__":
    main()
