"""Every service that stores text written by a person normalises it first (one function,
textsafety.normalise.normalise_input): a new service taking such an argument without it fails here."""

import importlib
import inspect
import pkgutil

import pytest

from textsafety.normalise import TEXT_ARGUMENTS

SERVICE_MODULES = [
    "accounts.services",
    "consultation.services",
    "deliberation.services",
    "analysis.services",
    "consultation.answers",  # the decision-makers' answers to proposals, the rule of the answers
    "analysis.theme_answers",  # the decision-makers' answers to themes
]
# Services that take a text positionally or nested (a dict of answers), and call normalise_input on it in
# their body; each has a behaviour test (tests/consultation/test_text_normalised.py).
NORMALISED_INSIDE = {
    "consultation.services.clean_proposal_text",
    "consultation.services.save_answers",
    "consultation.services.import_contributions",  # reads a file: consultation.csv_import normalises rows
    "consultation.services.import_polis",  # a Pol.is export: normalised row by row
}


def _modules(name):
    """The module, and each module of it when it is a package (`deliberation.services.panels`, ...)."""
    module = importlib.import_module(name)
    yield module
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), prefix=f"{name}."):
        yield importlib.import_module(info.name)


def _services_taking_text():
    for module_name in SERVICE_MODULES:  # named by the package callers import (re-exported there)
        for module in _modules(module_name):
            yield from _taking_text(module_name, module)


def _taking_text(module_name, module):
    for name, function in inspect.getmembers(module, inspect.isfunction):
        if function.__module__ != module.__name__ or name.startswith("_"):
            continue
        parameters = inspect.signature(function).parameters
        takes_text = any(p in TEXT_ARGUMENTS for p in parameters) or any(
            p.kind == p.VAR_KEYWORD for p in parameters.values()
        )
        if takes_text or name in {n.rsplit(".", 1)[1] for n in NORMALISED_INSIDE}:
            yield f"{module_name}.{name}", function


def test_every_service_taking_text_normalises_it():
    services = dict(_services_taking_text())
    assert len(services) >= 15  # the walk finds them (submit_proposal, create_recommendation, ...)
    missing = [
        name
        for name, function in services.items()
        if not getattr(function, "normalises_text", False) and name not in NORMALISED_INSIDE
    ]
    assert missing == []


@pytest.mark.parametrize("name", sorted(NORMALISED_INSIDE))
def test_the_services_that_normalise_inside_call_the_one_function(name):
    module_name, function_name = name.rsplit(".", 1)
    source = inspect.getsource(getattr(importlib.import_module(module_name), function_name))
    assert "normalise_input(" in source or "import_contributions" in function_name
