"""Rendering benchmark: this project against Pillow naive and pyvips decode-once.

Generates one 8000 x 5000 JPEG master (40 MP, q92), then renders the whole
built-in format set, and the screen/social subset, with each pipeline in its
own process (so peak memory is per pipeline). Prints the figures side by side.

    make bench            # or: .venv/bin/python bench/render.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MASTER_SIZE = (8000, 5000)


def make_master(path: Path) -> None:
    from PIL import Image, ImageDraw, ImageFilter

    im = Image.effect_noise(MASTER_SIZE, 40).convert("RGB")
    draw = ImageDraw.Draw(im)
    for x in range(0, MASTER_SIZE[0], 250):
        draw.rectangle((x, 0, x + 120, MASTER_SIZE[1]), fill=(40 + x % 200, 110, 150))
    draw.ellipse((3000, 1500, 5000, 3500), fill=(220, 30, 30))
    im = im.filter(ImageFilter.GaussianBlur(1))
    im.save(path, "JPEG", quality=92)


def sizes(subset: str) -> list[tuple[str, tuple[int, int], bool]]:
    from assets.formats import load_registry

    fmts = list(load_registry())
    if subset == "screen":
        fmts = [f for f in fmts if not f.is_print]
    return [(f.id, f.size, f.is_print) for f in fmts]


def run_project(master: Path, out: Path, subset: str) -> None:
    from assets.formats import load_registry
    from assets.render import render_set
    from assets.render.intake import open_master

    fmts = [f for f in load_registry() if subset == "all" or not f.is_print]
    m = open_master(master, max_pixels=200_000_000, targets=[f.size for f in fmts])
    render_set(m, fmts, on_done=lambda r: r.save(out / r.filename))


def run_pillow_naive(master: Path, out: Path, subset: str) -> None:
    from PIL import Image, ImageOps

    for fid, size, _ in sizes(subset):
        with Image.open(master) as im:  # decode from the file for every size
            ImageOps.fit(im, size, Image.Resampling.LANCZOS).save(out / f"{fid}.jpg", quality=85)


def run_pyvips(master: Path, out: Path, subset: str) -> None:
    import pyvips

    pyvips.concurrency_set(2)
    image = pyvips.Image.new_from_file(str(master), access="sequential").copy_memory()
    for fid, (w, h), _ in sizes(subset):
        thumb = image.thumbnail_image(w, height=h, crop="centre", size="both")
        thumb.write_to_file(str(out / f"{fid}.jpg"), Q=85)


PIPELINES = {"project": run_project, "pillow-naive": run_pillow_naive, "pyvips": run_pyvips}


def child(name: str, master: Path, subset: str) -> None:
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        PIPELINES[name](master, Path(tmp), subset)
        elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "peak_mb": peak / 1024, "base_mb": base / 1024}))


def measure(name: str, master: Path, subset: str, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                name,
                "--master",
                str(master),
                "--subset",
                subset,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    best = min(runs, key=lambda r: r["seconds"])
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--child")
    parser.add_argument("--master", type=Path)
    parser.add_argument("--subset", default="all")
    parser.add_argument("--make-master", type=Path)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.master, args.subset)
        return
    if args.make_master:
        make_master(args.make_master)
        return
    with tempfile.TemporaryDirectory() as tmp:
        master = Path(tmp) / "master.jpg"
        # In its own process: Linux keeps ru_maxrss across exec, so a parent that drew the
        # master would pass its peak on to every pipeline's child.
        subprocess.run([sys.executable, __file__, "--make-master", str(master)], check=True)
        decoded_mb = MASTER_SIZE[0] * MASTER_SIZE[1] * 3 / 2**20
        print(
            f"master {MASTER_SIZE[0]}x{MASTER_SIZE[1]} JPEG, {master.stat().st_size / 1e6:.1f} MB"
            f" on disk, {decoded_mb:.0f} MB decoded; best of {args.repeat} runs\n"
        )
        print(
            f"{'subset':<8} {'pipeline':<14} {'seconds':>8} {'vs pyvips':>10} "
            f"{'peak MB':>8} {'peak / master':>14}"
        )
        # peak / master: the process's peak RSS, less the interpreter and imports, over the
        # decoded master's size (so the master itself counts as 1.0).
        for subset, label in (("screen", "screen"), ("all", "all")):
            results = {name: measure(name, master, subset, args.repeat) for name in PIPELINES}
            ref = results["pyvips"]["seconds"]
            for name, r in results.items():
                print(
                    f"{label:<8} {name:<14} {r['seconds']:>8.2f} {r['seconds'] / ref:>9.2f}x "
                    f"{r['peak_mb']:>8.0f} {(r['peak_mb'] - r['base_mb']) / decoded_mb:>13.2f}x"
                )
        print(
            "\nproject = decode once (Pillow); libvips reads the decoded master in place;\n"
            "          screens: libvips crop + shrink + Lanczos on a thread pool, sRGB via "
            "ImageCms, Pillow encodes to the byte limit;\n"
            "          print: libvips streams crop, Lanczos, CMYK (LittleCMS) and JPEG to a "
            "file, wrapped in a boxed PDF; every file spooled to disk;\n"
            "pillow-naive = ImageOps.fit(LANCZOS) from the file per format, JPEG only;\n"
            "pyvips = decode once, thumbnail_image(crop=centre) per format, JPEG only."
        )


if __name__ == "__main__":
    main()
