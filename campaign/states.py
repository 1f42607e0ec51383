"""Placement state rules: which state changes are allowed, for which kind of placement.

Pure: no database, no clock. Every state change in the system goes through
``check_transition`` so the table below is the whole truth about a
placement's life.

Social posts:   planned -> approved -> queued -> publishing -> published
                                        ^          |-> unknown -> (reconciled) published | queued
                                        |          |-> failed
                                        +-- retry -+
Print (out-of-home and press):
                planned -> approved -> queued -> publishing -> delivered -> live
                -> posted (proof of posting) -> completed
"""

from __future__ import annotations

from enum import StrEnum

from campaign.errors import InvalidTransition


class PlacementKind(StrEnum):
    SOCIAL = "social"
    PRINT = "print"


class PlacementState(StrEnum):
    PLANNED = "planned"
    APPROVED = "approved"
    QUEUED = "queued"
    PUBLISHING = "publishing"
    PUBLISHED = "published"
    UNKNOWN = "unknown"
    FAILED = "failed"
    MISSED = "missed"
    DELIVERED = "delivered"
    LIVE = "live"
    POSTED = "posted"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


S = PlacementState
SOCIAL = frozenset({PlacementKind.SOCIAL})
PRINT = frozenset({PlacementKind.PRINT})
BOTH = SOCIAL | PRINT

# (from, to) -> the kinds of placement for which that change is allowed.
TRANSITIONS: dict[tuple[PlacementState, PlacementState], frozenset[PlacementKind]] = {
    (S.PLANNED, S.APPROVED): BOTH,
    (S.PLANNED, S.CANCELLED): BOTH,
    # Due and still not approved: nothing goes out unapproved.
    (S.PLANNED, S.MISSED): BOTH,
    # A new master version withdraws the approval.
    (S.APPROVED, S.PLANNED): BOTH,
    (S.APPROVED, S.QUEUED): BOTH,
    (S.APPROVED, S.MISSED): BOTH,
    (S.APPROVED, S.CANCELLED): BOTH,
    # The claim: only one worker wins queued -> publishing.
    (S.QUEUED, S.PUBLISHING): BOTH,
    (S.QUEUED, S.MISSED): BOTH,
    (S.QUEUED, S.CANCELLED): BOTH,
    (S.QUEUED, S.PLANNED): BOTH,
    (S.PUBLISHING, S.PUBLISHED): SOCIAL,
    (S.PUBLISHING, S.DELIVERED): PRINT,
    # A retryable error (429, 5xx) puts it back in the queue with a later due time.
    (S.PUBLISHING, S.QUEUED): BOTH,
    (S.PUBLISHING, S.FAILED): BOTH,
    # Outcome not known (timeout after sending, worker killed): reconcile before resending.
    (S.PUBLISHING, S.UNKNOWN): SOCIAL,
    (S.UNKNOWN, S.PUBLISHED): SOCIAL,
    (S.UNKNOWN, S.QUEUED): SOCIAL,
    (S.UNKNOWN, S.FAILED): SOCIAL,
    # A human retries or reschedules.
    (S.FAILED, S.QUEUED): BOTH,
    (S.FAILED, S.CANCELLED): BOTH,
    (S.MISSED, S.QUEUED): BOTH,
    (S.MISSED, S.CANCELLED): BOTH,
    # Put back into the plan after being removed from it.
    (S.CANCELLED, S.PLANNED): BOTH,
    (S.DELIVERED, S.LIVE): PRINT,
    (S.DELIVERED, S.POSTED): PRINT,
    (S.DELIVERED, S.CANCELLED): PRINT,
    (S.LIVE, S.POSTED): PRINT,
    (S.LIVE, S.COMPLETED): PRINT,
    (S.POSTED, S.COMPLETED): PRINT,
}

# States after which the placement has gone out: a plan apply never changes or resends it.
GONE_OUT = frozenset(
    {S.PUBLISHING, S.PUBLISHED, S.UNKNOWN, S.DELIVERED, S.LIVE, S.POSTED, S.COMPLETED}
)
# States with nothing left to do.
FINAL = frozenset({S.PUBLISHED, S.COMPLETED})
# States a human must look at.
NEEDS_ATTENTION = frozenset({S.FAILED, S.MISSED, S.UNKNOWN})


def is_allowed(kind: PlacementKind, current: PlacementState, target: PlacementState) -> bool:
    """Return whether a placement of ``kind`` may move from ``current`` to ``target``."""
    return kind in TRANSITIONS.get((current, target), frozenset())


def check_transition(kind: PlacementKind, current: PlacementState, target: PlacementState) -> None:
    """Raise ``InvalidTransition`` unless the change is allowed."""
    if not is_allowed(kind, current, target):
        raise InvalidTransition(
            f"a {kind.value} placement cannot go from {current.value} to {target.value}"
        )


def next_states(kind: PlacementKind, current: PlacementState) -> list[PlacementState]:
    """Return the states a placement may move to next, in table order."""
    return [to for (frm, to), kinds in TRANSITIONS.items() if frm == current and kind in kinds]
