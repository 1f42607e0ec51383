"""The demo: the Together As One campaign on embedded defaults."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from campaign import campaigns, migrate
from campaign.bootstrap import App

DEMO_SLUG = "together-as-one"
DEMO_NAME = "Together As One"
Say = Callable[[str], None]


@dataclass
class DemoReport:
    lines: list[str] = field(default_factory=list)


def run_demo(app: App, say: Say) -> DemoReport:
    """Migrate, create the sample campaign, and report each step through ``say``."""
    report = DemoReport()

    def step(line: str) -> None:
        report.lines.append(line)
        say(line)

    migrate.upgrade(app.db.engine)
    step(f"database ready at {app.db.engine.url.render_as_string(hide_password=True)}")
    campaign, created = campaigns.ensure_campaign(
        app.db,
        slug=DEMO_SLUG,
        name=DEMO_NAME,
        timezone=app.settings.timezone,
        actor="demo",
        now=app.clock.now(),
    )
    step(
        f"campaign {campaign.slug!r} ({campaign.name}, {campaign.timezone}) "
        + ("created" if created else "already there")
    )
    return report
