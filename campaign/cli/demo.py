"""``campaign demo``: the whole sample rollout on embedded defaults."""

from __future__ import annotations

import typer

from campaign.settings import get_settings


def demo() -> None:
    """Run the Together As One rollout end to end (in ./var/demo) and print a report's path."""
    from campaign.demo import run_demo

    work = get_settings().data_dir.resolve() / "demo"
    run_demo(work, typer.echo)
