"""Errors carry a message id, its parameters and a "what to do", rendered once at the edge:
every id raised in the code has Swedish and English text and a hint, with exactly the fields
the raise site gives; the command line prints both lines in the person's language."""

from __future__ import annotations

import ast
import json
import string
import subprocess
import sys
from pathlib import Path

import pytest

from common import i18n
from common.errors import (
    HINT_SUFFIX,
    TransportError,
    UsageError,
    error_body,
    error_body_of,
    error_from_body,
)

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("common", "node", "hub", "aggregator", "dashboards", "lexheller", "schemas")


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


# the calls that name an error's message id, and which positional argument it is
NAMING = {"of": 0, "message_response": 2, "_refused": 0, "_hub_refused": 0, "_damaged": 1}
# keywords of those calls that are not fields of the message (the HTTP status of a refusal)
NOT_FIELDS = {"_refused": {"status"}, "_hub_refused": {"status"}}
# fields a helper fills in itself (common.backup._damaged names the archive)
ADDED_FIELDS = {"_damaged": {"archive"}}


def raise_sites() -> list[tuple[str, str, set[str]]]:
    """(where, message id, keyword names) of every ``SomeError.of("id", name=...)`` and
    ``message_response(status, code, "id", name=...)`` call."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
                at = NAMING.get(str(name))
                if at is None or len(node.args) <= at:
                    continue
                key = node.args[at]
                if isinstance(key, ast.Constant) and str(key.value).startswith("err_"):
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    given = {k.arg for k in node.keywords if k.arg} - NOT_FIELDS.get(str(name), set())
                    given |= ADDED_FIELDS.get(str(name), set())
                    found.append((where, str(key.value), given))
    return found


def test_the_raise_sites_are_found() -> None:
    ids = {code for _, code, _ in raise_sites()}
    # the errors a new person meets first are among them
    assert {"err_node_folder_missing", "err_hub_folder_missing", "err_key_missing",
            "err_hub_unreachable", "err_import_file_missing",
            "err_login_refused", "err_api_unknown_table"} <= ids  # fmt: skip


def test_every_id_raised_has_both_languages_and_a_hint_with_the_fields_given() -> None:
    sv, en = i18n.messages("sv"), i18n.messages("en")
    problems = []
    for where, code, given in raise_sites():
        for key in (code, code + HINT_SUFFIX):
            if key not in sv or key not in en:
                problems.append(f"{where}: {key} is missing in a catalog")
            elif not _fields(sv[key]) <= given or not _fields(en[key]) <= given:
                problems.append(f"{where}: {key} needs {_fields(sv[key])}, the site gives {given}")
        if code in sv and not given <= _fields(sv[code]) | _fields(sv.get(code + HINT_SUFFIX, "")):
            problems.append(f"{where}: {code} does not use {given}")
    assert not problems, problems


def test_an_error_renders_its_text_and_hint_in_either_language(tmp_path: Path) -> None:
    e = UsageError.of("err_node_folder_missing", folder=tmp_path)
    assert e.code == "err_node_folder_missing" and e.params == {"folder": tmp_path}
    assert e.message("sv") == f"{tmp_path} är ingen nodmapp (node.toml saknas)."
    assert e.message("en") == f"{tmp_path} is not a node folder (node.toml is missing)."
    assert str(e) == e.sv == e.message("sv") and e.en == e.message("en")
    assert f"lexheller node init {tmp_path}" in e.hint("sv") and "Skapa" in e.hint("sv")
    assert "Create it" in e.hint("en")
    assert e.diagnostics("sv").splitlines() == [e.message("sv"), "Vad du kan göra: " + e.hint("sv")]
    assert e.diagnostics("en").splitlines()[1] == "What to do: " + e.hint("en")
    with pytest.raises(UsageError, match="ingen nodmapp"):
        raise e


def test_finished_sentences_still_work_and_carry_the_class_code() -> None:
    e = UsageError("Något var fel.", "Something was wrong.")
    assert (e.code, e.sv, e.en, e.hint("sv"), e.coded) == (
        "usage_error", "Något var fel.", "Something was wrong.", None, False)
    assert e.diagnostics("en") == "Something was wrong."
    # a transport failure says what to do even when the raise site gave only sentences
    t = TransportError("Nätet föll.", "The network fell.")
    assert t.hint("sv") and "navet" in t.hint("sv") and "hub" in t.hint("en")


def test_the_json_body_round_trips_to_the_same_error() -> None:
    e = UsageError.of("err_synth_years", years="tjugo")
    body = error_body_of(e, 400)
    assert body == error_body(400, "err_synth_years", e.sv, e.en,
                              hint=(e.hint("sv"), e.hint("en")))  # fmt: skip
    assert set(body) == {"ok", "status", "error", "message", "message_en", "errors", "hint",
                         "hint_en"} and body["ok"] is False  # fmt: skip
    again = error_from_body(json.loads(json.dumps(body)), UsageError)
    assert (again.code, again.sv, again.en, again.hint("sv"), again.hint("en")) == (
        e.code, e.sv, e.en, e.hint("sv"), e.hint("en"))
    # a body without a hint (an older server) gives an error without one
    plain = error_from_body(error_body(409, "conflict", "Krock.", "Clash."), UsageError)
    assert plain.hint("sv") is None and plain.en == "Clash." and plain.code == "conflict"


def test_a_server_error_read_back_keeps_its_status_where_it_is_printed_again() -> None:
    """The command line prints the body of an error the running server answered: an internal
    error stays a 500 (it said 400), and an error of its own is a 400."""
    internal = error_from_body(error_body(500, "internal_server_error", "Internt fel.",
                                          "Internal error."), UsageError)  # fmt: skip
    assert error_body_of(internal)["status"] == 500
    assert error_body_of(internal, 400)["status"] == 400  # an explicit status wins
    assert error_body_of(UsageError.of("err_synth_years", years="tjugo"))["status"] == 400


def _lexheller(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "lexheller.cli", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_the_command_line_says_what_happened_and_what_to_do(tmp_path: Path) -> None:
    missing = tmp_path / "ingen"
    sv = _lexheller("node", "status", str(missing))
    assert sv.returncode == 2 and sv.stdout == ""
    assert sv.stderr.splitlines() == [
        f"Fel: {missing} är ingen nodmapp (node.toml saknas).",
        f"Vad du kan göra: Skapa den med 'lexheller node init {missing}', eller ange mappen där "
        "node.toml ligger.",
    ]
    en = _lexheller("--lang", "en", "hub", "status", str(missing))
    assert en.returncode == 2
    assert en.stderr.splitlines()[0] == f"Error: {missing} is not a hub folder (hub.toml is missing)."
    assert en.stderr.splitlines()[1].startswith(f"What to do: Create it with 'lexheller hub init {missing}'")
    as_json = _lexheller("--json", "node", "status", str(missing))
    body = json.loads(as_json.stderr)
    assert as_json.returncode == 2 and body["error"] == "err_node_folder_missing"
    assert body["hint_en"].startswith("Create it") and body["status"] == 400


def test_an_error_in_the_running_server_reaches_the_command_line_with_its_hint(
        make_node, capsys) -> None:  # fmt: skip
    """While `node serve` owns the folder, a command runs in the server: an error raised there
    travels as the one JSON body and is printed once, with what to do, in the person's
    language."""
    from common import control
    from common.serving import Server
    from lexheller.cli import main
    from node.server import create_app

    node = make_node(years=())
    token: dict[str, str] = {}
    server = Server(create_app(node, token), "127.0.0.1", 0).start()
    token["token"] = control.announce(node.folder, "127.0.0.1", server.port)
    try:
        assert main(["node", "synth", str(node.folder), "--years", "tjugo"]) == 2
        err = capsys.readouterr().err.splitlines()
        assert err == ["Fel: --years ska vara t.ex. 2022-2025, inte 'tjugo'.",
                       "Vad du kan göra: Ange ett år (2025) eller ett spann av år med bindestreck "
                       "(2022-2025)."]  # fmt: skip
        assert main(["--lang", "en", "node", "synth", str(node.folder), "--years", "x"]) == 2
        err = capsys.readouterr().err.splitlines()
        assert err[0] == "Error: --years must be like 2022-2025, not 'x'." and err[1].startswith(
            "What to do: Give one year (2025)")
    finally:
        server.stop()
        control.withdraw(node.folder)


def test_a_web_page_shows_only_a_hint_written_for_a_person_at_a_page() -> None:
    from common.web.errors import page_hint

    refused = UsageError.of("err_login_refused")
    assert "lexheller" in refused.hint("sv")  # the command line's hint names a command
    assert page_hint(refused, "sv") == i18n.t("err_login_refused_page_hint", "sv")
    assert "administrator" in page_hint(refused, "en") and "lexheller" not in page_hint(refused, "en")
    # a hint that names a command and has no page version is not shown on a page
    folder = UsageError.of("err_node_folder_missing", folder="/x")
    assert "lexheller node init" in folder.hint("sv") and page_hint(folder, "sv") is None
    # a hint without a command is shown as it is; finished sentences carry none
    years = UsageError.of("err_synth_years", years="x")
    assert page_hint(years, "en") == years.hint("en")
    assert page_hint(UsageError("Fel.", "Wrong."), "sv") is None


# Raise sites that still give finished sentences, and why: each relays words it did not write
# (a remote's message, per language), or builds its text from per-language parts a message's
# fields cannot carry. A new raise site names a catalog message instead.
SENTENCES_ALLOWED = {
    "aggregator/client.py": 4,  # a hub's or a peer's refusal, in its own words and with its hint
    "node/enrolment.py": 1,  # the hub's answer to an enrolment request, in its own words
    "node/web/staff_summaries.py": 1,  # the hub's refusal of a summary, in its own words
    "aggregator/runtime.py": 1,  # aggregator.toml problems, each already in both languages
    "node/workflow.py": 1,  # "choose <code list label>": the label is per language
    "hub/enrolment_pages.py": 1,  # a catalog text already (the page's language)
    "common/accounts.py": 2,  # LockedOut(until, now): the class writes the sentence
    "node/messages.py": 1,  # ReporterTextRefused(reason, findings): the page renders the reason
}


def _error_classes(trees: list[ast.Module]) -> set[str]:
    names, grew = {"LexHellerError", "UsageError", "RemoteRefused", "TransportError"}, True
    while grew:
        grew = False
        for tree in trees:
            for node in ast.walk(tree):
                bases = {getattr(b, "id", None) or getattr(b, "attr", None) for b in
                         getattr(node, "bases", [])}  # fmt: skip
                if isinstance(node, ast.ClassDef) and node.name not in names and bases & names:
                    names.add(node.name)
                    grew = True
    return names


def test_no_new_raise_site_gives_finished_sentences() -> None:
    paths = [p for package in PACKAGES for p in sorted((ROOT / package).rglob("*.py"))]
    trees = {p: ast.parse(p.read_text("utf-8")) for p in paths}
    classes = _error_classes(list(trees.values()))
    found: dict[str, int] = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                f = node.exc.func
                if (getattr(f, "id", None) or getattr(f, "attr", None)) in classes and len(
                        node.exc.args) >= 2:  # fmt: skip
                    where = str(path.relative_to(ROOT))
                    found[where] = found.get(where, 0) + 1
    more = {f: n for f, n in found.items() if n > SENTENCES_ALLOWED.get(f, 0)}
    assert not more, f"raise SomeError.of('err_...') with a hint instead of sentences: {more}"
    assert sum(found.values()) <= sum(SENTENCES_ALLOWED.values())
