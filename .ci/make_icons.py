"""Draw PerfDesk's icon set into resources/icons (run again after changing the design):

    python .ci/make_icons.py

A red seal-like square with 绩 in white (WenQuanYi Micro Hei, shipped in resources/fonts), as PNGs
of the freedesktop sizes, a multi-size .ico for Windows and the 256 px PNG for PyInstaller."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parents[1]
ICONS = ROOT / "resources" / "icons"
FONT = ROOT / "resources" / "fonts" / "wqy-microhei.ttc"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def draw(size: int) -> Image.Image:
    scale = 4  # drawn large, then reduced: smooth edges at every size
    big = size * scale
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    margin = big // 16
    pen.rounded_rectangle((margin, margin, big - margin, big - margin), radius=big // 6, fill=(183, 28, 28, 255))
    inner = big // 8
    pen.rounded_rectangle((inner, inner, big - inner, big - inner), radius=big // 10,
                          outline=(255, 235, 238, 255), width=max(scale, big // 40))
    font = ImageFont.truetype(str(FONT), int(big * 0.56))
    pen.text((big / 2, big / 2), "绩", font=font, fill=(255, 255, 255, 255), anchor="mm")
    return image.resize((size, size), Image.LANCZOS)


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    images = {size: draw(size) for size in SIZES}
    for size, image in images.items():
        image.save(ICONS / f"perfdesk-{size}.png", optimize=True)
    images[256].save(ICONS / "perfdesk.ico", sizes=[(s, s) for s in SIZES if s <= 256])


if __name__ == "__main__":
    main()
