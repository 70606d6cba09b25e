"""Local development: the embedded defaults with DEBUG on."""

from jianfu.env import env_bool

from .base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
