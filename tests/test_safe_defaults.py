"""Safe defaults (issue #16, item 8): no key is public, DEBUG only when asked for, and the public
pseudonyms are keyed by a key of their own (config/keys.py, config/settings.py)."""

import hashlib
import hmac
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

from django.test import Client

from consultation import services
from tests.consultation.conftest import make_consultation

ROOT = Path(__file__).resolve().parent.parent
# What the code used to fall back to: anyone could read it in the repository.
OLD_PUBLIC_KEY = "dev-only-insecure-secret-key-change-me"

SHOW_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({"secret": settings.SECRET_KEY, "pseudonym": settings.PACTE_PSEUDONYM_KEY,
                  "debug": settings.DEBUG}))
"""


def _settings_of_a_fresh_start(var_dir: Path, **extra: str) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_SECRET_KEY", "PACTE_PSEUDONYM_KEY", "DJANGO_DEBUG", "DJANGO_ENV")
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings", PACTE_VAR_DIR=str(var_dir), **extra)
    return subprocess.run(
        [sys.executable, "-c", SHOW_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def _read(result: subprocess.CompletedProcess) -> dict:
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_first_run_without_keys_generates_private_keys_and_reuses_them(tmp_path):
    first = _read(_settings_of_a_fresh_start(tmp_path))
    assert first["debug"] is False
    assert len(first["secret"]) >= 50 and first["secret"] != OLD_PUBLIC_KEY
    assert len(first["pseudonym"]) >= 50 and first["pseudonym"] != first["secret"]
    for name, value in (("secret_key", first["secret"]), ("pseudonym_key", first["pseudonym"])):
        path = tmp_path / name
        assert path.read_text() == value
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # readable by the owner only
    # A restart keeps them: sessions and published pseudonyms stay valid.
    assert _read(_settings_of_a_fresh_start(tmp_path)) == first
    # Another installation gets other keys.
    other = _read(_settings_of_a_fresh_start(tmp_path / "other"))
    assert other["secret"] != first["secret"] and other["pseudonym"] != first["pseudonym"]


def test_a_key_file_left_readable_by_others_is_made_private(tmp_path):
    first = _read(_settings_of_a_fresh_start(tmp_path))
    (tmp_path / "secret_key").chmod(0o644)
    assert _read(_settings_of_a_fresh_start(tmp_path)) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_debug_only_when_asked_for(tmp_path):
    assert _read(_settings_of_a_fresh_start(tmp_path, DJANGO_DEBUG="1"))["debug"] is True
    assert _read(_settings_of_a_fresh_start(tmp_path, DJANGO_DEBUG="0"))["debug"] is False


def test_keys_from_the_environment_win_and_a_short_key_is_refused(tmp_path):
    given = {"DJANGO_SECRET_KEY": "s" * 60, "PACTE_PSEUDONYM_KEY": "p" * 60}
    assert _read(_settings_of_a_fresh_start(tmp_path, **given)) == {
        "secret": "s" * 60,
        "pseudonym": "p" * 60,
        "debug": False,
    }
    assert not (tmp_path / "secret_key").exists()
    short = _settings_of_a_fresh_start(tmp_path, PACTE_PSEUDONYM_KEY="too-short")
    assert short.returncode != 0 and "PACTE_PSEUDONYM_KEY" in short.stderr
    same = _settings_of_a_fresh_start(tmp_path, DJANGO_SECRET_KEY="k" * 60, PACTE_PSEUDONYM_KEY="k" * 60)
    assert same.returncode != 0 and "must differ" in same.stderr


def test_production_refuses_to_start_without_a_pseudonym_key(tmp_path):
    result = _settings_of_a_fresh_start(
        tmp_path, DJANGO_ENV="production", DJANGO_SECRET_KEY="k3y-" + "x9Qz7w" * 10
    )
    assert result.returncode != 0
    assert "PACTE_PSEUDONYM_KEY" in result.stderr
    assert not (tmp_path / "pseudonym_key").exists()  # production never generates a key of its own


def test_public_pseudonyms_cannot_be_computed_from_the_secret_key(settings, citizen):
    """The review reversed the public votes API's pseudonyms to account ids as HMAC(SECRET_KEY, "u<id>").
    Knowing SECRET_KEY (and every account id) no longer gives them."""
    settings.SECRET_KEY = "s" * 60
    settings.PACTE_PSEUDONYM_KEY = "p" * 60
    consultation = make_consultation()
    services.accept_charter(user=citizen, consultation=consultation)
    proposal = services.submit_proposal(user=citizen, consultation=consultation, text="Un registre de refus")
    services.cast_vote(user=citizen, proposal=proposal, value="agree")
    votes = Client().get(f"/api/consultations/{consultation.slug}/votes/").json()["results"]
    published = {vote["participant"] for vote in votes}
    assert len(published) == 1

    def guess(key: str, account_id: int) -> str:
        keyed = f"{key}:open-data:{consultation.slug}".encode()
        return hmac.new(keyed, f"u{account_id}".encode(), hashlib.sha256).hexdigest()[:16]

    assert guess(settings.PACTE_PSEUDONYM_KEY, citizen.pk) in published  # the key that is used
    assert not published & {guess(settings.SECRET_KEY, n) for n in range(1, citizen.pk + 100)}
