"""Failure notifications: tell a person once when a placement fails, is missed or is unknown.

Once per placement and state, not once per retry: a ``notified`` event in the
log records that the message went out, so a restart or a second scheduler
does not send it again.
"""

from __future__ import annotations

import json
import logging
import smtplib
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from urllib.parse import unquote, urlparse

import requests
from sqlmodel import select

from campaign import eventlog
from campaign.db import Database
from campaign.models import Placement, PlacementEvent, Site
from campaign.settings import Settings
from campaign.states import NEEDS_ATTENTION

log = logging.getLogger("campaign.notify")
Send = Callable[[str, dict[str, object]], None]


def senders(settings: Settings) -> list[Send]:
    """Return the configured ways to notify (webhook, e-mail), possibly none."""
    out: list[Send] = []
    if settings.notify_webhook_url:
        url, timeout = settings.notify_webhook_url, settings.http_timeout_seconds

        def webhook(subject: str, body: dict[str, object]) -> None:
            requests.post(url, json={"text": subject, **body}, timeout=timeout).raise_for_status()

        out.append(webhook)
    if settings.notify_email and settings.smtp_url:
        smtp, to = urlparse(settings.smtp_url), settings.notify_email

        def email(subject: str, body: dict[str, object]) -> None:
            msg = EmailMessage()
            msg["Subject"], msg["From"], msg["To"] = subject, f"campaign@{smtp.hostname}", to
            msg.set_content(json.dumps(body, indent=2, default=str))
            with smtplib.SMTP(smtp.hostname or "localhost", smtp.port or 25, timeout=20) as conn:
                if smtp.username:
                    conn.login(unquote(smtp.username), unquote(smtp.password or ""))
                conn.send_message(msg)

        out.append(email)
    return out


def notify_failures(
    db: Database,
    settings: Settings,
    *,
    now: datetime,
    send: list[Send] | None = None,
    limit: int = 100,
) -> list[int]:
    """Send one message per placement that entered failed, missed or unknown; return their ids."""
    channels = send if send is not None else senders(settings)
    if not channels:
        return []
    with db.session() as session:
        waiting = session.exec(
            select(Placement, Site)
            .join(Site, Site.id == Placement.site_id)  # type: ignore[arg-type]
            .where(Placement.state.in_([s.value for s in NEEDS_ATTENTION]))  # type: ignore[attr-defined]
            .limit(limit * 5)
        ).all()
        todo = []
        for p, site in waiting:
            # Notified already about this state, since the placement last entered it?
            entered = session.exec(
                select(PlacementEvent.id)
                .where(PlacementEvent.placement_id == p.id, PlacementEvent.to_state == p.state)
                .order_by(PlacementEvent.id.desc())
            ).first()  # type: ignore[union-attr]
            told = session.exec(
                select(PlacementEvent.id).where(
                    PlacementEvent.placement_id == p.id,
                    PlacementEvent.action == "notified",
                    PlacementEvent.id > (entered or 0),
                )
            ).first()  # type: ignore[operator]
            if told is None:
                todo.append((p, site))
            if len(todo) >= limit:
                break
    sent = []
    for p, site in todo:
        subject = f"Placement {p.id} {p.state}: {p.plan_key}"
        body = {
            "placement_id": p.id,
            "state": p.state,
            "key": p.plan_key,
            "channel": p.channel,
            "site": site.code,
            "reason": p.last_error,
        }
        try:
            for channel in channels:
                channel(subject, body)
        except (requests.RequestException, OSError, smtplib.SMTPException) as exc:
            log.warning(
                "could not notify about placement %s: %s", p.id, exc, extra={"placement_id": p.id}
            )
            continue  # tried again next sweep
        with db.session() as session:
            eventlog.append(
                session,
                at=now,
                actor="scheduler",
                action="notified",
                campaign_id=p.campaign_id,
                placement_id=p.id,
                channel=p.channel,
                details={"state": p.state},
            )
            session.commit()
        sent.append(p.id)
    return sent  # type: ignore[return-value]
