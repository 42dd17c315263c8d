"""One rule decides whether a refusal or an error is answered in JSON (accounts.refusals.wants_json).

Three copies had drifted apart (one looked at the address, two only at the Accept header): a script
calling the API without `Accept: application/json` got an HTML 405 from one and JSON from the others.
"""

import ast
from pathlib import Path

from django.test import RequestFactory

from accounts.refusals import wants_json

ROOT = Path(__file__).resolve().parents[1]
APPS = ("accounts", "consultation", "deliberation", "analysis", "config")


def test_api_addresses_and_json_clients_get_json_and_people_get_pages() -> None:
    factory = RequestFactory()
    assert wants_json(factory.get("/api/consultations/"))
    assert wants_json(factory.post("/consultations/x/propositions/1/vote/", HTTP_ACCEPT="application/json"))
    assert not wants_json(factory.get("/consultations/x/", HTTP_ACCEPT="text/html,application/xhtml+xml"))


def test_no_module_reads_the_accept_header_for_json_on_its_own() -> None:
    """Any other reading of `Accept` for "application/json" is a second rule: use wants_json."""
    offenders = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts or path == ROOT / "accounts" / "refusals.py":
                continue
            for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
                # `"application/json" in <something>` / `not in`: a test of what the client accepts.
                if (
                    isinstance(node, ast.Compare)
                    and isinstance(node.left, ast.Constant)
                    and node.left.value == "application/json"
                    and isinstance(node.ops[0], ast.In | ast.NotIn)
                ):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []
