"""Texts of the web kit's shared pages (login, logout, errors, the personal-data findings),
used by a node's staff pages and a hub's admin pages alike; registered with :mod:`common.web.i18n`."""

from __future__ import annotations

from common.web.i18n import register_strings

STRINGS: dict[str, tuple[str, str]] = {
    "st_logged_in_as": ("Inloggad som {user}", "Logged in as {user}"),
    "st_logout": ("Logga ut", "Log out"),
    "st_login_title": ("Logga in", "Log in"),
    "st_username": ("Användarnamn", "User name"),
    "st_password": ("Lösenord", "Password"),
    "st_login_button": ("Logga in", "Log in"),
    "st_expired": (
        "Du har loggats ut eftersom sessionen gick ut. Logga in igen.",
        "You were logged out because the session expired. Log in again.",
    ),  # fmt: skip,
    "st_logged_out": ("Du är utloggad.", "You are logged out."),
    "st_error_heading": ("Det gick inte att spara", "It could not be saved"),
    "st_login_error_heading": ("Inloggningen misslyckades", "Login failed"),
    "st_findings_heading": ("Texten innehåller personuppgifter", "The text contains personal data"),
    "st_findings_lead": (
        "Vi hittade följande. Ta bort det, eller spara ändå om det inte är "
        "personuppgifter om en enskild (till exempel förbundets växelnummer).",
        "We found the following. Remove it, or save anyway if it is not "
        "personal data about an individual (for example the association's "
        "switchboard number).",
    ),  # fmt: skip,
    "st_finding": ("{kind} i {field}: {text}", "{kind} in {field}: {text}"),
    "st_override": (
        "Jag har kontrollerat texten och sparar den ändå (loggas)",
        "I have checked the text and save it anyway (logged)",
    ),  # fmt: skip,
    "st_override_reason": ("Varför", "Why"),
}

register_strings(STRINGS)
