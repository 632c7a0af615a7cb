"""The handout: its QR code (the PNG written beside the page, and the one drawn in a terminal) decodes to
exactly the link; the page holds the link, badge, fallback links and the rules, with nothing unescaped.

The PNG is read back here without Pillow: zlib, PNG's five row filters, and grey or palette pixels."""

from __future__ import annotations

import struct
import zlib

import pytest
import zxingcpp

from wizard.core.launch.links import OpenTarget
from wizard.core.launch.workshop.handout import (Handout, html_page, markdown, qr_file_name, qr_matrix, qr_png,
                                                 qr_rows)
from wizard.core.launch.workshop.links import content_repo, env_target, nbgitpuller_url

LINK = nbgitpuller_url("https://mybinder.org/", env_target("teach-org/lesson-env"),
                       content_repo("https://github.com/teach-org/lesson", "main"),
                       OpenTarget("file", "notebooks/01 Intro (day 1).ipynb"))


def png_pixels(data: bytes) -> tuple[int, int, bytearray]:
    """(width, height, one grey byte per pixel) of a non-interlaced grey or palette PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, palette = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", body)
            assert colour in (0, 3) and interlace == 0
        elif kind == b"PLTE":
            palette = [body[i] for i in range(0, len(body), 3)]  # red channel: black or white
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = (width * depth + 7) // 8
    rows, previous, at = [], bytearray(stride), 0
    for _ in range(height):
        kind, line = raw[at], bytearray(raw[at + 1:at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - 1] if i else 0
            up, corner = previous[i], previous[i - 1] if i else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                guess = left + up - corner
                best = min((abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner))
                line[i] = (line[i] + best[2]) & 255
        rows.append(line)
        previous = line
    pixels = bytearray()
    for line in rows:
        for x in range(width):
            bit = x * depth
            value = (line[bit // 8] >> (8 - depth - bit % 8)) & ((1 << depth) - 1)
            grey = palette[value] if palette is not None else value * 255 // ((1 << depth) - 1)
            pixels.append(grey)
    return width, height, pixels


def decode_png(data: bytes) -> str:
    width, height, pixels = png_pixels(data)
    found = zxingcpp.read_barcode(memoryview(bytes(pixels)).cast("B", (height, width)),
                                  formats=zxingcpp.BarcodeFormat.QRCode)
    assert found is not None, "no QR code found"
    return found.text


def decode_rows(rows: list[str], scale: int = 6) -> str:
    """Rasterise terminal rows (█ ▀ ▄ and spaces; dark modules) back to pixels and decode them."""
    modules = []
    for row in rows:
        modules.append([ch in "█▀" for ch in row])
        modules.append([ch in "█▄" for ch in row])
    pixels = bytearray()
    for line in modules:
        expanded = bytearray(0 if dark else 255 for dark in line for _ in range(scale))
        pixels += expanded * scale
    width, height = len(modules[0]) * scale, len(modules) * scale
    found = zxingcpp.read_barcode(memoryview(bytes(pixels)).cast("B", (height, width)),
                                  formats=zxingcpp.BarcodeFormat.QRCode)
    assert found is not None, "no QR code found"
    return found.text


def test_the_qr_png_decodes_to_exactly_the_link():
    assert decode_png(qr_png(LINK)) == LINK


def test_the_terminal_qr_decodes_to_exactly_the_link():
    rows = qr_rows(LINK)
    assert decode_rows(rows) == LINK
    matrix = qr_matrix(LINK)
    assert len(rows) == (len(matrix) + 1) // 2 and {len(r) for r in rows} == {len(matrix[0])}
    assert set("".join(rows)) <= set("█▀▄ ")


def test_the_markdown_page():
    page = Handout("Workshop: my_lesson", LINK, "https://mybinder.org/", "https://mybinder.org/badge_logo.svg",
                   [("gesis", LINK.replace("mybinder.org", "gesis.mybinder.org"))], "handout-qr.png")
    text = markdown(page)
    assert text.startswith("# Workshop: my\\_lesson\n\n**Start here:** <" + LINK + ">\n")
    assert f"[![Binder](https://mybinder.org/badge_logo.svg)]({LINK})" in text
    assert "![QR code of the link](handout-qr.png)" in text
    assert f"* gesis: <{LINK.replace('mybinder.org', 'gesis.mybinder.org')}>" in text
    assert "about 10 minutes without activity" in text and "2 GB of memory" in text and "download your work" in text


def test_the_html_page_escapes_everything():
    page = Handout('<script>alert("x")</script>', LINK + "&x=<b>", "https://hub.example.org/", "https://h/b.svg",
                   [("<i>m</i>", "https://m.example.org/?a=1&b=2")], None)
    text = html_page(page)
    assert "<script>" not in text and "&lt;script&gt;" in text and "<i>m</i>" not in text
    assert 'href="https://m.example.org/?a=1&amp;b=2"' in text and "&amp;x=&lt;b&gt;" in text
    assert "mybinder.org: 10 minutes" in text  # another hub: its own limits are not known


@pytest.mark.parametrize("page, qr", [("handout.md", "handout-qr.png"), ("slides.html", "slides-qr.png"),
                                      ("notes", "notes-qr.png"), (".hidden", ".hidden-qr.png")])
def test_the_qr_file_is_named_after_the_page(page, qr):
    assert qr_file_name(page) == qr
