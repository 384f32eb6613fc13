"""Draw the field app's icons (``python -m carteira.field.icons``): a filled square the
launcher may round or crop (the 'maskable' safe zone is the centre 80 %), with a "C".
The PNGs are committed under field/static/field/icons/."""

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

BLUE = (31, 78, 121)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
HERE = Path(__file__).resolve().parent / "static" / "field" / "icons"


def draw(size: int) -> Image.Image:
    image = Image.new("RGB", (size, size), BLUE)
    pen = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, int(size * 0.5))
    pen.text((size / 2, size / 2), "C", font=font, fill="white", anchor="mm")
    mark = size * 0.06  # a pin under the letter: the field
    pen.ellipse((size * 0.62, size * 0.62, size * 0.62 + 2 * mark, size * 0.62 + 2 * mark),
                fill=(255, 196, 0))  # fmt: skip
    return image


if __name__ == "__main__":
    HERE.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size).save(HERE / f"icon-{size}.png", optimize=True)
