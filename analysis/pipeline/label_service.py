"""Optional label stage: a short label and a summary per theme from an OpenAI-compatible endpoint.

Off unless the deployer configures an endpoint. For each theme, one ``POST {base_url}/chat/completions``
sends its keywords and representative quotes (texts already scrubbed of personal data, never a
health-flagged one: the quotes the public report shows) and asks for ``{"label": .., "summary": ..}`` as
JSON. Plain HTTP with the standard library, a timeout per request. Any failure (no answer, an HTTP error,
an answer that is not the expected JSON) raises ``LabelServiceError``: callers keep the keyword labels.
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .errors import PipelineError

MAX_LABEL = 200
MAX_SUMMARY = 1000
_MAX_ANSWER_BYTES = 1 << 20
_FENCE = re.compile(r"^\s*```(?:json)?\s*|\s*```\s*$", re.IGNORECASE)

SYSTEM_PROMPT = (
    "You name the themes found in the contributions to a public consultation. For the theme given, answer "
    'with one JSON object and nothing else: {"label": "...", "summary": "..."}. The label has at most eight '
    "words; the summary is one or two neutral sentences on what the contributions say. Write in the "
    "language of the contributions. Do not invent facts and do not name anyone."
)


class LabelServiceError(PipelineError):
    """The labelling service could not be used; the message says why (for the organiser)."""


@dataclass(frozen=True)
class LabelServiceConfig:
    base_url: str  # e.g. "https://llm.example.org/v1"; the request goes to <base_url>/chat/completions
    model: str
    api_key: str = ""
    timeout: float = 30.0  # seconds, per request


@dataclass(frozen=True)
class ThemeText:
    keywords: Sequence[str]
    quotes: Sequence[str]


@dataclass(frozen=True)
class ThemeLabel:
    label: str
    summary: str


def label_themes(themes: Mapping[int, ThemeText], config: LabelServiceConfig) -> dict[int, ThemeLabel]:
    """A label and a summary for every theme, or ``LabelServiceError`` at the first failure."""
    if not config.base_url.strip():
        raise LabelServiceError("No labelling endpoint is configured.")
    if urllib.parse.urlsplit(config.base_url).scheme not in ("http", "https"):
        raise LabelServiceError("The labelling endpoint must be an http:// or https:// address.")
    if not config.model.strip():
        raise LabelServiceError("No model is configured for the labelling endpoint.")
    return {number: _label_one(theme, config) for number, theme in themes.items()}


def _prompt(theme: ThemeText) -> str:
    quotes = "\n".join(f"- {q}" for q in theme.quotes)
    return f"Keywords: {', '.join(theme.keywords)}\nRepresentative contributions:\n{quotes}"


def _label_one(theme: ThemeText, config: LabelServiceConfig) -> ThemeLabel:
    body = {
        "model": config.model,
        "temperature": 0,
        "messages": [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": _prompt(theme)},
        ],
    }
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if config.api_key:
        headers["Authorization"] = f"Bearer {config.api_key}"
    request = urllib.request.Request(  # noqa: S310 (http or https only, checked in label_themes)
        config.base_url.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode(),
        headers=headers,
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310
            raw = response.read(_MAX_ANSWER_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise LabelServiceError(f"The labelling endpoint answered HTTP {exc.code}.") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise LabelServiceError(f"The labelling endpoint could not be reached: {reason}.") from exc
    if len(raw) > _MAX_ANSWER_BYTES:
        raise LabelServiceError("The labelling endpoint's answer is too large.")
    return _parse(raw)


def _parse(raw: bytes) -> ThemeLabel:
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
        answer = json.loads(_FENCE.sub("", content))
        label, summary = answer["label"], answer.get("summary", "")
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise LabelServiceError("The labelling endpoint's answer is not the expected JSON.") from exc
    if not isinstance(label, str) or not label.strip() or not isinstance(summary, str):
        raise LabelServiceError("The labelling endpoint gave no label.")
    return ThemeLabel(" ".join(label.split())[:MAX_LABEL], summary.strip()[:MAX_SUMMARY])
