"""Rendering real images the tests make: upright, right colours, right sizes, right files."""

from __future__ import annotations

import io
import struct
from pathlib import Path

import pypdf
import pytest
from PIL import Image, ImageCms

from assets.formats import ChannelFormat, Group, load_registry
from assets.render import render_format, render_set
from assets.render.intake import open_master, probe
from campaign.errors import ImageRejected
from tests import images

MAX = 150_000_000
SQUARE_PNG = ChannelFormat(
    id="test-card",
    name="t",
    group=Group.SOCIAL,
    size_px=(400, 200),
    file_format="PNG",
    source="test",
)


def _px(data: bytes, xy: tuple[int, int]) -> tuple[int, ...]:
    return Image.open(io.BytesIO(data)).convert("RGB").getpixel(xy)  # type: ignore[return-value]


def _close(a: tuple[int, ...], b: tuple[int, ...], tol: int = 40) -> bool:
    return all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_exif_orientation_renders_upright(tmp_path: Path, orientation: int) -> None:
    path = images.oriented_jpeg(tmp_path / f"o{orientation}.jpg", orientation, images.quadrants())
    master = open_master(path, max_pixels=MAX)
    assert master.size == (400, 200)
    out = render_format(master, SQUARE_PNG).data
    assert _close(_px(out, (50, 50)), images.RED)
    assert _close(_px(out, (350, 50)), images.BLUE)
    assert _close(_px(out, (50, 150)), images.YELLOW)
    assert _close(_px(out, (350, 150)), images.WHITE)


def test_probe_reports_the_upright_size_without_decoding(tmp_path: Path) -> None:
    path = images.oriented_jpeg(tmp_path / "o6.jpg", 6, images.quadrants())
    info = probe(path, max_pixels=MAX)
    assert (info.kind, info.width, info.height) == ("JPEG", 400, 200)


@pytest.mark.parametrize("with_profile", [True, False])
def test_cmyk_master_renders_in_the_right_colours(tmp_path: Path, with_profile: bool) -> None:
    im = Image.new("CMYK", (300, 300), (0, 0, 0, 0))  # paper white
    im.paste((0, 255, 255, 0), (0, 0, 150, 300))  # process red (M+Y) on the left
    kwargs = {}
    if with_profile:
        from assets.render.colour import profile_bytes

        kwargs["icc_profile"] = profile_bytes("campaign-fogra39l-coated")
    path = tmp_path / "cmyk.jpg"
    im.save(path, "JPEG", quality=95, **kwargs)
    master = open_master(path, max_pixels=MAX)
    assert master.image.mode == "CMYK"
    fmt = load_registry().get("instagram-square")
    out = render_format(master, fmt)
    red, white = _px(out.data, (100, 540)), _px(out.data, (980, 540))
    assert red[0] > 190 and red[1] < 90 and red[2] < 90, red
    assert min(white) > 225, white
    assert out.mode == "RGB"


def test_rgb_output_embeds_srgb_and_no_exif(tmp_path: Path) -> None:
    path = images.oriented_jpeg(tmp_path / "o3.jpg", 3, images.quadrants((1600, 900)))
    out = render_format(open_master(path, max_pixels=MAX), load_registry().get("x-landscape"))
    with Image.open(io.BytesIO(out.data)) as im:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(im.info["icc_profile"]))
        assert "sRGB" in ImageCms.getProfileDescription(profile)
        assert not im.getexif()


def test_16_bit_grey_is_scaled_not_clipped(tmp_path: Path) -> None:
    row = struct.pack("<100H", *[32768] * 100) + struct.pack("<100H", *[65535] * 100)
    im = Image.frombytes("I;16", (200, 100), row * 100)  # mid grey | white, 16 bits
    path = tmp_path / "grey16.png"
    im.save(path)
    assert Image.open(path).mode.startswith("I")
    out = render_format(open_master(path, max_pixels=MAX), SQUARE_PNG).data
    assert _close(_px(out, (100, 100)), (128, 128, 128), tol=6)
    assert _close(_px(out, (300, 100)), (255, 255, 255), tol=3)


