"""The secrets file of a deployment (.env beside docker-compose.yml) never
enters the repository or the image."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_env_file_is_ignored_by_git() -> None:
    for name in (".env", ".env.production"):
        result = subprocess.run(["git", "check-ignore", "-q", name], cwd=ROOT, check=False)
        assert result.returncode == 0, f"{name} is not in .gitignore"


def test_env_file_is_kept_out_of_the_docker_build_context() -> None:
    patterns = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    assert {".env", ".env.*"} <= patterns
