"""[privacy] settings: the förbund's details on /personuppgifter ("Fyll i" until set), and
`lexheller node doctor` warning while they are not filled in."""

from __future__ import annotations

import tomllib
from pathlib import Path

from flask import Flask

from common.config import Config
from lexheller.init import init_node
from node import settings
from node.doctor import doctor
from node.runtime import Node
from node.web.public import PublicState, register_public

FILLED = {
    "controller": "Samordningsförbundet Testbygd, org.nr 222000-0000",
    "contact": "dataskydd@testbygd.example",
    "dpo": "Dataskyddsombudet i Testkommun, dso@testkommun.example",
    "purpose": "Att följa upp anmälningar om brister i samverkan och lyfta mönster.",
    "legal_basis": "Allmänt intresse, artikel 6.1 e dataskyddsförordningen.",
}


def page(folder: Path, lang: str = "sv") -> str:
    node = Node(folder)
    try:
        app = Flask("pd")
        register_public(app, node, PublicState(status_seconds=0.0))
        r = app.test_client().get(f"/personuppgifter?lang={lang}")
        assert r.status_code == 200
        return r.text
    finally:
        node.close()


def test_defaults_say_fill_in_until_the_forbund_writes_its_details(tmp_path: Path) -> None:
    folder = tmp_path / "sf-pv"
    init_node(folder, node_id="sf-pv", name="Testbygd", lan_codes=["14"], kommun_codes=["1480"])
    text = page(folder)
    assert "Fyll i: dataskyddsombudets namn" in text and 'id="pd-unfilled"' in text
    check = next(c for c in doctor(folder, timeout=1)["checks"] if c["name"] == "personuppgifter")
    assert check["level"] == "warn"
    assert "controller, contact, dpo, purpose, legal_basis" in check["sv"]
    assert "[privacy]" in check["fix_sv"] and "[privacy]" in check["fix_en"]

    values = tomllib.loads((folder / settings.CONFIG_NAME).read_text("utf-8"))
    values["privacy"] = dict(FILLED, dpo="")
    Config.write(folder / settings.CONFIG_NAME, values)
    check = next(c for c in doctor(folder, timeout=1)["checks"] if c["name"] == "personuppgifter")
    assert check["level"] == "warn" and "[privacy] dpo " in check["sv"], "empty is not filled"

    values["privacy"] = FILLED
    Config.write(folder / settings.CONFIG_NAME, values)
    text = page(folder)
    assert "Fyll i" not in text and 'id="pd-unfilled"' not in text
    for value in FILLED.values():
        assert value in text
    assert "Legal basis" in page(folder, "en")
    check = next(c for c in doctor(folder, timeout=1)["checks"] if c["name"] == "personuppgifter")
    assert check["level"] == "ok"
