"""A histogram drawn as a small PNG with numpy and zlib only (no plotting library), for the
visualization of one-dimensional numeric arrays."""

from __future__ import annotations

import struct
import zlib
from typing import Any

WIDTH, HEIGHT, MARGIN, BINS = 480, 300, 12, 30
_BAR = (70, 110, 200)
_AXIS = (60, 60, 60)


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def encode_png(pixels: Any) -> bytes:
    """PNG bytes of an (height, width, 3) uint8 array."""
    import numpy as np

    height, width, _ = pixels.shape
    rows = np.concatenate(
        [
            np.zeros((height, 1), dtype=np.uint8),  # filter type 0 per row
            pixels.reshape(height, width * 3),
        ],
        axis=1,
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 6))
        + _chunk(b"IEND", b"")
    )


def histogram_png(values: Any) -> bytes | None:
    """A bar histogram of the finite values of a 1-D numeric array; None when there are none."""
    import numpy as np

    data = np.asarray(values, dtype=float).ravel()
    data = data[np.isfinite(data)]
    if data.size == 0:
        return None
    counts, _ = np.histogram(data, bins=BINS)
    image = np.full((HEIGHT, WIDTH, 3), 255, dtype=np.uint8)
    plot_w, plot_h = WIDTH - 2 * MARGIN, HEIGHT - 2 * MARGIN
    bar_w = plot_w / BINS
    top = counts.max() or 1
    for i, count in enumerate(counts):
        bar_h = int(round(plot_h * count / top))
        if bar_h == 0:
            continue
        x0 = MARGIN + int(i * bar_w) + 1
        x1 = max(x0 + 1, MARGIN + int((i + 1) * bar_w) - 1)
        image[HEIGHT - MARGIN - bar_h : HEIGHT - MARGIN, x0:x1] = _BAR
    image[HEIGHT - MARGIN, MARGIN : WIDTH - MARGIN] = _AXIS  # x axis
    image[MARGIN : HEIGHT - MARGIN + 1, MARGIN] = _AXIS  # y axis
    return encode_png(image)
