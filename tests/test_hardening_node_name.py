"""Issue 16 item 4, at the source: ``lexheller node init`` refuses a node name that a
spreadsheet would run as a formula or that holds control or invisible characters, in Swedish
with what to do, and creates nothing; ordinary names (also with a hyphen inside) pass and
publish a bundle the hubs' wire parser accepts."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import pytest

from lexheller.cli import main
from lexheller.init import init_node
from schemas.wire import NodeInfo

HOSTILE = ['=HYPERLINK("http://evil.example","klicka")', "+1+cmd|' /C calc'!A0", "-2+3",
           "@SUM(1+1)", " =1", "\t=1", "Förbund\r=1", "Förbund\nVäst", "Förbund\x00",
           "Förbund\u202eVäst", "Förbund\u200bVäst", "", "   ", "x" * 201]  # fmt: skip
GOOD = ["Samordningsförbundet Väst", "Finsam Göteborg-Nordost", "Samordningsförbundet 4K",
        "Södra Älvsborg (Finsam)"]  # fmt: skip


def cli(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = main(list(args))
    return code, err.getvalue()


@pytest.mark.parametrize("name", HOSTILE)
def test_node_init_refuses_the_name_and_creates_nothing(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "nod"
    code, err = cli("node", "init", str(folder), "--id", "sf-test", "--name", name, "--lan", "14")
    assert code != 0
    assert "Namnet" in err and '--name "Samordningsförbundet Väst"' in err, err
    assert not folder.exists()


def test_message_says_what_was_wrong(tmp_path: Path) -> None:
    _, err = cli("node", "init", str(tmp_path / "a"), "--id", "sf-a", "--name", "=1+1",
                 "--lan", "14")  # fmt: skip
    assert "formel" in err and "börja med en bokstav eller siffra" in err
    _, err = cli("node", "init", str(tmp_path / "b"), "--id", "sf-b", "--name", "Väst\u200b",
                 "--lan", "14")  # fmt: skip
    assert "osynliga tecken (U+200B)" in err
    _, err = cli("--lang", "en", "node", "init", str(tmp_path / "c"), "--id", "sf-c",
                 "--name", "@x", "--lan", "14")  # fmt: skip
    assert "would become a formula" in err


@pytest.mark.parametrize("name", GOOD)
def test_ordinary_names_pass_and_stay_valid_on_the_wire(tmp_path: Path, name: str) -> None:
    init_node(tmp_path / "nod", node_id="sf-test", name=name, lan_codes=["14"],
              kommun_codes=["1480"])  # fmt: skip
    info = NodeInfo.from_dict({"id": "sf-test", "name": name, "lan": ["14"],
                               "kommuner": ["1480"], "population": 0})  # fmt: skip
    assert info.name == name
