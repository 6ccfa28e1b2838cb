"""A blue handwritten-like signature and a red round seal, as transparent PNGs (drawn with Pillow)."""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

BLUE = (20, 40, 200, 255)
RED = (220, 20, 30, 255)


def signature_png(path: Path) -> Path:
    img = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    points = [(40 + x, 120 + 60 * math.sin(x / 35) * math.exp(-x / 500)) for x in range(0, 520, 4)]
    draw.line(points, fill=BLUE, width=9, joint="curve")
    draw.line([(60, 190), (540, 150)], fill=BLUE, width=6)
    img.save(path, dpi=(300, 300))
    return path


def seal_png(path: Path, diameter_mm: float = 36.0, dpi: int = 300) -> Path:
    size = round(diameter_mm / 25.4 * dpi)
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    draw.ellipse((4, 4, size - 5, size - 5), outline=RED, width=14)
    draw.ellipse((40, 40, size - 41, size - 41), outline=RED, width=5)
    c = size / 2
    star = [(c + r * math.cos(math.pi / 2 + k * math.pi / 5), c - r * math.sin(math.pi / 2 + k * math.pi / 5))
            for k, r in zip(range(10), [90, 36] * 5)]
    draw.polygon(star, fill=RED)
    img.save(path, dpi=(dpi, dpi))
    return path
