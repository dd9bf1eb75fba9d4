"""Verdict rules: what the recorded step results make of the item."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from inspector.domain.checklist import Checklist, Severity


class Outcome(StrEnum):
    """What an authenticator records for one checkpoint."""

    PASS = "pass"
    FAIL = "fail"
    UNSURE = "unsure"


class Verdict(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    INCONCLUSIVE = "inconclusive"


class FailReason(StrEnum):
    """Why a step failed: most rejections are not fakes, so say which kind of problem it is."""

    COUNTERFEIT = "counterfeit"
    DEFECT = "defect"
    DAMAGE = "damage"
    WRONG_ITEM = "wrong_item"
    USED = "used"
    POOR_PHOTO = "poor_photo"
    OTHER = "other"


@dataclass(frozen=True)
class StepState:
    """The latest recorded result of one step, as the verdict rules see it."""

    outcome: Outcome
    photo_count: int = 0
    value_problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerdictReason:
    step_id: str | None
    text: str


@dataclass(frozen=True)
class ProposedVerdict:
    verdict: Verdict
    reasons: tuple[VerdictReason, ...] = field(default_factory=tuple)

    @property
    def escalate(self) -> bool:
        return self.verdict is Verdict.INCONCLUSIVE


def propose_verdict(checklist: Checklist, states: Mapping[str, StepState]) -> ProposedVerdict:
    """Apply the checklist's rules; a fail outranks inconclusive, which outranks pass."""
    rules = checklist.rules
    fails: list[VerdictReason] = []
    doubts: list[VerdictReason] = []
    minor_fails: list[VerdictReason] = []

    def route(effect: str, reason: VerdictReason) -> None:
        (fails if effect == "fail" else doubts).append(reason)

    for step in checklist.steps:
        state = states.get(step.id)
        if state is None:
            doubts.append(VerdictReason(step.id, f"{step.title}: not checked"))
            continue
        failed = state.outcome is Outcome.FAIL or bool(state.value_problems)
        if failed:
            detail = "; ".join(state.value_problems) or "failed"
            reason = VerdictReason(step.id, f"{step.title}: {detail} ({step.severity})")
            if step.severity is Severity.CRITICAL:
                route(rules.critical_fail, reason)
            elif step.severity is Severity.MAJOR:
                route(rules.major_fail, reason)
            else:
                minor_fails.append(reason)
        # Not elif: an unsure step whose value also contradicts the brand data takes the worse of both
        # effects, so adding a problem never makes the verdict better (found by the property test).
        if state.outcome is Outcome.UNSURE:
            route(rules.unsure, VerdictReason(step.id, f"{step.title}: marked unsure"))
        if state.photo_count < step.required_photos:
            route(
                rules.missing_photo,
                VerdictReason(
                    step.id,
                    f"{step.title}: {state.photo_count} of {step.required_photos} photos",
                ),
            )
    if len(minor_fails) >= rules.minor_fails_to_fail:
        fails.extend(minor_fails)
    if fails:
        return ProposedVerdict(Verdict.FAIL, tuple(fails))
    if doubts:
        return ProposedVerdict(Verdict.INCONCLUSIVE, tuple(doubts))
    return ProposedVerdict(Verdict.PASS, tuple(minor_fails))
