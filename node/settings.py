"""The node folder's settings (node.toml), declared once with defaults and help."""

from __future__ import annotations

from pathlib import Path

from common.config import Config, Setting

CONFIG_NAME = "node.toml"
DB_NAME = "node.duckdb"

SETTINGS = [
    Setting("node", "id", "", "Förbundets id (a-z, 0-9, '-'), unikt i nätverket."),
    Setting("node", "name", "", "Förbundets namn."),
    Setting("node", "lan", [], "Län (tvåsiffriga koder) som förbundet verkar i."),
    Setting("node", "kommuner", [], "Medlemskommuner (fyrsiffriga koder)."),
    Setting("node", "population", 0, "Befolkning i förbundets område (0 = ej angiven)."),
    Setting("node", "contact_email", "", "E-post för synpunkter och tillgänglighetsproblem."),
    Setting("node", "synthetic", False, "Sant om noden bara har syntetiska data (demo)."),
    Setting("disclosure", "k", 3, "Minsta antal som får publiceras; 1..k-1 undertrycks."),
    Setting("publish", "hub_url", "", "Navets adress, t.ex. https://nav.example.se."),
    Setting(
        "publish",
        "hub_public_key",
        "",
        "Navets publika nyckel (för loggkontroll); tom = lita vid första kontakt.",
    ),
    Setting("publish", "granularity", ["year", "quarter"], "Perioder som publiceras."),
    Setting("publish", "expires_days", 120, "Hur många dagar ett publicerat paket gäller."),
    Setting("publish", "timeout_seconds", 20, "Tidsgräns för anrop till navet."),
    Setting("retention", "years_after_close", 2,
            "År efter avslut som fritext och kontaktuppgifter gallras (koder behålls)."),
    Setting("aggregation", "aggregators", [],
            "De tre aggregatorerna (party, id, hpke_public_key, fingerprint) som får var sin "
            "krypterade andel av det noden döljer; tom = inga andelar."),
    Setting("server", "host", "127.0.0.1", "Adress som servern lyssnar på."),
    Setting("server", "port", 8200, "Port som servern lyssnar på."),
]


def load(folder: Path) -> Config:
    return Config(SETTINGS, folder / CONFIG_NAME)
