"""The placement state table: every allowed and every forbidden transition."""

from __future__ import annotations

import itertools

import pytest

from campaign.errors import InvalidTransition
from campaign.states import (
    TRANSITIONS,
    PlacementKind,
    PlacementState,
    check_transition,
    is_allowed,
    next_states,
)

S, K = PlacementState, PlacementKind

# The expected life of each kind, written out independently of the module's table.
EXPECTED_SOCIAL = {
    (S.PLANNED, S.APPROVED),
    (S.PLANNED, S.MISSED),
    (S.PLANNED, S.CANCELLED),
    (S.APPROVED, S.PLANNED),
    (S.APPROVED, S.QUEUED),
    (S.APPROVED, S.MISSED),
    (S.APPROVED, S.CANCELLED),
    (S.QUEUED, S.PUBLISHING),
    (S.QUEUED, S.MISSED),
    (S.QUEUED, S.CANCELLED),
    (S.QUEUED, S.PLANNED),
    (S.PUBLISHING, S.PUBLISHED),
    (S.PUBLISHING, S.QUEUED),
    (S.PUBLISHING, S.FAILED),
    (S.PUBLISHING, S.UNKNOWN),
    (S.UNKNOWN, S.PUBLISHED),
    (S.UNKNOWN, S.QUEUED),
    (S.UNKNOWN, S.FAILED),
    (S.FAILED, S.QUEUED),
    (S.FAILED, S.CANCELLED),
    (S.MISSED, S.QUEUED),
    (S.MISSED, S.CANCELLED),
    (S.CANCELLED, S.PLANNED),
}
EXPECTED_PRINT = {
    (S.PLANNED, S.APPROVED),
    (S.PLANNED, S.MISSED),
    (S.PLANNED, S.CANCELLED),
    (S.APPROVED, S.PLANNED),
    (S.APPROVED, S.QUEUED),
    (S.APPROVED, S.MISSED),
    (S.APPROVED, S.CANCELLED),
    (S.QUEUED, S.PUBLISHING),
    (S.QUEUED, S.MISSED),
    (S.QUEUED, S.CANCELLED),
    (S.QUEUED, S.PLANNED),
    (S.PUBLISHING, S.DELIVERED),
    (S.PUBLISHING, S.QUEUED),
    (S.PUBLISHING, S.FAILED),
    (S.FAILED, S.QUEUED),
    (S.FAILED, S.CANCELLED),
    (S.MISSED, S.QUEUED),
    (S.MISSED, S.CANCELLED),
    (S.CANCELLED, S.PLANNED),
    (S.DELIVERED, S.LIVE),
    (S.DELIVERED, S.POSTED),
    (S.DELIVERED, S.CANCELLED),
    (S.LIVE, S.POSTED),
    (S.LIVE, S.COMPLETED),
    (S.POSTED, S.COMPLETED),
}
EXPECTED = {K.SOCIAL: EXPECTED_SOCIAL, K.PRINT: EXPECTED_PRINT}
ALL_PAIRS = [(kind, a, b) for kind in K for a, b in itertools.product(S, S)]


@pytest.mark.parametrize(("kind", "current", "target"), ALL_PAIRS)
def test_every_pair_is_allowed_exactly_when_expected(
    kind: PlacementKind, current: PlacementState, target: PlacementState
) -> None:
    expected = (current, target) in EXPECTED[kind]
    assert is_allowed(kind, current, target) is expected
    if expected:
        check_transition(kind, current, target)
    else:
        with pytest.raises(InvalidTransition, match=f"from {current.value} to {target.value}"):
            check_transition(kind, current, target)


def test_table_has_no_entry_beyond_the_expected_lives() -> None:
    for (a, b), kinds in TRANSITIONS.items():
        for kind in kinds:
            assert (a, b) in EXPECTED[kind], (kind, a, b)


def test_final_states_lead_nowhere() -> None:
    for kind in K:
        for final in (S.PUBLISHED, S.COMPLETED):
            assert next_states(kind, final) == []
        assert next_states(kind, S.CANCELLED) == [S.PLANNED]


def test_a_post_cannot_be_delivered_and_a_poster_cannot_be_published() -> None:
    assert not is_allowed(K.SOCIAL, S.PUBLISHING, S.DELIVERED)
    assert not is_allowed(K.PRINT, S.PUBLISHING, S.PUBLISHED)
