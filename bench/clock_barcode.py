"""Reads the clock barcode that tests/tools/rtsp_camera.py --clock writes into the top of every picture: two
bands of 32 cells of 16x16 px, each band a start guard (1, 0), 28 payload bits and a stop guard (0, 1); the 56
bits are a 48-bit epoch in ms and an XOR check byte. Shared by the benchmarks that read pictures themselves
(bench/rtsp, bench/snapshot); the camera's own self-test keeps an independent reader on purpose.
"""

CELL, CELLS = 16, 32


def decode(cell_mean):
    """Epoch ms, or None when unreadable. cell_mean(band, cell) is the mean luma of that cell, sampled as the
    caller's picture allows (a few pixels of a raw plane, or a whole cell of a decoded JPEG)."""
    bits = []
    for band in range(2):
        cells = [1 if cell_mean(band, c) >= 128 else 0 for c in range(CELLS)]
        if cells[:2] != [1, 0] or cells[30:] != [0, 1]:
            return None
        bits += cells[2:30]
    value = int("".join(map(str, bits[:48])), 2)
    check = int("".join(map(str, bits[48:])), 2)
    x = 0
    for b in value.to_bytes(6, "big"):
        x ^= b
    return value if x == check else None
