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
    Setting("publish", "actor_groups_below", 0,
            "År med färre anmälningar än så publicerar korstabellerna per aktörsgrupp (AF, FK, "
            "kommun, region, annan) i stället för per aktör; 0 = aldrig."),
    Setting("publish", "timeout_seconds", 20, "Tidsgräns för anrop till navet."),
    Setting("retention", "years_after_close", 2,
            "År efter avslut som fritext och kontaktuppgifter gallras (koder behålls)."),
    Setting("aggregation", "aggregators", [],
            "De tre aggregatorerna (party, id, hpke_public_key, fingerprint) som får var sin "
            "krypterade andel av det noden döljer; tom = inga andelar."),
    Setting("mail", "host", "", "SMTP-server för e-post; tom = ingen e-post skickas (köas ändå)."),
    Setting("mail", "port", 587, "SMTP-port (25, 465 för ssl, 587 för starttls)."),
    Setting("mail", "tls", "starttls", "Kryptering mot SMTP-servern: none, starttls eller ssl."),
    Setting("mail", "user", "", "Användarnamn hos SMTP-servern; tom = ingen inloggning."),
    Setting("mail", "password", "", "Lösenord hos SMTP-servern; sätt hellre "
            "LEXHELLER_MAIL_PASSWORD eller password_file än att skriva det i filen."),
    Setting("mail", "password_file", "", "Fil (relativ till nodmappen) med SMTP-lösenordet."),
    Setting("mail", "sender", "", "Avsändaradress, t.ex. lexheller@forbund.se."),
    Setting("mail", "base_url", "", "Nodens publika adress för länkar i e-post, "
            "t.ex. https://anmalan.forbund.se; tom = http://host:port."),
    Setting("mail", "timeout_seconds", 20, "Tidsgräns för ett SMTP-anrop."),
    Setting("mail", "max_attempts", 12, "Försök innan ett brev markeras som misslyckat."),
    Setting("mail", "digest_hour", 7, "Timme (0-23, UTC) då sammanställningar skickas."),
    Setting("workflow", "first_contact_days", 5,
            "Dagar efter mottagande inom vilka anmälaren ska kontaktas."),
    Setting("workflow", "forum_warning_days", 14,
            "Forumfrister inom så många dagar tas med i sammanställningen."),
    Setting("workflow", "inactive_days", 30,
            "Öppna ärenden utan händelse på så många dagar räknas som inaktiva."),
    Setting("privacy", "controller", "Fyll i: förbundets namn och organisationsnummer",
            "Personuppgiftsansvarig, som den står på sidan /personuppgifter."),
    Setting("privacy", "contact", "Fyll i: e-post eller telefon för frågor om personuppgifter",
            "Kontakt för frågor om personuppgifter och för att begära utdrag eller rättelse."),
    Setting("privacy", "dpo", "Fyll i: dataskyddsombudets namn och kontaktuppgifter",
            "Förbundets dataskyddsombud (ofta via en medlemskommun eller regionen)."),
    Setting("privacy", "purpose", "Fyll i: ändamålet med behandlingen",
            "Ändamål, t.ex. 'att följa upp anmälningar om brister i samverkan mellan "
            "myndigheter och lyfta mönster till förbundets beredningsgrupp och styrelse'."),
    Setting("privacy", "legal_basis", "Fyll i: rättslig grund",
            "Rättslig grund, t.ex. 'allmänt intresse (artikel 6.1 e i dataskyddsförordningen), "
            "förbundets uppdrag enligt lag (2003:1210) om finansiell samordning'."),
    Setting("server", "host", "127.0.0.1", "Adress som servern lyssnar på."),
    Setting("server", "port", 8200, "Port som servern lyssnar på."),
    Setting("server", "trusted_proxies", [],
            "Omvända proxyer (IP-adresser eller nät, t.ex. [\"127.0.0.1\"]) vars "
            "X-Forwarded-For/-Proto/-Host godtas; tom = inga (servern nås direkt)."),
    Setting("server", "metrics_token", "",
            "Token för /metrics från andra maskiner (Authorization: Bearer ...); tom = bara "
            "loopback. Sätt hellre LEXHELLER_SERVER_METRICS_TOKEN."),
]


PRIVACY_KEYS = ("controller", "contact", "dpo", "purpose", "legal_basis")


def privacy_unfilled(config: Config) -> list[str]:
    """The [privacy] settings still at their "Fyll i" default (or empty)."""
    defaults = {s.key: s.default for s in SETTINGS if s.section == "privacy"}
    return [k for k in PRIVACY_KEYS
            if not str(config["privacy"][k]).strip() or config["privacy"][k] == defaults[k]]


def load(folder: Path) -> Config:
    return Config(SETTINGS, folder / CONFIG_NAME)
