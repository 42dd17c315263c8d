"""Keys generated on the first run when the environment gives none (the embedded runtime, `make demo`).

A key is kept in a file readable by its owner only (mode 0600) under `PACTE_VAR_DIR` and read again on
every later start, so sessions, password-reset links and public pseudonyms survive a restart. No key is
ever a constant written in the code: a key anyone can read in the repository signs nothing.
"""

import os
import secrets
import stat
import tempfile
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def generated_key(path: Path) -> str:
    """The key stored in `path`, made there first if the file does not exist.

    Several processes may start at once (gunicorn workers, a Celery worker, a management command): the
    key is written to a private temporary file and then linked to `path`, which fails if another process
    linked its own first; the loser reads the winner's key. No process ever reads a half-written file.
    """
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)  # 67 characters, 400 random bits
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # created with mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        os.link(temporary, path)
    except FileExistsError:
        return _read(path)
    finally:
        os.unlink(temporary)
    return key


def _read(path: Path) -> str:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):  # copied or unpacked with looser permissions: tighten them
        path.chmod(0o600)
    key = path.read_text().strip()
    if len(key) < 50:
        raise ImproperlyConfigured(f"{path} holds no usable key (under 50 characters): delete it to make one")
    return key
