"""The sealed counts of an open vote: what was voted, kept apart from who voted (`BallotReceipt`).

While a vote is open, its three counts (for, against, abstain) live in one `BallotBox` row, encrypted
with AES-GCM under a key derived from the site's secret key, which the database does not hold. Every
ballot rewrites the whole row with a fresh random nonce, so:

- no row exists per ballot, so no row order, key, ``ctid`` or ``xmin`` lines ballots up with voters;
- the statement a ballot sends reads the same whatever the choice (one opaque value), so a statement log
  sees who voted, never how;
- the versions of the row that PostgreSQL keeps until VACUUM, a physical backup or the write-ahead log
  hold only ciphertexts, unreadable without the key.

The plaintext is three fixed-width integers, so every sealed value has the same length. Closing the vote
opens the box once, writes the counts on the recommendation and deletes the box (see
docs/security.md, "Secret ballots").
"""

import base64
import os
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.crypto import salted_hmac

CHOICES = ("for", "against", "abstain")
_FORMAT = ">III"
_NONCE_BYTES = 12
_SALT = "pacte.deliberation.ballot_box"


class BoxUnreadable(Exception):
    """No key of this site opens the box (the secret key changed and the old one is not in
    DJANGO_SECRET_KEY_FALLBACKS)."""


def _key(secret: str, recommendation_id: int) -> bytes:
    return salted_hmac(
        _SALT, f"recommendation:{recommendation_id}", secret=secret, algorithm="sha256"
    ).digest()


def _associated(recommendation_id: int) -> bytes:
    # A box copied onto another recommendation's row does not open there.
    return f"recommendation:{recommendation_id}".encode()


def seal(recommendation_id: int, counts: dict[str, int]) -> str:
    nonce = os.urandom(_NONCE_BYTES)
    plaintext = struct.pack(_FORMAT, *(counts.get(choice, 0) for choice in CHOICES))
    ciphertext = AESGCM(_key(settings.SECRET_KEY, recommendation_id)).encrypt(
        nonce, plaintext, _associated(recommendation_id)
    )
    return base64.b64encode(nonce + ciphertext).decode("ascii")


def unseal(recommendation_id: int, sealed: str) -> dict[str, int]:
    raw = base64.b64decode(sealed)
    nonce, ciphertext = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    for secret in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]:
        try:
            plaintext = AESGCM(_key(secret, recommendation_id)).decrypt(
                nonce, ciphertext, _associated(recommendation_id)
            )
        except InvalidTag:
            continue
        return dict(zip(CHOICES, struct.unpack(_FORMAT, plaintext), strict=True))
    raise BoxUnreadable(recommendation_id)


def empty(recommendation_id: int) -> str:
    return seal(recommendation_id, {})
