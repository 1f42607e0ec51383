"""The built-in channel formats, each with the source of its figures.

"Unconfirmed" means no media owner's own page was found for the figure; a
user overrides it in the formats file (see README, "Channel formats").
"""

from __future__ import annotations

from assets.formats import ChannelFormat, Colour, Fit, Group

COATED = "campaign-fogra39l-coated"
NEWSPRINT = "campaign-fogra29l-uncoated-tac240"

BUILTIN: list[ChannelFormat] = [
    # --- Billboards (supplied at 10% scale) ---
    ChannelFormat(
        id="billboard-96-sheet",
        name="96-sheet billboard",
        group=Group.BILLBOARD,
        trim_mm=(12192, 3048),
        scale=0.1,
        dpi=300,
        safe_mm=(11392, 2748),
        colour=Colour.CMYK,
        icc_profile=COATED,
        file_format="PDF",
        lead_days=14,
        min_effective_dpi=150,
        source="Clear Channel UK 96-sheet specification: 10% scale 1219.2 x 304.8 mm, safe "
        "1139.2 x 274.8 mm, 300 dpi minimum at that scale, background bled to all edges "
        "(confirmed)",
    ),
    ChannelFormat(
        id="billboard-48-sheet",
        name="48-sheet billboard",
        group=Group.BILLBOARD,
        trim_mm=(6096, 3048),
        scale=0.1,
        dpi=300,
        safe_margins_mm=(0, 0, 150, 100),
        colour=Colour.CMYK,
        icc_profile=COATED,
        file_format="PDF",
        lead_days=14,
        min_effective_dpi=150,
        source="6096 x 3048 mm widely cited; 10% supply scale by analogy with the 96-sheet "
        "(unconfirmed); key content 150 mm from the right and 100 mm from the bottom "
        "(one media owner's advice for wet-posted paper)",
    ),
    # --- Bus stops ---
    ChannelFormat(
        id="bus-stop-6-sheet",
        name="6-sheet (bus stop)",
        group=Group.BUS_STOP,
        trim_mm=(1200, 1800),
        scale=1.0,
        dpi=150,
        bleed_mm=3,
        safe_mm=(1160, 1710),
        colour=Colour.CMYK,
        icc_profile=COATED,
        file_format="PDF",
        lead_days=14,
        min_effective_dpi=75,
        source="1200 x 1800 mm widely cited; ~150 dpi at 100% and 3 mm bleed (a Clear Channel "
        "Europe spec); safe area 1160 x 1710 mm is the most cautious of the published "
        "figures (JCDecaux 1185 x 1750 visible): override per media owner",
    ),
    ChannelFormat(
        id="bus-stop-digital-6-sheet",
        name="Digital 6-sheet (e.g. Adshel Live)",
        group=Group.BUS_STOP,
        size_px=(1080, 1920),
        colour=Colour.RGB,
        file_format="JPEG",
        max_bytes=1_000_000,
        lead_days=14,
        source="Clear Channel UK programmatic spec: 1080 x 1920 px RGB JPEG, at most 1 MB "
        "(confirmed); ~10 working days lead time (practice)",
    ),
    # --- Buses ---
    ChannelFormat(
        id="bus-side",
        name="Bus side (single deck)",
        group=Group.BUS,
        trim_mm=(2134, 508),
        scale=1.0,
        dpi=100,
        bleed_mm=10,
        safe_mm=(2034, 448),
        colour=Colour.CMYK,
        icc_profile=COATED,
        file_format="PDF",
        lead_days=14,
        min_effective_dpi=50,
        source="2134 x 508 mm in two 1067 mm sections (confirmed, one media owner); 100 dpi "
        "at 100% and 10 mm bleed are unconfirmed; keep key content off the section join",
    ),
    ChannelFormat(
        id="bus-rear",
        name="Bus rear (framed standard)",
        group=Group.BUS,
        trim_mm=(1217, 455),
        scale=1.0,
        dpi=150,
        bleed_mm=5,
        safe_mm=(1157, 415),
        colour=Colour.CMYK,
        icc_profile=COATED,
        file_format="PDF",
        lead_days=14,
        min_effective_dpi=75,
        source="trimmed 1217 x 455 mm (confirmed, one media owner); dpi, bleed and safe area "
        "unconfirmed",
    ),
    # --- Regional press (page fractions of a tabloid type area; override per title) ---
    ChannelFormat(
        id="newspaper-full-page",
        name="Newspaper full page (tabloid)",
        group=Group.NEWSPAPER,
        trim_mm=(262, 380),
        scale=1.0,
        dpi=200,
        colour=Colour.CMYK,
        icc_profile=NEWSPRINT,
        file_format="PDF",
        lead_days=3,
        min_effective_dpi=150,
        source="regional press (Archant): PDF/X-1a, CMYK, 200 dpi images, 240% total ink; "
        "262 x 380 mm type area unconfirmed: set each title's own page size",
    ),
    ChannelFormat(
        id="newspaper-half-page",
        name="Newspaper half page (horizontal)",
        group=Group.NEWSPAPER,
        trim_mm=(262, 186),
        scale=1.0,
        dpi=200,
        colour=Colour.CMYK,
        icc_profile=NEWSPRINT,
        file_format="PDF",
        lead_days=3,
        min_effective_dpi=150,
        source="half of the 262 x 380 mm type area less a gutter (unconfirmed: per title)",
    ),
    ChannelFormat(
        id="newspaper-quarter-page",
        name="Newspaper quarter page",
        group=Group.NEWSPAPER,
        trim_mm=(129, 186),
        scale=1.0,
        dpi=200,
        colour=Colour.CMYK,
        icc_profile=NEWSPRINT,
        file_format="PDF",
        lead_days=3,
        min_effective_dpi=150,
        source="quarter of the 262 x 380 mm type area less gutters (unconfirmed: per title)",
    ),
    # --- Social ---
    ChannelFormat(
        id="x-landscape",
        name="X in-stream image (16:9)",
        group=Group.SOCIAL,
        size_px=(1600, 900),
        file_format="JPEG",
        max_bytes=5 * 1024 * 1024,
        source="X developer docs: JPEG/PNG/GIF/WEBP up to 5 MB (confirmed); 1600 x 900 is "
        "the commonly recommended 16:9 size (unofficial)",
    ),
    ChannelFormat(
        id="instagram-square",
        name="Instagram square",
        group=Group.SOCIAL,
        size_px=(1080, 1080),
        file_format="JPEG",
        max_bytes=8 * 1024 * 1024,
        source="1080 x 1080 from aggregators of Instagram's guidance (unconfirmed)",
    ),
    ChannelFormat(
        id="instagram-portrait",
        name="Instagram portrait (4:5)",
        group=Group.SOCIAL,
        size_px=(1080, 1350),
        file_format="JPEG",
        max_bytes=8 * 1024 * 1024,
        source="1080 x 1350 (4:5, the tallest feed ratio) from aggregators (unconfirmed)",
    ),
    ChannelFormat(
        id="instagram-story",
        name="Instagram story",
        group=Group.SOCIAL,
        size_px=(1080, 1920),
        safe_px=(1080, 1420),
        file_format="JPEG",
        max_bytes=8 * 1024 * 1024,
        source="1080 x 1920 from aggregators (unconfirmed); 250 px top and bottom kept clear "
        "of the app's overlays",
    ),
    ChannelFormat(
        id="facebook-feed",
        name="Facebook feed",
        group=Group.SOCIAL,
        size_px=(1080, 1080),
        file_format="JPEG",
        max_bytes=30 * 1024 * 1024,
        source="feed 1080 x 1080, 30 MB, via third-party summaries of Meta's guides (unconfirmed)",
    ),
    ChannelFormat(
        id="facebook-link",
        name="Facebook link share",
        group=Group.SOCIAL,
        size_px=(1200, 630),
        file_format="JPEG",
        max_bytes=8 * 1024 * 1024,
        source="link share 1200 x 630, 8 MB, via third-party summaries (unconfirmed)",
    ),
    ChannelFormat(
        id="linkedin-landscape",
        name="LinkedIn landscape (1.91:1)",
        group=Group.SOCIAL,
        size_px=(1200, 628),
        file_format="JPEG",
        max_bytes=5 * 1024 * 1024,
        source="LinkedIn help: 1200 x 628, 5 MB, JPG/PNG/GIF (confirmed)",
    ),
    ChannelFormat(
        id="linkedin-portrait",
        name="LinkedIn portrait (4:5)",
        group=Group.SOCIAL,
        size_px=(720, 900),
        file_format="JPEG",
        max_bytes=5 * 1024 * 1024,
        fit=Fit.COVER,
        source="LinkedIn help: 720 x 900 (4:5), 5 MB (confirmed)",
    ),
]
