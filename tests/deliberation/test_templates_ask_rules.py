"""Templates ask rules, not roles, and compare no status as a bare string: a page shows an action when
the view's `can_*` flag (from deliberation/rules.py) says so, and a status through the model's boolean
property (`selection.is_under_way`, `member.is_active`...), so a rule or a state changes in one place."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "templates"
TEMPLATES = sorted([*(ROOT / "deliberation").rglob("*.html"), ROOT / "accounts" / "dashboard.html"])
ROLE_TEST = re.compile(r"user_roles|ROLES\.")
BARE_STATUS = re.compile(r"status\s*(==|!=)\s*[\"']|[\"']\w+[\"']\s*(==|!=)\s*\w+\.status\b")


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: path.name)
def test_the_template_asks_rules_and_reads_statuses_as_properties(template):
    text = template.read_text()
    assert not ROLE_TEST.findall(text), "use a can_* flag computed by the view from rules.py"
    assert not BARE_STATUS.findall(text), "use the model's boolean property (or the Status enum)"
