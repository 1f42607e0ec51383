"""Plan files for tests: a valid base plan on disk, with real generated masters."""

from __future__ import annotations

from pathlib import Path

from tests import images

BASE = """\
campaign:
  name: Together As One
  slug: together-as-one
  timezone: Europe/London
artworks:
  - id: main
    title: Together As One
    master: masters/main.jpg
    focal: [0.5, 0.45]
phases:
  - id: launch
    name: Launch
    start: 2027-02-01
    end: 2027-02-14
sites:
  - id: MER-48-0012
    kind: frame
    format: billboard-48-sheet
    media_owner: Clear Channel
    address: Edge Lane, Liverpool L7
  - id: MER-6S-0200
    kind: frame
    media_owner: JCDecaux
    address: Lord Street, Southport PR8
  - id: "@MerseysidePCC"
    kind: account
    network: x
placements:
  - phase: launch
    artwork: main
    format: billboard-48-sheet
    sites: [MER-48-0012]
  - artwork: main
    format: bus-stop-6-sheet
    sites: [MER-6S-0200]
    start: 2027-02-01
    end: 2027-02-28
posts:
  - account: "@MerseysidePCC"
    artwork: main
    text: "Together As One: knife crime affects us all. Find support at https://example.org/support"
    alt: Partners standing together
    at: 2027-02-01 09:00
  - id: daily
    account: "@MerseysidePCC"
    artwork: main
    text: Every weekday we stand together ({n}).
    every: weekdays
    time: "10:30"
    from: 2027-02-02
    count: 3
"""


def write_plan(folder: Path, text: str = BASE, name: str = "plan.yaml") -> Path:
    masters = folder / "masters"
    masters.mkdir(parents=True, exist_ok=True)
    if not (masters / "main.jpg").exists():
        images.master_jpeg(masters / "main.jpg", (1800, 1200))
    path = folder / name
    path.write_text(text)
    return path


def replace(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)
