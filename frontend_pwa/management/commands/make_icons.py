"""Generate the field app's icons from one source image (drawn here, or given with --source)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand
from PIL import Image, ImageDraw

ICON_DIR = Path(__file__).resolve().parents[2] / "static" / "frontend_pwa" / "icons"
BACKGROUND = (17, 24, 39, 255)  # the manifest's theme colour
MOON = (255, 214, 102, 255)
PATH = (138, 180, 248, 255)
MASTER = 1024


def draw_source(size: int = MASTER) -> Image.Image:
    """The master artwork: a crescent moon over a winding route, on the night background.

    Everything that matters sits in the central 80 % circle, the safe zone of maskable icons.
    """
    image = Image.new("RGBA", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image)
    s = size / 100
    # Crescent: a disc with an offset disc of background colour cut out of it.
    draw.ellipse((30 * s, 20 * s, 70 * s, 60 * s), fill=MOON)
    draw.ellipse((40 * s, 14 * s, 80 * s, 54 * s), fill=BACKGROUND)
    # Route: three stops joined by a path.
    stops = [(28 * s, 78 * s), (50 * s, 66 * s), (72 * s, 76 * s)]
    draw.line(stops, fill=PATH, width=round(4 * s), joint="curve")
    for x, y in stops:
        r = 5 * s
        draw.ellipse((x - r, y - r, x + r, y + r), fill=PATH)
    return image


def rounded(image: Image.Image, radius_ratio: float = 0.2) -> Image.Image:
    """The artwork with transparent rounded corners (for the 'any' purpose icons)."""
    size = image.size[0]
    mask = Image.new("L", image.size, 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (0, 0, size - 1, size - 1), radius=round(size * radius_ratio), fill=255
    )
    out = Image.new("RGBA", image.size, (0, 0, 0, 0))
    out.paste(image, (0, 0), mask)
    return out


class Command(BaseCommand):
    help = "Write icon-192.png, icon-512.png and icon-maskable-512.png from one source image."

    def add_arguments(self, parser):
        parser.add_argument("--source", type=Path, help="A square PNG to use instead of the drawing.")
        parser.add_argument("--out", type=Path, default=ICON_DIR, help="Output folder.")

    def handle(self, *args, source: Path | None = None, out: Path = ICON_DIR, **options):
        master = (
            Image.open(source).convert("RGBA").resize((MASTER, MASTER), Image.LANCZOS)
            if source
            else draw_source()
        )
        out.mkdir(parents=True, exist_ok=True)
        written = {
            "icon-192.png": rounded(master).resize((192, 192), Image.LANCZOS),
            "icon-512.png": rounded(master).resize((512, 512), Image.LANCZOS),
            # Maskable: full-bleed background, the platform applies its own shape.
            "icon-maskable-512.png": master.resize((512, 512), Image.LANCZOS),
        }
        for name, image in written.items():
            image.save(out / name, format="PNG", optimize=True)
            self.stdout.write(f"Wrote {out / name}")
