"""docs/DEPLOYMENT.md documents every environment variable the settings
read, and the commands it tells administrators to run exist."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management import get_commands

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "DEPLOYMENT.md"
ENV_CALL = re.compile(r"\benv_(?:str|int|bool|list|time|choice)\(\s*[\"']([A-Z][A-Z0-9_]*)[\"']")


def settings_variables() -> set[str]:
    names: set[str] = set()
    for path in sorted((ROOT / "jianfu" / "settings").glob("*.py")):
        names |= set(ENV_CALL.findall(path.read_text(encoding="utf-8")))
    return names


def test_settings_read_the_variables_this_test_knows_how_to_find() -> None:
    # The pattern finds the calls: a change of helper names would make the
    # next test pass on nothing.
    found = settings_variables()
    assert {"SECRET_KEY", "DATABASE_URL", "AFTERSCHOOL_END_NOT_BEFORE", "ALLOWED_HOSTS", "DEBUG"} <= found
    assert len(found) > 60


def test_every_variable_read_by_the_settings_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", text, flags=re.MULTILINE))
    missing = sorted(settings_variables() - documented)
    assert missing == [], f"document these in docs/DEPLOYMENT.md (a table row starting | `NAME` |): {missing}"


def test_documented_commands_exist_and_the_readme_links_the_guide() -> None:
    text = DOC.read_text(encoding="utf-8")
    commands = set(re.findall(r"manage\.py ([a-z_]+)", text))
    assert {"backup", "restore", "purge_audit", "sweep_report_jobs", "sweep_notifications"} <= commands
    assert commands - set(get_commands()) == set()
    assert "docs/DEPLOYMENT.md" in (ROOT / "README.md").read_text(encoding="utf-8")
