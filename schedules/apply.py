"""Apply a rollout plan: create, update or cancel the campaign's placements in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from assets.formats import FormatRegistry
from assets.library import StoredMaster, add_version_in, store_master
from assets.render.intake import probe
from assets.storage import Storage
from campaign import eventlog
from campaign.approvals import approve_waiting_placements
from campaign.campaigns import ensure_campaign_in
from campaign.db import Database
from campaign.errors import CampaignError
from campaign.models import ArtworkVersion, Campaign, Placement, Site
from campaign.placements import move
from campaign.states import GONE_OUT, PlacementState, is_allowed
from schedules import yamlsafe
from schedules.plan import CheckedPlan, Desired, PlanRejected, check_plan
from schedules.planfile import Plan

# Fields a plan may change on a placement that has not gone out yet.
_FIELDS = (
    "version_id",
    "format_id",
    "site_id",
    "phase",
    "flight_start",
    "flight_end",
    "due_at",
    "post_text",
    "alt_text",
    "channel",
)


@dataclass
class ApplyReport:
    campaign: str
    dry_run: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # gone out: never changed or re-sent
    new_versions: list[str] = field(default_factory=list)
    renders: list[tuple[int, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.changed) + len(self.cancelled) + len(self.new_versions)


def _master_checker(base: Path, max_pixels: int):  # type: ignore[no-untyped-def]
    def problem(master: str) -> str | None:
        path = (base / master).resolve()
        if not path.is_file():
            return f"master file {master!r} not found (paths are relative to the plan file)"
        try:
            probe(path, max_pixels=max_pixels)
        except CampaignError as exc:
            return str(exc)
        return None

    return problem


def gone_out_keys(db: Database, slug: str) -> set[str]:
    """Return the plan keys of a campaign's placements that have already gone out."""
    with db.session() as session:
        campaign = session.exec(select(Campaign).where(Campaign.slug == slug)).first()
        if campaign is None:
            return set()
        rows = session.exec(
            select(Placement.plan_key).where(
                Placement.campaign_id == campaign.id,
                Placement.state.in_([s.value for s in GONE_OUT]),
            )
        )  # type: ignore[attr-defined]
        return set(rows)


