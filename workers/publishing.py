"""Publish one social placement, exactly once as observed.

The claim (``queued`` -> ``publishing``) makes one worker the owner. Each
outcome becomes a state: published; back to ``queued`` with a retry time in
the database (rate limit, server error, unreachable); ``failed`` with the
reason in words; or ``unknown`` when the post may have gone out, which is
reconciled against the account's recent posts before anything is sent again.
"""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

from assets.renditions import rendition_for
from campaign.bootstrap import App
from campaign.dispatch import Dispatcher
from campaign.errors import CampaignError
from campaign.models import Placement, Site
from campaign.placements import claim
from campaign.states import PlacementState
from workers.publishers import publisher_for
from workers.publishers.base import (
    OutcomeUnknown,
    PostRequest,
    Publisher,
    RateLimited,
    Rejected,
    Retryable,
)

log = logging.getLogger("campaign.worker")
S = PlacementState
ACTOR = "worker"
_MEDIA = {"jpg": "image/jpeg", "png": "image/png", "webp": "image/webp"}


def backoff(attempt: int, *, base: float = 5.0, cap: float = 600.0) -> timedelta:
    """Exponential backoff with full jitter (AWS's advice), in seconds."""
    return timedelta(seconds=random.uniform(0, min(cap, base * 2 ** max(0, attempt - 1))))


def _request(app: App, p: Placement) -> tuple[PostRequest, Site]:
    """Build the post: the account and the rendition (made now if missing).

    Called with no session open: on SQLite a second open transaction would wait
    for the first one's write lock.
    """
    with app.db.session() as session:
        site = session.get(Site, p.site_id)
    if site is None:
        raise CampaignError(f"placement {p.id} has no site")
    rendition = rendition_for(app, p)
    if rendition.status == "fail":
        raise Rejected(
            f"the {p.format_id} rendition failed preflight: {'; '.join(rendition.messages)}"
        )
    ext = rendition.storage_key.rsplit(".", 1)[-1]
    return PostRequest(
        placement_id=p.id,
        key=p.plan_key,
        account=site.code,  # type: ignore[arg-type]
        text=p.post_text or "",
        alt_text=p.alt_text,
        image=app.storage.get_bytes(rendition.storage_key),
        image_name=f"{p.format_id}.{ext}",
        media_type=_MEDIA.get(ext, "image/jpeg"),
        scheduled_for=p.due_at,
    ), site


def _finish(
    app: App,
    pid: int,
    target: S,
    *,
    expected: tuple[S, ...],
    now: datetime,
    details: dict[str, object],
    **fields: object,
) -> bool:
    """Record an outcome if the placement is still in one of ``expected``."""
    with app.db.session() as session:
        for state in expected:
            won = claim(
                session, pid, expected=state, target=target, actor=ACTOR, now=now, details=details
            )
            if won is not None:
                for name, value in fields.items():
                    setattr(won, name, value)
                session.add(won)
                session.commit()
                return True
        session.rollback()
        return False


def _fail(app: App, pid: int, reason: str, *, expected: S, now: datetime) -> str:
    """Record a failure for good, with the reason in words; return the outcome line."""
    _finish(
        app,
        pid,
        S.FAILED,
        expected=(expected,),
        now=now,
        details={"reason": reason},
        last_error=reason,
    )
    return f"failed: {reason}"


