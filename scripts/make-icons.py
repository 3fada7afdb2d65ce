#!/usr/bin/env python3
"""Draws the app icons (a white map pin on the Repère blue) as PNG files, with no dependency.

Run from the repository root: python3 scripts/make-icons.py. The output is deterministic, so
the committed icons can be checked by running it again. "maskable" icons keep the pin inside
the central safe zone (a circle of 40 % radius) that launchers never crop.
"""
import math
import struct
import zlib

BLUE = (0x1D, 0x4F, 0x91)
WHITE = (0xFF, 0xFF, 0xFF)
SUPERSAMPLE = 4


def in_pin(x, y, scale):
    """True if (x, y), in unit coordinates, falls on the white part of the pin."""
    cx, cy, r = 0.5, 0.5 - 0.12 * scale, 0.24 * scale
    tip_y = 0.5 + 0.34 * scale
    hole = 0.095 * scale
    d_center = math.hypot(x - cx, y - cy)
    if d_center <= hole:
        return False
    if d_center <= r:
        return True
    # The point of the pin: the triangle between the tip and the circle's tangent points.
    axis = tip_y - cy
    vx, vy = x - cx, tip_y - y
    along = vy
    # Beyond the tangent points the circle alone draws the pin.
    if along <= 0 or along > (axis * axis - r * r) / axis:
        return False
    half_angle = math.asin(r / axis)
    return abs(math.atan2(vx, vy)) <= half_angle


def png(size, scale):
    rows = []
    n = SUPERSAMPLE
    for py in range(size):
        row = bytearray([0])  # filter type: none
        for px in range(size):
            hits = sum(
                in_pin((px + (i + 0.5) / n) / size, (py + (j + 0.5) / n) / size, scale)
                for i in range(n)
                for j in range(n)
            )
            a = hits / (n * n)
            row += bytes(round(b * (1 - a) + w * a) for b, w in zip(BLUE, WHITE))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


if __name__ == "__main__":
    for size in (192, 512):
        for purpose, scale in (("any", 1.0), ("maskable", 0.72)):
            name = f"assets/icons/icon-{size}.png" if purpose == "any" else f"assets/icons/maskable-{size}.png"
            with open(name, "wb") as f:
                f.write(png(size, scale))
            print(name)
