"""Local development: the embedded defaults with DEBUG on."""

from jianfu.env import env_bool
from jianfu.settings.base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)

# The demo accounts sign in with their password alone; production requires
# bureau staff to add a TOTP code (see base.py).
TOTP_REQUIRED_FOR_BUREAU = env_bool("TOTP_REQUIRED_FOR_BUREAU", False)
