from collections.abc import Callable

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse

# No inline script anywhere: every script is a file under /static/. Inline
# style attributes are tolerated because Django's admin and Bootstrap's
# components still set a few.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "worker-src 'self'",
        "manifest-src 'self'",
    ]
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class NullCharacterMiddleware:
    """A NUL character in the address or its query string is refused with
    400 before any view runs: PostgreSQL cannot hold one in a text, so a
    look-up by such a value (a school code in the path, a search term)
    raised an error (500) where the visitor should be told the address is
    wrong. Form fields refuse NUL themselves, with a message on the field
    (Django's validator on every CharField); a POST body is left to them so
    that what the visitor typed comes back with the message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path_info or "\x00" in request.META.get("QUERY_STRING", "") or _null_in_query(request):
            raise BadRequest("NUL character in the address")
        return self.get_response(request)


def _null_in_query(request: HttpRequest) -> bool:
    # %00 decodes to NUL only once the query string is parsed.
    if "%00" not in request.META.get("QUERY_STRING", ""):
        return False
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists())
