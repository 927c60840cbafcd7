"""Create node and hub folders: config file, key pair (private key 0600), empty database."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any

from common.config import Config
from common.errors import UsageError
from common.keys import create_key
from hub import settings as hub_settings
from node import settings as node_settings
from node.store import NodeStore
from schemas.codes import kommuner, lan
from schemas.wire import encode_public_key, fingerprint

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
_FORMULA_START = ("=", "+", "-", "@")
"""A cell starting with one of these runs as a formula in a spreadsheet (every hub exports
node names to XLSX and CSV; :class:`schemas.wire.NodeInfo` refuses them too)."""
NAME_MAX = 200


def _check_new_folder(folder: Path, marker: str) -> None:
    if (folder / marker).exists():
        raise UsageError.of("err_folder_exists", folder=folder, marker=marker)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)


def _check_id(value: str) -> None:
    if not _ID.match(value):
        raise UsageError.of("err_bad_id", value=value)


def _check_name(value: str) -> None:
    """A name that every hub can show and export as plain text, on one line."""
    hidden = sorted({f"U+{ord(c):04X}" for c in value
                     if unicodedata.category(c) in ("Cc", "Cf")})  # fmt: skip
    if hidden:
        raise UsageError.of("err_name_hidden_chars", value=value, hidden=", ".join(hidden))
    if value.lstrip().startswith(_FORMULA_START):
        raise UsageError.of("err_name_formula", value=value, first=value.lstrip()[0])
    if not value.strip() or len(value) > NAME_MAX:
        raise UsageError.of("err_name_length", max=NAME_MAX, length=len(value))


def init_node(
    folder: Path,
    *,
    node_id: str,
    name: str,
    lan_codes: list[str],
    kommun_codes: list[str],
    population: int = 0,
    k: int = 3,
    hub_url: str = "",
    port: int = 8200,
    synthetic: bool = False,
) -> dict[str, Any]:
    _check_id(node_id)
    _check_name(name)
    known_lan = lan()
    for code in lan_codes:
        if code not in known_lan:
            raise UsageError.of("err_unknown_lan", code=code)
    for code in kommun_codes:
        km = kommuner().get(code)
        if km is None:
            raise UsageError.of("err_unknown_kommun", code=code)
        if km.lan not in lan_codes:
            raise UsageError.of("err_kommun_outside_lan", kommun=km.short, lan=km.lan)
    if k < 1:
        raise UsageError.of("err_k_below_one", k=k)
    _check_new_folder(folder, node_settings.CONFIG_NAME)
    key = create_key(folder)
    Config.write(folder / node_settings.CONFIG_NAME, {
        "node": {"id": node_id, "name": name, "lan": lan_codes, "kommuner": kommun_codes,
                 "population": population, "synthetic": synthetic},
        "disclosure": {"k": k},
        "publish": {"hub_url": hub_url},
        "server": {"port": port},
    })  # fmt: skip
    NodeStore(folder / node_settings.DB_NAME).close()
    return {"folder": str(folder), "public_key": encode_public_key(key.public_key()),
            "fingerprint": fingerprint(key.public_key())}  # fmt: skip


def init_hub(
    folder: Path,
    *,
    hub_id: str,
    name: str,
    level: str,
    upstream: str = "",
    port: int = 8100,
    min_k: int = 3,
) -> dict[str, Any]:
    _check_id(hub_id)
    if level not in ("regional", "national"):
        raise UsageError.of("err_hub_level", level=level)
    _check_new_folder(folder, hub_settings.CONFIG_NAME)
    key = create_key(folder)
    Config.write(folder / hub_settings.CONFIG_NAME, {
        "hub": {"id": hub_id, "name": name, "level": level, "upstream": upstream},
        "policy": {"min_k": min_k},
        "server": {"port": port},
    })  # fmt: skip
    return {"folder": str(folder), "public_key": encode_public_key(key.public_key()),
            "fingerprint": fingerprint(key.public_key())}  # fmt: skip
