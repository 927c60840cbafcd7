"""The hub folder's settings (hub.toml), declared once with defaults and help."""

from __future__ import annotations

from pathlib import Path

from common.config import Config, Setting

CONFIG_NAME = "hub.toml"
DB_NAME = "hub.duckdb"

SETTINGS = [
    Setting("hub", "id", "", "Navets id (a-z, 0-9, '-')."),
    Setting("hub", "name", "", "Navets namn, visas i dashboarden."),
    Setting("hub", "level", "regional", "regional eller national."),
    Setting(
        "hub",
        "upstream",
        "",
        "Adress till det nationella navet som godkända paket skickas vidare till.",
    ),
    Setting("hub", "contact_email", "", "E-post för synpunkter och tillgänglighetsproblem."),
    Setting("policy", "min_k", 3, "Minsta k som navet godtar i ett paket."),
    Setting("policy", "max_bundle_bytes", 8 * 1024 * 1024, "Största paket som tas emot (byte)."),
    Setting("server", "host", "127.0.0.1", "Adress som servern lyssnar på."),
    Setting("server", "port", 8100, "Port som servern lyssnar på."),
    Setting("server", "trusted_proxies", [],
            "Omvända proxyer (IP-adresser eller nät, t.ex. [\"127.0.0.1\"]) vars "
            "X-Forwarded-For/-Proto/-Host godtas; tom = inga (servern nås direkt)."),
    Setting("server", "metrics_token", "",
            "Token för /metrics från andra maskiner (Authorization: Bearer ...); tom = bara "
            "loopback. Sätt hellre LEXHELLER_SERVER_METRICS_TOKEN."),
    Setting("server", "forward_interval_seconds", 2.0, "Hur ofta kön till uppströmsnavet töms."),
]


def load(folder: Path) -> Config:
    return Config(SETTINGS, folder / CONFIG_NAME)
