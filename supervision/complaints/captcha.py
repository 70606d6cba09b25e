"""A CAPTCHA that needs no outside service: five characters drawn as a
distorted image with Pillow (23^5, about 6.4 million answers). The answer
stays in the (server-side) session, expires, and is used up by the first
check, right or wrong; a right answer is accepted once even if the same
session is replayed at the same moment (its nonce is counted atomically).
Wrong answers are counted per address and per session: past either limit
no answer is accepted for a while."""

from __future__ import annotations

import datetime
import io
import secrets
import time

from django.conf import settings
from django.http import HttpRequest
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from jianfu.client_ip import client_ip
from jianfu.counters import counter_hit, counter_value

from . import ratelimit

SESSION_KEY = "complaint_captcha"
SESSION_FAILURES = "complaint_captcha_failures"
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6: each character reads one way on a phone.
ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
LENGTH = 5
USED_SCOPE = "captcha_used"
FAILURE_WINDOW = datetime.timedelta(hours=1)


def new_challenge(request: HttpRequest) -> None:
    answer = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
    request.session[SESSION_KEY] = {
        "question": " ".join(answer),
        "answer": answer,
        "nonce": secrets.token_hex(16),
        "expires": time.time() + settings.COMPLAINT_CAPTCHA_TTL_SECONDS,
    }


def _session_failures(request: HttpRequest) -> int:
    record = request.session.get(SESSION_FAILURES)
    if not isinstance(record, dict) or float(record.get("since", 0)) < time.time() - FAILURE_WINDOW.total_seconds():
        return 0
    return int(record.get("count", 0))


def _count_failure(request: HttpRequest) -> None:
    record = request.session.get(SESSION_FAILURES)
    if not isinstance(record, dict) or not _session_failures(request):
        record = {"count": 0, "since": time.time()}
    request.session[SESSION_FAILURES] = {**record, "count": int(record["count"]) + 1}
    ratelimit.take_place(
        ratelimit.CAPTCHA_FAILURE_BY_IP,
        client_ip(request),
        limit=settings.COMPLAINT_CAPTCHA_FAILURES_PER_IP_HOUR,
        window=FAILURE_WINDOW,
    )


def too_many_failures(request: HttpRequest) -> bool:
    """Whether this session or address has given too many wrong answers."""
    if _session_failures(request) >= settings.COMPLAINT_CAPTCHA_FAILURES_PER_SESSION:
        return True
    ip = client_ip(request)
    return bool(ip) and (
        counter_value(scope=ratelimit.CAPTCHA_FAILURE_BY_IP, value=ip or "", window=FAILURE_WINDOW)
        >= settings.COMPLAINT_CAPTCHA_FAILURES_PER_IP_HOUR
    )


def _current(request: HttpRequest) -> dict[str, object] | None:
    challenge = request.session.get(SESSION_KEY)
    if not isinstance(challenge, dict) or float(challenge.get("expires", 0)) < time.time():
        return None
    return challenge


def check(request: HttpRequest, answer: str) -> bool:
    """True when ``answer`` solves the current challenge. Either way the
    challenge is used up; a wrong answer counts against the session and the
    address, and past their limits nothing is accepted."""
    challenge = request.session.pop(SESSION_KEY, None)
    if too_many_failures(request):
        return False
    if not isinstance(challenge, dict) or float(challenge.get("expires", 0)) < time.time():
        return False
    given = "".join((answer or "").split()).upper()
    if not secrets.compare_digest(str(challenge.get("answer", "")).encode(), given.encode()):
        _count_failure(request)
        return False
    # The session row is read before it is written: two requests sent with
    # the same cookie at once would both find the challenge. Only the first
    # to count its nonce is accepted.
    ttl = datetime.timedelta(seconds=settings.COMPLAINT_CAPTCHA_TTL_SECONDS + 60)
    return counter_hit(scope=USED_SCOPE, value=str(challenge.get("nonce", "")), window=ttl) == 1


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
