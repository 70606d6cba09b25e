"""Settings of the gunicorn that ``load.py`` starts: the shared settings with
DEBUG off and the production password hasher (PBKDF2: the public form hashes
each case's query code, a real cost), plus ``bench/urls.py``, which adds the
bare view the figures are compared with. Never used by the portal itself."""

from jianfu.settings.base import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
# The generator signs the bureau account in with its password; production
# asks bureau staff for a TOTP code as well (one more request at sign-in).
TOTP_REQUIRED_FOR_BUREAU = False
