"""The demo's whole flow, in the suite: what `make demo` shows a newcomer must keep working."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.demo import run_demo

pytestmark = pytest.mark.slow


def test_the_demo_runs_the_whole_rollout(tmp_path: Path) -> None:
    lines: list[str] = []
    out = run_demo(tmp_path / "demo", lines.append)
    assert out.report is not None and out.report.exists()
    html = out.report.read_text()
    assert "<svg" in html and "contact-sheet-main-print-v1.png" in html
    assert out.posts == 18
    assert out.deliveries == 10
    states = {state for (_, state) in out.by_state}
    assert states == {"published", "completed"}, out.by_state
    text = "\n".join(lines)
    assert "rate-limited posts that waited for X's reset: 1" in text
    assert "resolved by reconciliation without posting twice: 1" in text
    assert any("approved 5 versions" in line for line in lines)
