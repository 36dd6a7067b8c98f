#!/usr/bin/env python3
"""Draws the seller admin's home-screen icons (frontend/pwa/*.png) with the standard library only.

A parcel (the returns the desk handles) in white on the admin's brand colour (`--brand` in
frontend/admin.css). `icon-*.png` have rounded corners for launchers that show the picture as it
is; `maskable-512.png` fills the square and keeps the parcel inside the central 60 % that every
mask shape leaves visible. Rerun after changing the drawing: `python3 scripts/admin-icons.py`.
"""
import struct
import zlib
from pathlib import Path

BRAND = (0xC2, 0x41, 0x0C)
WHITE = (0xFF, 0xFF, 0xFF)
OUT = Path(__file__).resolve().parent.parent / "frontend" / "pwa"


def png(size, pixel):
    """A size×size RGBA PNG whose pixel (x, y) in 0..1 coordinates is pixel(u, v)."""
    rows = bytearray()
    for y in range(size):
        rows.append(0)  # filter: none
        for x in range(size):
            rows.extend(pixel((x + 0.5) / size, (y + 0.5) / size))

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(bytes(rows), 9)) + chunk(b"IEND", b""))


def parcel(u, v, inset):
    """Whether (u, v) is on the parcel's white strokes, drawn inside [inset, 1 - inset]."""
    s = 1 - 2 * inset
    x, y = (u - inset) / s, (v - inset) / s  # 0..1 inside the parcel's square
    if not (0 <= x <= 1 and 0 <= y <= 1):
        return False
    w = 0.09
    box = 0.1 <= x <= 0.9 and 0.22 <= y <= 0.9
    inner = 0.1 + w <= x <= 0.9 - w and 0.22 + w <= y <= 0.9 - w
    band = 0.42 <= x <= 0.58 and 0.22 <= y <= 0.55  # the tape across the lid
    lid = 0.1 <= x <= 0.9 and 0.22 + w <= y <= 0.22 + 2 * w
    return (box and not inner) or band or lid


def icon(size, maskable):
    radius = 0 if maskable else 0.18
    inset = 0.2 if maskable else 0.14

    def pixel(u, v):
        # Rounded corners: outside the quarter circles is transparent.
        cx = min(max(u, radius), 1 - radius)
        cy = min(max(v, radius), 1 - radius)
        if radius and (u - cx) ** 2 + (v - cy) ** 2 > radius ** 2:
            return (0, 0, 0, 0)
        return (*(WHITE if parcel(u, v, inset) else BRAND), 255)

    return png(size, pixel)


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, size, maskable in [("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("maskable-512.png", 512, True), ("apple-touch-icon.png", 180, True)]:
        (OUT / name).write_bytes(icon(size, maskable))
        print(OUT / name)