def publish(
    app: App, placement_id: int, *, dispatcher: Dispatcher, publisher: Publisher | None = None
) -> str:
    """Run one publish attempt (or a reconciliation); return what happened, in words."""
    now = app.clock.now()
    with app.db.session() as session:
        p = session.get(Placement, placement_id)
        if p is None:
            return "gone"
        state = S(p.state)
        if state != S.QUEUED and state != S.UNKNOWN:
            return f"nothing to do ({state.value})"
        if state == S.QUEUED and p.next_attempt_at is not None and p.next_attempt_at > now:
            return "not yet (a retry is scheduled)"
    if state == S.UNKNOWN:
        return reconcile(app, placement_id, dispatcher=dispatcher, publisher=publisher)
    with app.db.session() as session:
        won = claim(
            session,
            placement_id,
            expected=S.QUEUED,
            target=S.PUBLISHING,
            actor=ACTOR,
            now=now,
            details={"attempt": p.attempts + 1},
        )
        if won is None:
            return "claimed by another worker"
        won.attempts += 1
        attempts = won.attempts
        session.add(won)
        session.commit()
    try:
        post, site = _request(app, won)
    except (Rejected, CampaignError) as exc:
        return _fail(app, placement_id, str(exc), expected=S.PUBLISHING, now=now)
    publisher = publisher or publisher_for(site, app.settings)
    try:
        result = publisher.publish(post)
    except RateLimited as exc:
        _finish(
            app,
            placement_id,
            S.QUEUED,
            expected=(S.PUBLISHING,),
            now=app.clock.now(),
            details={
                "reason": str(exc),
                "retry_at": exc.retry_at.isoformat() if exc.retry_at else None,
            },
            next_attempt_at=exc.retry_at,
            last_error=str(exc),
        )
        return f"rate limited: {exc}"
    except Retryable as exc:
        later = app.clock.now()
        if attempts >= app.settings.publish_max_attempts:
            reason = f"gave up after {attempts} attempts: {exc}"
            return _fail(app, placement_id, reason, expected=S.PUBLISHING, now=later)
        retry_at = exc.retry_at or later + backoff(attempts)
        _finish(
            app,
            placement_id,
            S.QUEUED,
            expected=(S.PUBLISHING,),
            now=later,
            details={"reason": str(exc), "retry_at": retry_at.isoformat()},
            next_attempt_at=retry_at,
            last_error=str(exc),
        )
        return f"will retry: {exc}"
    except Rejected as exc:
        return _fail(app, placement_id, str(exc), expected=S.PUBLISHING, now=app.clock.now())
    except OutcomeUnknown as exc:
        later = app.clock.now()
        _finish(
            app,
            placement_id,
            S.UNKNOWN,
            expected=(S.PUBLISHING,),
            now=later,
            details={"reason": str(exc)},
            next_attempt_at=later + timedelta(seconds=app.settings.reconcile_settle_seconds),
            last_error=str(exc),
        )
        return f"unknown: {exc}"
    # The post exists now; if the sweep already called this attempt lost, still record it.
    done = _finish(
        app,
        placement_id,
        S.PUBLISHED,
        expected=(S.PUBLISHING, S.UNKNOWN),
        now=app.clock.now(),
        details={
            "external_id": result.external_id,
            "permalink": result.permalink,
            "publisher": publisher.name,
        },
        external_id=result.external_id,
        permalink=result.permalink,
        last_error=None,
        next_attempt_at=None,
    )
    return f"published {result.external_id}" if done else "published (already recorded)"


def reconcile(
    app: App, placement_id: int, *, dispatcher: Dispatcher, publisher: Publisher | None = None
) -> str:
    """Resolve an unknown outcome: find the post, or put it back in the queue and send it."""
    now = app.clock.now()
    with app.db.session() as session:
        p = session.get(Placement, placement_id)
        if p is None or p.state != S.UNKNOWN:
            return "nothing to reconcile"
        settle = timedelta(seconds=app.settings.reconcile_settle_seconds)
        if now < p.updated_at + settle:
            # Even a stray early message must not look before the post could show up.
            return "not yet (waiting for the network to settle)"
    try:
        post, site = _request(app, p)
    except (Rejected, CampaignError) as exc:
        return _fail(app, placement_id, str(exc), expected=S.UNKNOWN, now=now)
    since = p.updated_at - timedelta(hours=1)
    publisher = publisher or publisher_for(site, app.settings)
    try:
        found = publisher.find(post, since)
    except Retryable as exc:
        with app.db.session() as session:  # look again later; nothing is sent meanwhile
            row = session.get(Placement, placement_id)
            if row is not None and row.state == S.UNKNOWN:
                row.next_attempt_at = now + backoff(row.attempts)
                session.add(row)
                session.commit()
        return f"reconciliation postponed: {exc}"
    if found is not None:
        _finish(
            app,
            placement_id,
            S.PUBLISHED,
            expected=(S.UNKNOWN,),
            now=now,
            details={"external_id": found.external_id, "reconciled": True},
            external_id=found.external_id,
            permalink=found.permalink,
            last_error=None,
            next_attempt_at=None,
        )
        return f"reconciled: published {found.external_id}"
    if _finish(
        app,
        placement_id,
        S.QUEUED,
        expected=(S.UNKNOWN,),
        now=now,
        details={"reconciled": True, "reason": "not found on the account: sending again"},
        next_attempt_at=None,
    ):
        dispatcher.publish(placement_id)  # after the commit above
        return "reconciled: not found, sent again"
    return "reconciled elsewhere"
