"""A CAPTCHA that needs no outside service: five characters drawn as a
distorted image with Pillow (23^5, about 6.4 million answers).

Since issue 17 the challenge keeps no state on the server until it is
answered: the picture's own request draws it and sets a cookie holding a
signed, timestamped token (``django.core.signing``, salted) with a random
nonce and a keyed hash of the answer (HMAC with SECRET_KEY: the answer is
never in the cookie). So the form page itself writes nothing. The token
expires (COMPLAINT_CAPTCHA_TTL_SECONDS), and is used up by the first check,
right or wrong: the answer replaces the cookie with a spent one, and a right
answer is accepted once only, even if the same cookie is sent again or twice
at the same moment, since its nonce is counted atomically (INCRBY in Redis,
one upsert in the database while Redis is down). Wrong answers are counted
per address (on the server, in the same counters) and per browser (in the
token, carried over to the next picture): past either limit no answer is
accepted for a while. Neither count follows the request's transaction: a
check writes nothing to the database while Redis answers, and what it
counted stays counted whatever happens to the complaint after it."""

from __future__ import annotations

import datetime
import enum
import io
import secrets
import time

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from jianfu.client_ip import client_ip
from jianfu.counters import Count, counter_value, counters_hit

from . import ratelimit

COOKIE = "jf_captcha"
SALT = "jianfu.complaints.captcha"
# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, G/6: each character reads one way on a phone.
ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
LENGTH = 5
USED_SCOPE = "captcha_used"
FAILURE_WINDOW = datetime.timedelta(hours=1)
# The request attribute where a check leaves what the spent token the
# response must set carries (the browser's wrong answers and since when): the
# token itself is signed only if a response sets it (a filed complaint's
# redirect does not).
_PENDING = "_captcha_token"


class Outcome(enum.Enum):
    SOLVED = "solved"
    WRONG = "wrong"
    EXPIRED = "expired"
    MISSING = "missing"
    SPENT = "spent"
    TOO_MANY = "too_many"


def _digest(nonce: str, answer: str) -> str:
    return salted_hmac(SALT, f"{nonce}:{answer}", algorithm="sha256").hexdigest()


def _token(*, answer: str, failures: int, failures_since: float) -> str:
    """A fresh challenge for ``answer``; an empty answer makes a spent token
    that only carries the browser's wrong answers."""
    nonce = secrets.token_hex(16)
    payload = {"n": nonce, "h": _digest(nonce, answer) if answer else "", "f": failures, "s": int(failures_since)}
    return signing.dumps(payload, salt=SALT, compress=False)


def _read(request: HttpRequest, max_age: int) -> dict[str, object] | None:
    """The token's payload if its signature holds and it is younger than
    ``max_age``; raises SignatureExpired if it is older."""
    raw = request.COOKIES.get(COOKIE, "")
    if not raw:
        return None
    try:
        payload = signing.loads(raw, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise
    except signing.BadSignature:
        return None
    return payload if isinstance(payload, dict) else None


def _browser_failures(request: HttpRequest) -> tuple[int, float]:
    """Wrong answers this browser has given within the hour, and since when."""
    try:
        payload = _read(request, int(FAILURE_WINDOW.total_seconds()))
    except signing.SignatureExpired:
        payload = None
    if not payload:
        return 0, time.time()
    since = float(payload.get("s", 0) or 0)  # type: ignore[arg-type]
    if since < time.time() - FAILURE_WINDOW.total_seconds():
        return 0, time.time()
    return int(payload.get("f", 0) or 0), since  # type: ignore[call-overload]


def captcha_issue(*, request: HttpRequest, answer: str) -> str:
    """A token for a new challenge whose answer is ``answer``, carrying this
    browser's wrong answers over."""
    failures, since = _browser_failures(request)
    return _token(answer=answer, failures=failures, failures_since=since)


def _address_failures_exceeded(request: HttpRequest) -> bool:
    ip = client_ip(request)
    return bool(ip) and (
        counter_value(scope=ratelimit.CAPTCHA_FAILURE_BY_IP, value=ip or "", window=FAILURE_WINDOW, transactional=False)
        >= settings.COMPLAINT_CAPTCHA_FAILURES_PER_IP_HOUR
    )


def captcha_check(*, request: HttpRequest, answer: str) -> Outcome:
    """Whether ``answer`` solves the challenge of the browser's token. Either
    way the token is used up (the response carries a spent one: call
    :func:`captcha_cookie_apply`); a wrong answer counts against the browser
    and the address, and past their limits nothing is accepted. A right
    answer costs one round trip to the counters: the address's wrong
    answers read and the nonce spent together."""
    failures, since = _browser_failures(request)
    setattr(request, _PENDING, (failures, since))
    if failures >= settings.COMPLAINT_CAPTCHA_FAILURES_PER_SESSION:
        return Outcome.TOO_MANY
    try:
        payload = _read(request, settings.COMPLAINT_CAPTCHA_TTL_SECONDS)
    except signing.SignatureExpired:
        return Outcome.TOO_MANY if _address_failures_exceeded(request) else Outcome.EXPIRED
    if not payload or not payload.get("h"):
        return Outcome.TOO_MANY if _address_failures_exceeded(request) else Outcome.MISSING
    nonce = str(payload.get("n", ""))
    given = "".join((answer or "").split()).upper()
    ip = client_ip(request)
    limit = settings.COMPLAINT_CAPTCHA_FAILURES_PER_IP_HOUR
    if not given or not constant_time_compare(str(payload["h"]), _digest(nonce, given)):
        # Counted, then compared: simultaneous wrong answers each see their
        # own total. One past the limit is given back and refused.
        if not ratelimit.take_place(ratelimit.CAPTCHA_FAILURE_BY_IP, ip, limit=limit, window=FAILURE_WINDOW):
            return Outcome.TOO_MANY
        setattr(request, _PENDING, (failures + 1, since))
        return Outcome.WRONG
    # The token can be sent again (a replayed request, or two at once with
    # the same cookie): only the first to count its nonce is accepted. (Past
    # the address's limit the nonce is spent all the same: the browser gets
    # a spent token anyway.)
    ttl = datetime.timedelta(seconds=settings.COMPLAINT_CAPTCHA_TTL_SECONDS + 60)
    counts = [Count(USED_SCOPE, nonce, ttl)]
    if ip:
        counts.append(Count(ratelimit.CAPTCHA_FAILURE_BY_IP, ip, FAILURE_WINDOW, read_only=True))
    uses, *address_failures = counters_hit(counts)
    if address_failures and address_failures[0] >= limit:
        return Outcome.TOO_MANY
    if uses != 1:
        return Outcome.SPENT
    return Outcome.SOLVED


def _set_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        COOKIE,
        token,
        # Kept an hour so the browser's wrong answers carry over; the
        # challenge itself expires with the token's timestamp.
        max_age=int(FAILURE_WINDOW.total_seconds()),
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def captcha_cookie_apply(*, request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Put the spent token a check left on the response (no-op otherwise)."""
    pending = getattr(request, _PENDING, None)
    if pending:
        failures, since = pending
        _set_cookie(response, _token(answer="", failures=failures, failures_since=since))
    return response


def captcha_image_response(*, request: HttpRequest) -> HttpResponse:
    """A new challenge: its picture, and its token in the cookie. Every
    request draws a new one (the answer cannot be read back from the token)."""
    answer = _new_answer()
    response = HttpResponse(render_png(answer), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    _set_cookie(response, captcha_issue(request=request, answer=answer))
    return response


def _new_answer() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def render_png(answer: str) -> bytes:
    """The picture of ``answer``."""
    text = " ".join(answer)
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
