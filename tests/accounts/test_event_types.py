"""Every audit event type the code records has a label in the one registry (``accounts.event_types``), in
French and English: the audit console never shows an organiser a developer's code. The code is walked: a
new ``record_event(action=...)`` / ``transition(action=...)`` without a label fails here."""

import ast
import importlib
from pathlib import Path

import pytest
from django.utils import translation

from accounts import event_types
from analysis.models import SynthesisVersion
from deliberation.models import Amendment

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "consultation", "deliberation", "analysis", "config")
#: The functions that record an event under their ``action`` argument.
RECORDERS = {"record_event", "transition", "_record_by_panel_team", "_new_version"}


def _recorded_actions():
    """(where, kind, value) of each ``action=`` given to a recorder: ("code", "proposal.submitted"),
    ("prefix", "proposal.") for an f-string; a plain variable is the recorder passing its own argument on."""
    found = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.Call):
                    continue
                name = (
                    node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
                )
                if name not in RECORDERS:
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        found.extend(
                            _values(keyword.value, module, f"{path.relative_to(ROOT)}:{node.lineno}")
                        )
    return found


def _values(value, module, where):
    if isinstance(value, ast.Constant):
        return [] if value.value is None else [(where, "code", value.value)]
    if isinstance(value, ast.IfExp):
        return _values(value.body, module, where) + _values(value.orelse, module, where)
    if isinstance(value, ast.JoinedStr):
        head = value.values[0]
        return [(where, "prefix", head.value if isinstance(head, ast.Constant) else "")]
    text = ast.unparse(value)
    if text.rsplit(".", 1)[-1].isupper():  # a constant: read it where it is used
        return [(where, "code", eval(text, vars(importlib.import_module(module))))]  # noqa: S307
    return []


def test_the_walk_finds_the_recorded_actions():
    found = _recorded_actions()
    codes = {value for _where, kind, value in found if kind == "code"}
    assert {"consultation.created", "recommendation.created", "consent.granted", "consent.withdrawn"} <= codes
    assert {value for _where, kind, value in found if kind == "prefix"} >= {
        "proposal.",
        "amendment.",
        "synthesis.",
    }


def test_every_recorded_action_has_a_label():
    missing = [
        f"{where}: {value}"
        for where, kind, value in _recorded_actions()
        if (kind == "code" and event_types.get(value) is None)
        or (kind == "prefix" and not any(t.code.startswith(value) for t in event_types.every_type()))
    ]
    assert missing == []


@pytest.mark.parametrize(
    "codes",
    [
        [f"proposal.{decision}" for decision in ("approve", "hide")],  # moderation.moderate's decisions
        [f"amendment.{s}" for s in Amendment.Status.values if s != Amendment.Status.PROPOSED],
        [f"synthesis.{a}" for a in SynthesisVersion.Action.values if a != SynthesisVersion.Action.PIPELINE],
    ],
)
def test_every_value_of_a_composed_action_has_a_label(codes):
    assert [code for code in codes if event_types.get(code) is None] == []


def test_every_label_is_in_french_and_english():
    untranslated = []
    for event_type in event_types.every_type():
        with translation.override("en"):
            english = str(event_type.label)
        with translation.override("fr"):
            french = str(event_type.label)
        if english == french or event_type.code in (english, french):
            untranslated.append(event_type.code)
    assert untranslated == []


def test_a_type_this_version_does_not_know_reads_as_its_code():
    assert event_types.label("retired.event") == "retired.event"
