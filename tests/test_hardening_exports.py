"""Issue 16 item 4: a node name (or any text from a node) is never a live formula in the hubs'
exports, and a hub refuses a node name that starts like one."""

from __future__ import annotations

import io
from typing import Any

import flask
import polars as pl
import pytest
from openpyxl import load_workbook

from dashboards.app import create_dash
from dashboards.data import FrameSource
from dashboards.export import neutralise
from dashboards.sample import sample_frames
from schemas.wire import InvalidPayload, NodeInfo

HOSTILE_NAMES = ['=HYPERLINK("http://evil.example","klicka")', "+1+cmd|' /C calc'!A0",
                 "-2+3", "@SUM(1+1)", "\t=1", "\r=1"]  # fmt: skip


@pytest.fixture(scope="module")
def client() -> flask.testing.FlaskClient:
    sample = sample_frames()
    names = sorted(sample.nodes["node_name"].unique().to_list())
    rename = {n: HOSTILE_NAMES[i % len(HOSTILE_NAMES)] + f" {i}" for i, n in enumerate(names)}
    nodes = sample.nodes.with_columns(pl.col("node_name").replace(rename))
    cells = sample.cells
    if "node_name" in cells.columns:
        cells = cells.with_columns(pl.col("node_name").replace(rename))
    server = flask.Flask("export")
    create_dash(server, FrameSource(cells, nodes), title="t", url_base_pathname="/d/")
    return server.test_client()


def test_xlsx_has_no_formula_cells_and_keeps_names_as_text(client: flask.testing.FlaskClient) -> None:
    resp = client.get("/d/export.xlsx?kind=year")
    assert resp.status_code == 200
    wb = load_workbook(io.BytesIO(resp.data))
    formulas, hostile_text = 0, 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                formulas += cell.data_type == "f"
                hostile_text += isinstance(cell.value, str) and cell.value.startswith(
                    tuple(n[0] for n in HOSTILE_NAMES)) and cell.data_type == "s"  # fmt: skip
    assert formulas == 0
    assert hostile_text > 0  # the names are there, as text


def test_csv_fields_never_start_like_a_formula(client: flask.testing.FlaskClient) -> None:
    text = client.get("/d/export.csv?kind=year").get_data(as_text=True).lstrip("\ufeff")
    rows = [line.split(";") for line in text.splitlines()[1:]]
    assert rows
    seen = 0
    for row in rows:
        for field in row:
            field = field.strip('"')
            if field and field[0] in "=+-@\t\r":
                pytest.fail(f"live formula in CSV: {field!r}")
            seen += field.startswith("'") and field[1:2] in ("=", "+", "-", "@", "\t", "\r")
    assert seen > 0


@pytest.mark.parametrize("text", ["=1", "+1", "-1", "@x", "\t=1", "\r=1"])
def test_neutralise(text: str) -> None:
    assert neutralise(text) == "'" + text
    assert neutralise("Göteborgs förbund") == "Göteborgs förbund"


@pytest.mark.parametrize("name", ["=HYPERLINK(1)", "+x", "-x", "@x", "Förbund\x00", "A\nB"])
def test_hub_refuses_a_node_name_that_starts_like_a_formula(name: str) -> None:
    d = {"id": "nod-1", "name": name, "lan": ["14"], "kommuner": [], "population": None}
    with pytest.raises(InvalidPayload):
        NodeInfo.from_dict(d)
    assert NodeInfo.from_dict({**d, "name": "Samordningsförbundet Centrala Göteborg"}).name


def test_hub_api_csv_neutralises_codes_from_a_node(make_hub: Any) -> None:
    import base64
    import json

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from hub.server import create_app
    from schemas.wire import PAYLOAD_TYPE_AGGREGATES, sign
    from tests.helpers import VECTOR_CLOCK, vector, vector_keys

    hub = make_hub(clock=VECTOR_CLOCK)
    keys = vector_keys()
    hub.op_enroll(keys["node"]["id"], keys["node"]["public_key"])
    env = json.loads(vector("valid_bundle.json"))
    payload = json.loads(base64.b64decode(env["payload"]))
    table = next(t for t in payload["tables"] if t["name"] == "problemtyp")
    table["cells"][0]["key"] = ["=1+cmd|'/C calc'!A0"]
    raw = json.dumps(payload).encode()
    key = Ed25519PrivateKey.from_private_bytes(bytes([1]) * 32)
    client = create_app(hub).test_client()
    r = client.post("/api/v1/bundles", data=sign(PAYLOAD_TYPE_AGGREGATES, raw, [key]).to_bytes())
    assert r.status_code == 201, r.get_json()
    text = client.get("/api/v1/aggregates/problemtyp?format=csv").get_data(as_text=True)
    fields = [f for line in text.splitlines() for f in line.split(",")]
    assert "'=1+cmd|'/C calc'!A0" in text
    live = [f for f in fields if f.strip('"') != "-"  # the unclassified code, no formula
            and f.lstrip('"').startswith(("=", "+", "-", "@"))]  # fmt: skip
    assert live == []
