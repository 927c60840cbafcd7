"""Ed25519 key files for nodes and hubs: the private key readable only by its owner.

The private key may be encrypted at rest with a passphrase given in the environment variable
``LEXHELLER_KEY_PASSPHRASE`` (or a file named by ``LEXHELLER_KEY_PASSPHRASE_FILE``).
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from common.errors import UsageError
from schemas.wire import decode_public_key, encode_public_key

PRIVATE_NAME = "signing-key.pem"
PUBLIC_NAME = "signing-key.pub"


def _passphrase() -> bytes | None:
    if os.environ.get("LEXHELLER_KEY_PASSPHRASE"):
        return os.environ["LEXHELLER_KEY_PASSPHRASE"].encode("utf-8")
    path = os.environ.get("LEXHELLER_KEY_PASSPHRASE_FILE")
    if path:
        return Path(path).read_text("utf-8").strip().encode("utf-8")
    return None


def create_key(folder: Path) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    secret = _passphrase()
    enc = serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
    path = folder / PRIVATE_NAME
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    (folder / PUBLIC_NAME).write_text(encode_public_key(key.public_key()) + "\n", "utf-8")
    return key


def load_private_key(folder: Path) -> Ed25519PrivateKey:
    path = folder / PRIVATE_NAME
    if not path.exists():
        raise UsageError.of("err_key_missing", path=path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=_passphrase())
    except (TypeError, ValueError) as e:
        raise UsageError.of("err_key_unreadable", path=path, cause=e) from e
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError.of("err_key_not_ed25519", path=path)
    return key


def load_public_key(folder: Path) -> Ed25519PublicKey:
    return decode_public_key((folder / PUBLIC_NAME).read_text("utf-8"))
