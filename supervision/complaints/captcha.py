"""A CAPTCHA that needs no outside service: a small sum drawn as a distorted
image with Pillow. The answer stays in the (server-side) session, expires,
and is used up by the first check, right or wrong."""

from __future__ import annotations

import io
import secrets
import time

from django.conf import settings
from django.http import HttpRequest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SESSION_KEY = "complaint_captcha"


def new_challenge(request: HttpRequest) -> None:
    a = secrets.randbelow(9) + 1
    b = secrets.randbelow(9) + 1
    if secrets.randbelow(2) and a >= b:
        question, answer = f"{a} - {b} = ?", a - b
    else:
        question, answer = f"{a} + {b} = ?", a + b
    request.session[SESSION_KEY] = {
        "question": question,
        "answer": str(answer),
        "expires": time.time() + settings.COMPLAINT_CAPTCHA_TTL_SECONDS,
    }


def _current(request: HttpRequest) -> dict[str, object] | None:
    challenge = request.session.get(SESSION_KEY)
    if not isinstance(challenge, dict) or float(challenge.get("expires", 0)) < time.time():
        return None
    return challenge


def check(request: HttpRequest, answer: str) -> bool:
    """True when ``answer`` solves the current challenge. Either way the
    challenge is used up."""
    challenge = request.session.pop(SESSION_KEY, None)
    if not isinstance(challenge, dict) or float(challenge.get("expires", 0)) < time.time():
        return False
    return secrets.compare_digest(str(challenge.get("answer", "")), (answer or "").strip())


def render_png(request: HttpRequest) -> bytes:
    """The image of the current challenge (a new one if there is none)."""
    challenge = _current(request)
    if challenge is None:
        new_challenge(request)
        challenge = _current(request)
    assert challenge is not None  # noqa: S101 - just created
    text = str(challenge["question"])
    width, height = 230, 64
    image = Image.new("RGB", (width, height), (246, 248, 250))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        draw.line(
            [
                (secrets.randbelow(width), secrets.randbelow(height)),
                (secrets.randbelow(width), secrets.randbelow(height)),
            ],
            fill=(150 + secrets.randbelow(80), 150 + secrets.randbelow(80), 150 + secrets.randbelow(80)),
            width=2,
        )
    font = ImageFont.load_default(size=34)
    x = 10
    for char in text:
        glyph = Image.new("RGBA", (36, 50), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text(
            (4, 2), char, font=font, fill=(20 + secrets.randbelow(60), 40, 90 + secrets.randbelow(80))
        )
        glyph = glyph.rotate(secrets.randbelow(31) - 15, resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (x, 4 + secrets.randbelow(10)), glyph)
        x += 18 if char == " " else 24
    for _ in range(120):
        draw.point((secrets.randbelow(width), secrets.randbelow(height)), fill=(120, 120, 120))
    image = image.filter(ImageFilter.SMOOTH)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()