def check_file(
    path: Path,
    *,
    formats: FormatRegistry,
    now: datetime,
    max_pixels: int,
    db: Database | None = None,
    margin_days: int = 2,
) -> CheckedPlan:
    """Check a plan file (with the database, placements that went out may be in the past)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CampaignError(
            f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    gone: set[str] = set()
    if db is not None:
        # The bounded loader: this first look must not bypass the size and alias limits.
        try:
            data, _, _ = yamlsafe.load(text, path.name)
            slug = data.get("campaign", {}).get("slug") if isinstance(data, dict) else None
        except (CampaignError, AttributeError):
            slug = None
        if isinstance(slug, str):
            gone = gone_out_keys(db, slug)
    return check_plan(
        text,
        path.name,
        formats=formats,
        now=now,
        gone_out=gone,
        master_problem=_master_checker(path.parent, max_pixels),
        margin_days=margin_days,
    )


def apply_plan(
    db: Database,
    storage: Storage,
    formats: FormatRegistry,
    *,
    path: Path,
    now: datetime,
    max_pixels: int,
    actor: str,
    dry_run: bool = False,
    margin_days: int = 2,
) -> ApplyReport:
    """Check the plan, then make the database match it in one transaction (or roll back)."""
    checked = check_file(
        path, formats=formats, now=now, max_pixels=max_pixels, db=db, margin_days=margin_days
    )
    if not checked.ok:
        raise PlanRejected(checked)
    plan = checked.plan
    assert plan is not None
    report = ApplyReport(plan.campaign.slug, dry_run, warnings=checked.report())
    # Blobs go in first, outside the transaction: content-addressed, so a rollback
    # leaves at most an unreferenced file that the next apply reuses.
    masters = {
        (a.id, i): store_master(
            storage, (path.parent / v.master).resolve(), max_pixels=max_pixels, dry_run=dry_run
        )
        for a in plan.artworks
        for i, v in enumerate(a.all_versions())
    }
    with db.session() as session:
        campaign, _ = ensure_campaign_in(
            session,
            slug=plan.campaign.slug,
            name=plan.campaign.name,
            timezone=plan.campaign.timezone,
            actor=actor,
            now=now,
        )
        versions = _versions(session, campaign, plan, masters, report, actor=actor, now=now)
        sites = _sites(session, campaign, plan)
        _placements(
            session, campaign, checked.desired, versions, sites, report, actor=actor, now=now
        )
        for version_id in {v for versions_of in versions.values() for v in versions_of}:
            version = session.get(ArtworkVersion, version_id)
            if version is not None:
                approve_waiting_placements(session, version, actor=actor, now=now)
        report.renders = sorted(
            {(versions[d.artwork][_index(d, versions)], d.format_id) for d in checked.desired}
        )
        if dry_run:
            session.rollback()
        else:
            session.commit()
    return report


def _index(d: Desired, versions: dict[str, list[int]]) -> int:
    return (d.version - 1) if d.version else len(versions[d.artwork]) - 1


def _versions(
    session: Session,
    campaign: Campaign,
    plan: Plan,
    masters: dict[tuple[str, int], StoredMaster],
    report: ApplyReport,
    *,
    actor: str,
    now: datetime,
) -> dict[str, list[int]]:
    """Return artwork id -> version ids in plan order (the last is the latest)."""
    out: dict[str, list[int]] = {}
    for art in plan.artworks:
        ids = []
        for i, spec in enumerate(art.all_versions()):
            added = add_version_in(
                session,
                campaign_id=campaign.id,
                master=masters[(art.id, i)],  # type: ignore[arg-type]
                title=art.title,
                key=art.id,
                label=spec.label,
                focal=spec.focal,
                keep=spec.keep,
                actor=actor,
                now=now,
            )
            version = added.version
            if added.created:
                report.new_versions.append(f"{art.id} v{version.number}")
            elif (version.focal_x, version.focal_y) != tuple(spec.focal):
                version.focal_x, version.focal_y = spec.focal
                session.add(version)
            ids.append(version.id)
        out[art.id] = ids  # type: ignore[assignment]
    return out


def _sites(session: Session, campaign: Campaign, plan: Plan) -> dict[str, int]:
    existing = {
        s.code: s for s in session.exec(select(Site).where(Site.campaign_id == campaign.id))
    }
    out = {}
    for spec in plan.sites:
        site = existing.get(spec.id) or Site(campaign_id=campaign.id, code=spec.id, kind=spec.kind)  # type: ignore[arg-type]
        site.kind, site.media_owner, site.address = spec.kind, spec.media_owner, spec.address
        site.format_id = spec.format
        site.network = (spec.network or "x") if spec.kind == "account" else None
        session.add(site)
        session.flush()
        out[spec.id] = site.id
    return out  # type: ignore[return-value]


def _values(d: Desired, version_id: int, site_id: int) -> dict[str, Any]:
    return {
        "version_id": version_id,
        "format_id": d.format_id,
        "site_id": site_id,
        "phase": d.phase,
        "flight_start": d.flight_start,
        "flight_end": d.flight_end,
        "due_at": d.due_at,
        "post_text": d.post_text,
        "alt_text": d.alt_text,
        "channel": d.channel,
    }


def _placements(
    session: Session,
    campaign: Campaign,
    desired: list[Desired],
    versions: dict[str, list[int]],
    sites: dict[str, int],
    report: ApplyReport,
    *,
    actor: str,
    now: datetime,
) -> None:
    existing = {
        p.plan_key: p
        for p in session.exec(select(Placement).where(Placement.campaign_id == campaign.id))
    }
    wanted = set()
    new: list[tuple[Desired, dict[str, Any]]] = []
    for d in desired:
        wanted.add(d.key)
        values = _values(d, versions[d.artwork][_index(d, versions)], sites[d.site])
        current = existing.get(d.key)
        if current is None:
            new.append(
                (
                    d,
                    {
                        "campaign_id": campaign.id,
                        "plan_key": d.key,
                        "kind": d.kind.value,
                        "timezone": campaign.timezone,
                        "state": PlacementState.PLANNED.value,
                        "attempts": 0,
                        "updated_at": now,
                        **values,
                    },
                )
            )
            report.added.append(d.key)
            continue
        diff = [f for f in _FIELDS if getattr(current, f) != values[f]]
        state = PlacementState(current.state)
        if not diff and state != PlacementState.CANCELLED:
            report.unchanged.append(d.key)
            continue
        if state in GONE_OUT:
            report.kept.append(f"{d.key} ({state.value}; the plan's change is not applied)")
            continue
        for f in _FIELDS:
            setattr(current, f, values[f])
        current.updated_at = now
        session.add(current)
        if state == PlacementState.CANCELLED:
            move(
                session,
                current,
                PlacementState.PLANNED,
                actor=actor,
                now=now,
                action="replanned",
                details={"reason": "back in the plan"},
            )
        elif "version_id" in diff and state == PlacementState.APPROVED:
            move(
                session,
                current,
                PlacementState.PLANNED,
                actor=actor,
                now=now,
                action="approval-withdrawn",
                details={"reason": "another artwork version"},
            )
        report.changed.append(f"{d.key} ({', '.join(diff)})")
    # New rows as one executemany, their ids in one query, their log events in one more:
    # a 10,000-placement plan is a handful of round trips, not 20,000.
    if new:
        session.execute(insert(Placement.__table__), [row for _, row in new])  # type: ignore[attr-defined]
        ids = dict(
            session.exec(
                select(Placement.plan_key, Placement.id).where(
                    Placement.campaign_id == campaign.id,
                    Placement.plan_key.in_([d.key for d, _ in new]),
                )
            ).all()
        )  # type: ignore[attr-defined]
        eventlog.append_many(
            session,
            [
                {
                    "at": now,
                    "actor": actor,
                    "action": "planned",
                    "campaign_id": campaign.id,
                    "placement_id": ids[d.key],
                    "channel": d.channel,
                    "to_state": PlacementState.PLANNED.value,
                    "details": {"key": d.key, "format": d.format_id, "site": d.site},
                }
                for d, _ in new
            ],
        )
    for key, placement in existing.items():
        if key in wanted:
            continue
        state = PlacementState(placement.state)
        if state in GONE_OUT:
            report.kept.append(f"{key} ({state.value}; no longer in the plan)")
        elif is_allowed(placement.kind, state, PlacementState.CANCELLED):
            move(
                session,
                placement,
                PlacementState.CANCELLED,
                actor=actor,
                now=now,
                details={"reason": "removed from the plan"},
            )
            report.cancelled.append(key)
