"""``campaign demo``: run the sample campaign on embedded defaults."""

from __future__ import annotations

import typer

from campaign.bootstrap import bootstrap
from campaign.demo import run_demo


def demo() -> None:
    """Run the Together As One sample campaign on embedded defaults and print each step."""
    run_demo(bootstrap(), typer.echo)
