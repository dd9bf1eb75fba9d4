"""A rate with its sample size and 95% Wilson score interval: no figure without its uncertainty."""

from __future__ import annotations

import math
from dataclasses import dataclass

Z95 = 1.959963984540054  # the standard normal's 97.5th percentile


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval of k successes in n trials (Wilson 1927); (0, 1) when n is 0.

    Unlike k/n ± z·se it stays inside [0, 1] and is honest for small n and rates near 0 or 1:
    one review agreeing gives 0.21-1.00, not "100%".
    """
    if n <= 0:
        return 0.0, 1.0
    p = k / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class Rate:
    k: int
    n: int

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.k, self.n)

    def text(self) -> str:
        """'40% (2/5; 95% CI 12-77%)', or 'no data (0)'."""
        if not self.n:
            return "no data (n=0)"
        low, high = self.interval
        return f"{self.k / self.n:.0%} ({self.k}/{self.n}; 95% CI {low:.0%}-{high:.0%})"

    def csv_fields(self, name: str) -> dict[str, object]:
        low, high = self.interval
        value = self.value
        known = bool(self.n)
        return {name: "" if value is None else round(value, 4), f"{name}_k": self.k, f"{name}_n": self.n,
                f"{name}_low": round(low, 4) if known else "",
                f"{name}_high": round(high, 4) if known else ""}
