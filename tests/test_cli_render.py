"""``campaign render`` as a user runs it: no database, no broker, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PIL import Image

from tests import images
from tests.clirunner import run_cli


def _file(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_render_writes_files_preflight_and_contact_sheet(tmp_path: Path) -> None:
    master = images.master_jpeg(tmp_path / "m.jpg", (2400, 1600), dot=(0.3, 0.4))
    out = tmp_path / "out"
    result = run_cli(
        "render",
        str(master),
        "--out",
        str(out),
        "--formats",
        "social,newspaper-quarter-page",
        "--focal",
        "0.3,0.4",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    entries = json.loads((out / "preflight.json").read_text())
    assert {e["format"] for e in entries} >= {"x-landscape", "newspaper-quarter-page"}
    for e in entries:
        assert set(e) >= {"format", "file", "width", "height", "bytes", "status", "messages"}
        path = out / e["file"]
        assert path.stat().st_size == e["bytes"]
        assert e["status"] in {"ok", "warn", "fail"}
    assert Image.open(out / "contact-sheet.png").size[0] > 1000
    import pypdf

    assert len(pypdf.PdfReader(out / "contact-sheet.pdf").pages) == 1
    assert not (tmp_path / "var").exists()  # no database was made


@pytest.mark.parametrize(
    ("make", "args", "fragment"),
    [
        (lambda t: _file(t / "x.jpg", b""), [], "the file is empty"),
        (lambda t: images.png_bomb(t / "b.png"), [], "MP limit"),
        (lambda t: _file(t / "x.svg", b"<svg/>"), [], "SVG"),
        (
            lambda t: images.master_jpeg(t / "m.jpg", (300, 200)),
            ["--formats", "nope"],
            "unknown format 'nope'",
        ),
        (lambda t: t / "missing.jpg", [], "cannot read missing.jpg"),
        (
            lambda t: images.master_jpeg(t / "m.jpg", (300, 200)),
            ["--focal", "2,2"],
            "between 0 and 1",
        ),
    ],
)
def test_bad_input_is_one_error_line_and_leaves_the_folder_as_it_was(
    tmp_path: Path, make, args, fragment
) -> None:  # type: ignore[no-untyped-def]
    master = make(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = run_cli("render", str(master), "--out", str(out), *args, cwd=tmp_path)
    assert result.returncode != 0
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]


def test_bad_input_does_not_create_the_folder(tmp_path: Path) -> None:
    bad = tmp_path / "notes.jpg"
    bad.write_text("not a picture")
    result = run_cli("render", str(bad), "--out", str(tmp_path / "new"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "new").exists()