def test_16_bit_rgb_renders(tmp_path: Path) -> None:
    path = images.png16_rgb(tmp_path / "rgb16.png", (200, 40, 120), size=(400, 200))
    out = render_format(open_master(path, max_pixels=MAX), SQUARE_PNG).data
    assert _close(_px(out, (200, 100)), (200, 40, 120), tol=6)


def test_palette_with_transparency_is_flattened_on_white(tmp_path: Path) -> None:
    im = Image.new("P", (400, 200), 0)
    im.putpalette([0, 0, 0, 200, 20, 20] + [0] * 762)
    im.paste(1, (0, 0, 200, 200))  # opaque red on the left; index 0 transparent on the right
    path = tmp_path / "pal.png"
    im.save(path, transparency=0)
    out = render_format(open_master(path, max_pixels=MAX), SQUARE_PNG).data
    assert _close(_px(out, (100, 100)), (200, 20, 20), tol=10)
    assert _close(_px(out, (300, 100)), (255, 255, 255), tol=3)


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _truncated_jpeg(tmp_path: Path) -> Path:
    full = images.master_jpeg(tmp_path / "full.jpg", (800, 600))
    return _write(tmp_path, "truncated.jpg", full.read_bytes()[: full.stat().st_size // 2])


BAD_FILES = {
    "bomb": (lambda t: images.png_bomb(t / "bomb.png"), "over the 150 MP limit"),
    "truncated": (_truncated_jpeg, "truncated or corrupt JPEG"),
    "empty": (lambda t: _write(t, "empty.jpg", b""), "the file is empty"),
    "text named .jpg": (
        lambda t: _write(t, "notes.jpg", b"Meeting notes\nnot a picture\n"),
        "not an image",
    ),
    "svg": (
        lambda t: _write(t, "logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        "SVG is not accepted",
    ),
    "gif": (lambda t: _write(t, "anim.gif", b"GIF89a" + b"\x00" * 20), "GIF files are not"),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_masters_are_refused_with_a_clear_message(tmp_path: Path, case: str) -> None:
    make, message = BAD_FILES[case]
    path = make(tmp_path)
    with pytest.raises(ImageRejected) as err:
        open_master(path, max_pixels=MAX)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_pixel_limit_is_configurable(tmp_path: Path) -> None:
    path = images.master_jpeg(tmp_path / "m.jpg", (2000, 1000))
    with pytest.raises(ImageRejected, match="over the 1 MP limit"):
        open_master(path, max_pixels=1_000_000)


def test_pdf_master_is_rasterised_for_the_largest_format(tmp_path: Path) -> None:
    src = Image.new("RGB", (600, 300), images.BLUE)
    src.paste(images.RED, (0, 0, 300, 300))
    path = tmp_path / "artwork.pdf"
    src.save(path, "PDF", resolution=72.0)  # a 600 x 300 pt page
    master = open_master(path, max_pixels=MAX, targets=[(3000, 1500)])
    assert master.size == (3000, 1500)
    out = render_format(master, load_registry().get("x-landscape")).data
    assert _close(_px(out, (300, 450)), images.RED, tol=30)


@pytest.fixture(scope="module")
def all_renditions(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = images.master_jpeg(tmp_path_factory.mktemp("m") / "m.jpg", (3000, 2000), dot=(0.8, 0.3))
    master = open_master(path, max_pixels=MAX)
    return render_set(master, list(load_registry()), focal=(0.8, 0.3))


def test_every_rendition_has_its_exact_pixel_size(all_renditions) -> None:  # type: ignore[no-untyped-def]
    for r in all_renditions:
        assert r.size == r.fmt.size, r.fmt.id
        if r.extension != "pdf":
            with Image.open(io.BytesIO(r.data)) as im:
                assert im.size == r.fmt.size, r.fmt.id


def test_the_focal_point_is_in_every_frame(all_renditions) -> None:  # type: ignore[no-untyped-def]
    from assets.render.pipeline import plan_for

    for r in all_renditions:
        if r.extension == "pdf":
            continue
        p = plan_for(r.fmt, (3000, 2000), (0.8, 0.3), None).map_relative(0.8, 0.3)
        assert _close(_px(r.data, (int(p.x), int(p.y))), images.RED, tol=60), r.fmt.id


def test_print_pdfs_have_page_boxes_and_are_cmyk(all_renditions) -> None:  # type: ignore[no-untyped-def]
    pt_per_mm = 72 / 25.4
    pdfs = [r for r in all_renditions if r.extension == "pdf"]
    assert len(pdfs) >= 8
    for r in pdfs:
        page = pypdf.PdfReader(io.BytesIO(r.data)).pages[0]
        w_mm, h_mm = r.fmt.supplied_mm
        assert float(page.mediabox.width) == pytest.approx(w_mm * pt_per_mm, abs=0.5), r.fmt.id
        assert float(page.mediabox.height) == pytest.approx(h_mm * pt_per_mm, abs=0.5)
        bleed = r.fmt.bleed_mm * r.fmt.scale * pt_per_mm
        assert float(page.trimbox.left) == pytest.approx(bleed, abs=0.5)
        assert float(page.trimbox.width) == pytest.approx(
            r.fmt.trim_mm[0] * r.fmt.scale * pt_per_mm, abs=0.5
        )
        assert float(page.bleedbox.width) == pytest.approx(float(page.mediabox.width), abs=0.5)
        (xobj,) = page["/Resources"]["/XObject"].values()
        image = xobj.get_object()
        cs = image["/ColorSpace"]
        assert cs[0] == "/ICCBased" and cs[1].get_object()["/N"] == 4, r.fmt.id
        assert (image["/Width"], image["/Height"]) == r.fmt.size


def test_preflight_flags_upscaled_print(all_renditions) -> None:  # type: ignore[no-untyped-def]
    by_id = {r.fmt.id: r for r in all_renditions}
    six = by_id["bus-stop-6-sheet"].preflight
    assert six.status == "fail"
    assert any("upscaled" in m and "minimum" in m for m in six.messages)
    assert by_id["x-landscape"].preflight.status == "ok"


def test_screen_files_fit_their_byte_limit(tmp_path: Path) -> None:
    noisy = Image.effect_noise((2000, 2000), 120).convert("RGB")
    path = tmp_path / "noise.png"
    noisy.save(path)
    fmt = ChannelFormat(
        id="tight",
        name="t",
        group=Group.SOCIAL,
        size_px=(1080, 1080),
        max_bytes=250_000,
        source="test",
    )
    out = render_format(open_master(path, max_pixels=MAX), fmt)
    assert len(out.data) <= 250_000
    assert out.preflight.status == "ok"


def test_focal_outside_safe_area_and_cut_keep_region_are_reported(tmp_path: Path) -> None:
    path = images.master_jpeg(tmp_path / "m.jpg", (3000, 2000))
    master = open_master(path, max_pixels=MAX)
    story = load_registry().get("instagram-story")  # safe area excludes 250 px top and bottom
    out = render_format(master, story, focal=(0.5, 0.02), keep=(0.0, 0.0, 1.0, 1.0))
    joined = " ".join(out.preflight.messages)
    assert "focal point falls outside the safe area" in joined
    assert "keep-region is cut off" in joined
    assert out.preflight.status == "fail"


def test_print_pdfs_show_the_artwork_in_its_colours(all_renditions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Rasterised, each print PDF has the red dot where the plan puts the focal point.

    CMYK JPEGs hold inverted values (Adobe's convention): a PDF without the right
    /Decode shows a negative, which the page-box test alone would not notice.
    """
    from assets.render.pdfium import document
    from assets.render.pipeline import plan_for

    # pdfium decodes and colour-manages the whole image, seconds for a poster: the
    # newspapers, and a bus side at a tenth of its dpi for the other CMYK profile.
    path = images.master_jpeg(tmp_path / "m.jpg", (3000, 2000), dot=(0.8, 0.3))
    bus = load_registry().get("bus-side")
    bus = bus.model_copy(update={"dpi": (bus.dpi or 0) / 10})
    small = [r for r in all_renditions if r.fmt.group is Group.NEWSPAPER]
    small.append(render_format(open_master(path, max_pixels=MAX), bus, focal=(0.8, 0.3)))
    assert len({r.fmt.icc_profile for r in small}) == 2
    for r in small:
        with document(r.data) as pdf:
            page = pdf[0]
            picture = page.render(scale=600 / page.get_width()).to_pil().convert("RGB")
        p = plan_for(r.fmt, (3000, 2000), (0.8, 0.3), None).map_relative(0.8, 0.3)
        xy = (int(p.x * picture.width / r.fmt.size[0]), int(p.y * picture.height / r.fmt.size[1]))
        assert _close(picture.getpixel(xy), images.RED, tol=60), (r.fmt.id, picture.getpixel(xy))
        thumb_xy = (
            int(p.x * r.thumbnail.width / r.fmt.size[0]),
            int(p.y * r.thumbnail.height / r.fmt.size[1]),
        )
        assert _close(r.thumbnail.getpixel(thumb_xy), images.RED, tol=60), r.fmt.id


def test_a_print_pdf_is_the_same_bytes_every_time(tmp_path: Path) -> None:
    path = images.master_jpeg(tmp_path / "m.jpg", (1600, 1200))
    fmt = load_registry().get("newspaper-quarter-page")
    first = render_format(open_master(path, max_pixels=MAX), fmt).data
    again = render_format(open_master(path, max_pixels=MAX), fmt).data
    assert first == again
    assert first.startswith(b"%PDF-1.6") and first.rstrip().endswith(b"%%EOF")
    assert (
        pypdf.PdfReader(io.BytesIO(first))
        .trailer["/Root"]["/OutputIntents"][0]["/DestOutputProfile"]
        .get_object()["/N"]
        == 4
    )


@pytest.mark.parametrize("file_format", ["TIFF", "JPEG"])
def test_print_as_tiff_or_jpeg_is_cmyk_with_profile_and_dpi(
    tmp_path: Path, file_format: str
) -> None:
    from assets.render.colour import profile_bytes

    path = images.master_jpeg(tmp_path / "m.jpg", (1600, 1200), dot=(0.5, 0.5))
    fmt = (
        load_registry()
        .get("newspaper-quarter-page")
        .model_copy(update={"file_format": file_format})
    )
    out = render_format(open_master(path, max_pixels=MAX), fmt)
    assert out.extension == {"TIFF": "tif", "JPEG": "jpg"}[file_format]
    with Image.open(io.BytesIO(out.data)) as im:
        assert im.format == file_format and im.mode == "CMYK" and im.size == fmt.size
        assert im.info["icc_profile"] == profile_bytes(fmt.icc_profile or "")
        assert round(float(im.info["dpi"][0])) == round(fmt.dpi or 0)
        profile = ImageCms.ImageCmsProfile(io.BytesIO(im.info["icc_profile"]))
        assert profile.profile.xcolor_space.strip() == "CMYK"


def test_libvips_reads_the_master_in_place(tmp_path: Path) -> None:
    """The print path borrows Pillow's pixels: a change to them shows through, no copy made."""
    from assets.render import vips

    master = open_master(images.master_jpeg(tmp_path / "m.jpg", (640, 480)), max_pixels=MAX)
    shared = vips.view(master.image)
    master.image.putpixel((10, 20), (1, 2, 3))
    assert shared.getpoint(10, 20) == [1, 2, 3]
    del master
    assert shared.getpoint(10, 20) == [1, 2, 3]  # the view keeps the memory alive


@pytest.mark.parametrize(
    "profile", ["campaign-fogra39l-coated", "campaign-fogra29l-uncoated-tac240"]
)
def test_print_conversion_matches_imagecms(profile: str) -> None:
    """libvips converts print colour with the transform ImageCms would build: same numbers."""
    import pyvips

    from assets.render import colour, vips

    ramp = Image.linear_gradient("L").resize((256, 256))
    chart = Image.merge("RGB", [ramp, Image.effect_noise((256, 256), 120), ramp.rotate(90)])
    path = colour.profile_path(profile)
    expected = ImageCms.applyTransform(
        chart,
        ImageCms.buildTransform(
            ImageCms.ImageCmsProfile(io.BytesIO(colour.srgb_bytes())),
            ImageCms.ImageCmsProfile(str(path)),
            "RGB",
            "CMYK",
            renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC,
            flags=ImageCms.Flags.BLACKPOINTCOMPENSATION,
        ),
    )
    source = vips.view(chart).copy()
    source.set_type(pyvips.GValue.blob_type, "icc-profile-data", colour.srgb_bytes())
    got = vips.convert(source, path)
    assert got.bands == 4 and got.interpretation == "cmyk"
    pairs = zip(expected.tobytes(), bytes(got.write_to_memory()), strict=True)
    assert max(abs(a - b) for a, b in pairs) <= 1


def test_an_image_pillow_cannot_lend_is_copied_for_libvips() -> None:
    from assets.render import vips

    Image.core.set_use_block_allocator(0)  # 16 MB blocks: rows are not contiguous
    try:
        blocks = Image.new("CMYK", (3000, 2000), (10, 20, 30, 40))
    finally:
        Image.core.set_use_block_allocator(1)
    copied = vips.view(blocks)
    blocks.putpixel((5, 5), (0, 0, 0, 0))
    assert copied.bands == 4 and copied.interpretation == "cmyk"
    assert copied.getpoint(5, 5) == [10, 20, 30, 40]


def test_a_rendition_file_goes_with_its_object(tmp_path: Path) -> None:
    import gc

    path = images.master_jpeg(tmp_path / "m.jpg", (800, 600))
    out = render_format(open_master(path, max_pixels=MAX), SQUARE_PNG)
    spooled = out.path
    assert spooled.exists() and out.nbytes == len(out.data) > 0
    del out
    gc.collect()
    assert not spooled.exists()


def test_a_print_pdf_preview_is_its_jpeg_decoded_small_and_looks_as_pdfium_draws_it(
    tmp_path: Path,
) -> None:
    """Previews of print PDFs skip PDFium's per-pixel drawing (45 s for a 6-sheet)."""
    from PIL import ImageChops, ImageStat

    from assets.render.pdfium import document
    from assets.render.sheet import _pdf_first_page, thumbnail_of

    path = images.master_jpeg(tmp_path / "m.jpg", (1600, 1200), dot=(0.5, 0.5))
    fmt = load_registry().get("newspaper-half-page")
    data = render_format(open_master(path, max_pixels=MAX), fmt).data
    jpeg, drawn = _pdf_first_page(data)
    assert drawn is None and jpeg[:2] == b"\xff\xd8"
    fast = thumbnail_of(data)
    with document(data) as pdf:
        page = pdf[0]
        slow = page.render(scale=fast.width / page.get_width()).to_pil().convert("RGB")
    diff = ImageStat.Stat(ImageChops.difference(fast, slow.resize(fast.size))).mean
    assert max(diff) < 8, diff
    assert _close(fast.getpixel((fast.width // 2, fast.height // 2)), images.RED, tol=60)


def test_a_print_tiff_preview_is_small_srgb_in_its_colours(tmp_path: Path) -> None:
    from assets.render.sheet import THUMB_BOX, thumbnail_of

    path = images.master_jpeg(tmp_path / "m.jpg", (1600, 1200), dot=(0.5, 0.5))
    fmt = load_registry().get("newspaper-half-page").model_copy(update={"file_format": "TIFF"})
    picture = thumbnail_of(render_format(open_master(path, max_pixels=MAX), fmt).data)
    assert picture.mode == "RGB"
    assert picture.width <= THUMB_BOX[0] and picture.height <= THUMB_BOX[1]
    assert max(picture.size) >= min(THUMB_BOX) * 0.9
    assert _close(picture.getpixel((picture.width // 2, picture.height // 2)), images.RED, tol=60)
