"""An aggregator folder opened for work: config, keys, batches, operations.

One of the three parties of issue 13's secure aggregation (A1 = leader, next to the national
hub; A2, A3 = independent organisations). The folder holds::

    aggregator.toml     id, party 1..3, role, HTTP and MPC addresses, the national hub, peers
    signing-key.pem     Ed25519 (signs batch lists and releases; 0600, passphrase as for nodes)
    hpke-key.pem        X25519 (nodes encrypt this aggregator's shares to it; 0600)
    batches/            batch lists accepted, jobs and results of the MPC (`aggregator.batch`)

`lexheller aggregator serve` and the one-shot commands open an `Aggregator` and call the same
operations; when a server runs, the commands reach them through its control endpoint.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from aggregator.fallback import FallbackSetting
from common.config import Config, Setting
from common.errors import UsageError
from common.keys import _passphrase, create_key, load_private_key
from schemas.shares import PARTIES, encode_x25519_public_key, x25519_key_id
from schemas.wire import decode_public_key, encode_public_key, fingerprint

CONFIG_NAME = "aggregator.toml"
HPKE_NAME = "hpke-key.pem"
ROLES = ("leader", "member")
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")

SETTINGS = [
    Setting("aggregator", "id", "", "Aggregatorns id (a-z, 0-9, '-')."),
    Setting("aggregator", "name", "", "Organisationen som driver aggregatorn."),
    Setting("aggregator", "party", 1, "Partsnummer 1, 2 eller 3 (1 = ledaren)."),
    Setting("aggregator", "role", "leader", "leader (A1, stänger omgångar) eller member."),
    Setting("aggregator", "national_hub", "", "Adress till det nationella navet (ledaren)."),
    Setting("policy", "k", 3, "Minsta värde som släpps (k)."),
    Setting("policy", "min_hidden", 3, "Minsta antal förbund som dolt en cell för att den ska kunna släppas."),
    Setting("server", "host", "127.0.0.1", "Adress som HTTP-servern lyssnar på."),
    Setting("server", "port", 8300, "Port som HTTP-servern lyssnar på."),
    Setting("mpc", "host", "127.0.0.1", "Adress som MPC-parten lyssnar på."),
    Setting("mpc", "port", 8310, "Port som MPC-parten lyssnar på."),
    Setting("aggregation", "mode", "three",
            "three (exakt MPC med tre aggregatorer) eller two-noise (två aggregatorer, "
            "ungefärliga tal med brus; se docs/exact-figures.md, Fallback)."),
    Setting("aggregation", "noise_scale", 3.0,
            "two-noise: σ för det diskreta gaussiska bruset som varje aggregator lägger till."),
    Setting("peers", "aggregators", [],
            "De två andra aggregatorerna: {party, id, url, public_key, mpc_host, mpc_port}."),
]  # fmt: skip


def load_config(folder: Path) -> Config:
    return Config(SETTINGS, folder / CONFIG_NAME)


def check_folder(folder: Path) -> None:
    if not (folder / CONFIG_NAME).exists():
        raise UsageError.of("err_agg_folder_missing", folder=folder, name=CONFIG_NAME)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


def create_hpke_key(folder: Path) -> X25519PrivateKey:
    key = X25519PrivateKey.generate()
    secret = _passphrase()
    enc = serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc)
    _write_private(folder / HPKE_NAME, pem)
    return key


def load_hpke_key(folder: Path) -> X25519PrivateKey:
    path = folder / HPKE_NAME
    if not path.exists():
        raise UsageError.of("err_agg_hpke_missing", path=path)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=_passphrase())
    except (TypeError, ValueError) as e:
        raise UsageError.of("err_agg_hpke_unreadable", path=path, cause=e) from e
    if not isinstance(key, X25519PrivateKey):
        raise UsageError.of("err_agg_hpke_not_x25519", path=path)
    return key


def check_settings(config: Config) -> None:
    """Refuse an aggregator.toml that cannot work, saying which setting and what to do."""
    a = config["aggregator"]
    problems: list[tuple[str, str]] = []
    if not isinstance(a["id"], str) or not _ID.fullmatch(a["id"]):
        problems.append(
            (
                "[aggregator] id ska vara a-z, 0-9 och '-'",
                "[aggregator] id must be a-z, 0-9 and '-'",
            )
        )
    if a["party"] not in range(1, PARTIES + 1):
        problems.append(
            ("[aggregator] party ska vara 1, 2 eller 3", "[aggregator] party must be 1, 2 or 3")
        )
    if a["role"] not in ROLES or (a["role"] == "leader") != (a["party"] == 1):
        problems.append(
            (
                "[aggregator] role ska vara leader för part 1 och member för 2 och 3",
                "[aggregator] role must be leader for party 1 and member for 2 and 3",
            )
        )
    try:
        setting = FallbackSetting.from_config(config["aggregation"])
    except (TypeError, ValueError) as e:
        problems.append((f"[aggregation] {e}", f"[aggregation] {e}"))
        setting = FallbackSetting()
    n_parties = 2 if setting.mode == "two-noise" else PARTIES
    if setting.mode == "two-noise" and a["party"] not in (1, 2):
        problems.append(("[aggregator] party ska vara 1 eller 2 när [aggregation] mode = "
                         "\"two-noise\"", "[aggregator] party must be 1 or 2 when "
                         "[aggregation] mode = \"two-noise\""))  # fmt: skip
    peers = config["peers"]["aggregators"]
    parties = [p.get("party") for p in peers if isinstance(p, dict)]
    others = [q for q in parties if q != a["party"] and q in range(1, n_parties + 1)]
    if len(others) != len(peers) or len(set(others)) != len(others):
        problems.append(
            (
                f"[peers] aggregators ska ange de andra parterna (party 1–{n_parties}, inte vår egen, var och en en gång)",
                f"[peers] aggregators must list the other parties (party 1-{n_parties}, not ours, each once)",
            )
        )
    for p in peers:
        try:
            decode_public_key(str(p.get("public_key", "")))
        except (ValueError, AttributeError):
            problems.append(
                (
                    f"[peers] {p!r}: public_key ska vara 'ed25519:…'",
                    f"[peers] {p!r}: public_key must be 'ed25519:…'",
                )
            )
    if problems:
        raise UsageError(
            f"{config.path} är fel: " + "; ".join(sv for sv, _ in problems) + ". Rätta filen.",
            f"{config.path} is wrong: " + "; ".join(en for _, en in problems) + ". Fix the file.",
        )  # fmt: skip


def init_aggregator(folder: Path, *, aggregator_id: str, party: int, name: str = "",
                    national_hub: str = "", port: int | None = None,
                    mpc_port: int | None = None, mode: str = "three",
                    noise_scale: float | None = None) -> dict[str, Any]:  # fmt: skip
    """Create an aggregator folder with its keys; returns what `op_key` shows."""
    folder = Path(folder)
    if (folder / CONFIG_NAME).exists():
        raise UsageError.of("err_agg_folder_exists", folder=folder)
    folder.mkdir(parents=True, exist_ok=True)
    values: dict[str, dict[str, Any]] = {
        "aggregator": {"id": aggregator_id, "name": name or aggregator_id, "party": party,
                       "role": "leader" if party == 1 else "member", "national_hub": national_hub},
        "server": {"port": port if port is not None else 8300 + 10 * (party - 1)},
        "mpc": {"port": mpc_port if mpc_port is not None else 8305 + 10 * (party - 1)},
    }  # fmt: skip
    if mode != "three" or noise_scale is not None:
        values["aggregation"] = {"mode": mode}
        if noise_scale is not None:
            values["aggregation"]["noise_scale"] = float(noise_scale)
    probe = Config(SETTINGS, folder / "missing.toml")
    for sec, kv in values.items():
        probe.values[sec].update(kv)
    check_settings(probe)
    create_key(folder)
    create_hpke_key(folder)
    Config.write(folder / CONFIG_NAME, values)
    (folder / "batches").mkdir(exist_ok=True)
    agg = Aggregator(folder)
    try:
        return agg.op_key()
    finally:
        agg.close()


class Aggregator:
    """An opened aggregator folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        check_folder(self.folder)
        self.config = load_config(self.folder)
        check_settings(self.config)
        self.id: str = self.config["aggregator"]["id"]
        self.party: int = int(self.config["aggregator"]["party"])
        self.leader = self.config["aggregator"]["role"] == "leader"
        self.fallback = FallbackSetting.from_config(self.config["aggregation"])
        self.signing_key = load_private_key(self.folder)
        self.hpke_key = load_hpke_key(self.folder)
        self.batches_dir = self.folder / "batches"
        self.batches_dir.mkdir(exist_ok=True)

    def peers(self) -> list[dict[str, Any]]:
        return sorted(self.config["peers"]["aggregators"], key=lambda p: p["party"])

    # ------------------------------------------------------------------ operations

    def op_key(self) -> dict[str, Any]:
        """What hubs and nodes need to enrol this aggregator (fingerprints read aloud)."""
        pub = self.signing_key.public_key()
        hpke = self.hpke_key.public_key()
        keyid = x25519_key_id(hpke)[:20].upper()
        return {
            "aggregator_id": self.id,
            "party": self.party,
            "role": "leader" if self.leader else "member",
            "public_key": encode_public_key(pub),
            "fingerprint": fingerprint(pub),
            "hpke_public_key": encode_x25519_public_key(hpke),
            "hpke_fingerprint": " ".join(keyid[i : i + 4] for i in range(0, 20, 4)),
        }

    def op_status(self) -> dict[str, Any]:
        from aggregator.batch import BatchBook

        book = BatchBook(self.batches_dir)
        c = self.config
        return {
            **self.op_key(),
            "http": f"{c['server']['host']}:{c['server']['port']}",
            "mpc": f"{c['mpc']['host']}:{c['mpc']['port']}",
            "national_hub": c["aggregator"]["national_hub"],
            "mode": self.fallback.mode,
            "peers": [
                {"party": p["party"], "id": p["id"], "url": p.get("url", "")} for p in self.peers()
            ],
            "batches": book.summary(),
        }

    def op_trust_peer(self, party: int, aggregator_id: str, url: str, public_key: str,
                      mpc_host: str = "127.0.0.1", mpc_port: int = 0) -> dict[str, Any]:  # fmt: skip
        """Record one of the other two aggregators (its Ed25519 key, read aloud first)."""
        try:
            key = decode_public_key(public_key)
        except ValueError as e:
            raise UsageError.of("err_agg_peer_key", cause=e) from e
        if party == self.party or party not in range(1, PARTIES + 1):
            raise UsageError.of("err_agg_peer_party", party=party, own=self.party)
        import tomllib

        data = tomllib.loads((self.folder / CONFIG_NAME).read_text("utf-8"))
        peers = [p for p in data.get("peers", {}).get("aggregators", []) if p.get("party") != party]
        peers.append({"party": party, "id": aggregator_id, "url": url, "public_key": public_key,
                      "mpc_host": mpc_host, "mpc_port": int(mpc_port)})  # fmt: skip
        data.setdefault("peers", {})["aggregators"] = sorted(peers, key=lambda p: p["party"])
        Config.write(self.folder / CONFIG_NAME, data)
        self.config = load_config(self.folder)
        return {"party": party, "aggregator_id": aggregator_id, "fingerprint": fingerprint(key)}

    def op_close_batch(self, period: str, group: str | None = None) -> dict[str, Any]:
        """The leader closes and runs the batches of `period` (`aggregator.client`)."""
        from aggregator.client import close_batch

        return close_batch(self, period, group)

    def operations(self) -> dict[str, Any]:
        """The aggregator's operations, each with its argument and result types
        (:data:`aggregator.op_types.TYPES`)."""
        from aggregator.op_types import TYPES
        from common.operations import registry

        return registry({"key": self.op_key, "status": self.op_status,
                         "trust_peer": self.op_trust_peer,
                         "close_batch": self.op_close_batch}, TYPES)  # fmt: skip

    def close(self) -> None:
        """Nothing is held open between operations (files only); kept for `run_op`."""
