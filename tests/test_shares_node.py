"""A node's share envelope: made at publish from the exact counts, queued, carried offline."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime
from pathlib import Path

import pytest
import tomli_w
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from common.errors import UsageError
from lexheller.init import init_node
from node.aggregate import count_tables, periods_of
from node.runtime import Node
from node.shares import hpke_fingerprint
from node.synthetic import NodeProfile, generate_reports
from schemas import shares as sh
from schemas.wire import Bundle, Envelope, bundle_digest, decode_public_key, key_id

PROFILE = NodeProfile("sf-andel", "Förbund Andel", ("14",), ("1480",), 30000)
AGG_KEYS = [X25519PrivateKey.from_private_bytes(bytes([0x40 + j]) * 32) for j in (1, 2, 3)]


def aggregation_config(keys: list[X25519PrivateKey]) -> list[dict]:
    out = []
    for j, key in enumerate(keys, 1):
        pub = key.public_key()
        out.append({"party": j, "id": f"aggregator-a{j}",
                    "hpke_public_key": sh.encode_x25519_public_key(pub),
                    "fingerprint": hpke_fingerprint(sh.x25519_key_id(pub))})  # fmt: skip
    return out


def set_aggregators(folder: Path, entries: list[dict]) -> None:
    path = folder / "node.toml"
    data = tomllib.loads(path.read_text("utf-8"))
    data["aggregation"] = {"aggregators": entries}
    path.write_text(tomli_w.dumps(data), "utf-8")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "sf-andel"
    init_node(folder, node_id="sf-andel", name="Förbund Andel", lan_codes=["14"],
              kommun_codes=["1480"], population=30000)  # fmt: skip
    n = Node(folder)
    n.store.add_reports(generate_reports(PROFILE, [2024], seed=11,
                                         today=datetime(2025, 1, 1, tzinfo=UTC)))  # fmt: skip
    n.close()
    return folder


def test_published_shares_sum_to_the_hidden_residuals(folder: Path, tmp_path: Path) -> None:
    set_aggregators(folder, aggregation_config(AGG_KEYS))
    node = Node(folder)
    try:
        result = node.op_publish(out=str(tmp_path / "p.json"))
        frame = node.store.aggregation_frame()
        exact = count_tables(frame, periods_of(frame, ("year", "quarter")))
        node_key = decode_public_key((folder / "signing-key.pub").read_text("utf-8"))
        queued = node.store.shares_envelope(result["sequence"])
    finally:
        node.close()
    assert result["shares"] is True
    raw_bundle = (tmp_path / "p.json").read_bytes()
    raw_shares = (tmp_path / "p.shares.json").read_bytes()
    assert queued == raw_shares  # the ledger keeps what the offline file carries
    bundle = Bundle.from_bytes(Envelope.from_bytes(raw_bundle).payload)
    payload, _ = sh.open_envelope(raw_shares, {key_id(node_key): node_key})
    assert payload.bundle_digest == bundle_digest(raw_bundle)
    assert payload.bundle_sequence == bundle.sequence
    vectors = [sh.decrypt(payload, j, AGG_KEYS[j - 1]) for j in (1, 2, 3)]
    residuals = sh.combine([v.residuals for v in vectors])
    indicators = sh.combine([v.indicators for v in vectors])
    truth = {(t.name, t.period, key): n for t in exact for key, n in t.counts.items()}
    layout = sh.cell_layout(bundle.tables)
    published = [v for t in bundle.tables for _, v in t.cells]
    hidden = 0
    for (name, period, key), value, r, ind in zip(layout, published, residuals, indicators,
                                                   strict=True):  # fmt: skip
        true = truth.get((name, period, key), 0)
        assert r == (true if value is None else 0)
        assert ind == (1 if true >= 1 else 0)
        hidden += value is None and true > 0
    assert hidden > 0, "the test node hides some non-zero cells"
    # one share alone says nothing about which cells were non-zero: no small values in it
    assert sum(1 for x in vectors[0].residuals if x < 1000) < 3


def test_no_aggregators_means_no_shares(folder: Path, tmp_path: Path) -> None:
    node = Node(folder)
    try:
        result = node.op_publish(out=str(tmp_path / "p.json"))
    finally:
        node.close()
    assert result["shares"] is False
    assert not (tmp_path / "p.shares.json").exists()


def test_a_wrong_fingerprint_stops_publishing(folder: Path, tmp_path: Path) -> None:
    entries = aggregation_config(AGG_KEYS)
    entries[1]["fingerprint"] = "0000 0000 0000 0000 0000"
    set_aggregators(folder, entries)
    node = Node(folder)
    try:
        with pytest.raises(UsageError, match="fingeravtrycket för aggregator-a2"):
            node.op_publish(out=str(tmp_path / "p.json"))
    finally:
        node.close()
    assert not (tmp_path / "p.json").exists()
