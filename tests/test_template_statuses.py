"""Templates compare no status, phase or state with a bare string: they ask the model (`p.is_hidden`,
`run.is_done`, `job.has_failed`) or a rule passed by the view (`can_edit_questions`), so renaming a
value or changing a rule happens in one place. Apps listed here are checked; add yours once converted."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
CHECKED = ["consultation", "analysis"]
BARE = re.compile(r"""\b(?:status|phase|state)\s*(?:==|!=)\s*["']""")


@pytest.mark.parametrize("app", CHECKED)
def test_templates_ask_the_model_not_the_string(app):
    found = [
        f"{path.relative_to(TEMPLATES)}:{number}: {line.strip()[:100]}"
        for path in sorted((TEMPLATES / app).rglob("*.html"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if BARE.search(line)
    ]
    assert found == []
