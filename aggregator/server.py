"""An aggregator's HTTP API (``lexheller aggregator serve DIR``), loopback by default.

A2 and A3 take part in the leader's batches through it:

    GET  /api/v1/aggregator          who we are (keys, fingerprints, party)
    POST /api/v1/batches             A1's signed member list (verified with A1's key, kept;
                                     another list for a (period, group, revision) → 409)
    POST /api/v1/jobs                start our MPC party for an accepted batch: the job names
                                     the public data by digest (we fetch and check it from the
                                     national hub ourselves), the MPC addresses and the policy
    GET  /api/v1/jobs/<digest>       running | done | failed, and the digest of what our MPC
                                     opened (the leader compares it with its own)
    POST /api/v1/jobs/<digest>/sign  the release bytes: signed by us only if it is what our own
                                     MPC opened (`aggregator.mpc.check_release`), else 409

Every error has the one JSON shape of every endpoint (`common.errors.error_body`, sent by
`common.web.errors`): {"ok": false, "status", "error", "message" (sv), "message_en", "errors",
"hint"?, "hint_en"?}.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any

from flask import Flask, Response, jsonify, request
from flask.typing import ResponseReturnValue

from aggregator.batch import BatchBook, BatchConflict
from aggregator.client import HubFiles, candidate_digest, write_job
from aggregator.runtime import Aggregator
from common import control
from common.errors import LexHellerError
from common.i18n import pair
from common.web.errors import error_response, install_json_errors
from schemas.release import PAYLOAD_TYPE_RELEASE, Release
from schemas.wire import WireError, decode_public_key, key_id, sign

API = "/api/v1"
MAX_BODY = 16 * 1024 * 1024
MPC_TIMEOUT = 3600.0


error = error_response


class Jobs:
    """This aggregator's MPC parties, one per batch digest, each waited for in a thread."""

    def __init__(self, agg: Aggregator) -> None:
        self.agg = agg
        self._lock = threading.Lock()
        self._state: dict[str, dict[str, Any]] = {}

    def state(self, digest: str) -> dict[str, Any] | None:
        with self._lock:
            if digest in self._state:
                return dict(self._state[digest])
        if self.agg.fallback.mode == "two-noise":  # no MPC party: ready once the job is written
            if (self.agg.folder / "jobs" / digest / "job.json").exists():
                return {"state": "done", "candidate": ""}
            return None
        result = self.agg.folder / "jobs" / digest / "result.json"
        if result.exists():  # finished before a restart
            return {
                "state": "done",
                "candidate": candidate_digest(json.loads(result.read_text("utf-8"))),
            }
        return None

    def start(self, stored: Any, spec: dict[str, Any]) -> dict[str, Any]:
        from aggregator import mpc

        digest = stored.batch.digest()
        with self._lock:
            if self._state.get(digest, {}).get("state") == "running":
                return dict(self._state[digest])
            self._state[digest] = {"state": "running"}
        try:
            files = HubFiles(self.agg.folder, self.agg.config["aggregator"]["national_hub"])
            job_path = write_job(self.agg, files, stored, spec)
            if self.agg.fallback.mode == "two-noise":
                with self._lock:
                    self._state[digest] = {"state": "done", "candidate": ""}
                return {"state": "done"}
            proc = mpc.spawn(job_path, job_path.parent / "party.log")
        except (LexHellerError, WireError, OSError) as e:
            with self._lock:
                self._state[digest] = {"state": "failed", "message": str(e)}
            raise
        threading.Thread(target=self._wait, args=(digest, proc, job_path.parent),
                         name=f"mpc-{digest[:8]}", daemon=True).start()  # fmt: skip
        return {"state": "running"}

    def _wait(self, digest: str, proc: Any, jobdir: Any) -> None:
        from aggregator import mpc

        deadline = time.monotonic() + MPC_TIMEOUT
        while proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.5)
        mpc.stop(proc)
        result = jobdir / "result.json"
        if proc.returncode == 0 and result.exists():
            state = {"state": "done",
                     "candidate": candidate_digest(json.loads(result.read_text("utf-8")))}  # fmt: skip
        else:
            state = {"state": "failed", "message": "MPC-parten avslutades utan resultat "
                     f"(kod {proc.returncode}); se {jobdir / 'party.log'}"}  # fmt: skip
        with self._lock:
            self._state[digest] = state


def create_app(agg: Aggregator, token_holder: dict[str, str] | None = None) -> Flask:
    app = Flask("aggregator")
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    book = BatchBook(agg.batches_dir)
    jobs = Jobs(agg)

    def leader_keys() -> dict[str, Any]:
        keys = {}
        for p in agg.peers():
            if int(p["party"]) == 1:
                k = decode_public_key(str(p["public_key"]))
                keys[key_id(k)] = k
        return keys

    def find(digest: str) -> Any:
        for row in book.summary():
            if row["digest"] == digest:
                return book.get(row["period"], row["group"], row["revision"])
        return None

    def member_only() -> Response | None:
        if agg.leader:
            return error(409, "leader", "Ledaren (part 1) tar inte emot omgångar; den stänger dem.",
                         "The leader (party 1) does not accept batches; it closes them.")  # fmt: skip
        return None

    @app.get(f"{API}/aggregator")
    def info() -> ResponseReturnValue:
        return jsonify({"ok": True, **agg.op_key()})

    @app.post(f"{API}/batches")
    def post_batch() -> ResponseReturnValue:
        if (r := member_only()) is not None:
            return r
        keys = leader_keys()
        if not keys:
            return error(401, "no_leader", "Ledarens nyckel är inte registrerad här (trust-peer --party 1).",
                         "The leader's key is not recorded here (trust-peer --party 1).")  # fmt: skip
        try:
            batch = book.accept(request.get_data(), keys)
        except BatchConflict as e:
            return error(409, "batch_conflict", e.sv, e.en)
        except WireError as e:
            return error(e.http_status, e.code, f"Medlemslistan godtas inte: {e}",
                         f"The member list is refused: {e}")  # fmt: skip
        return jsonify({"ok": True, "digest": batch.digest(), "period": batch.period,
                        "group": batch.group_id, "revision": batch.revision}), 201  # fmt: skip

    @app.post(f"{API}/jobs")
    def post_job() -> ResponseReturnValue:
        if (r := member_only()) is not None:
            return r
        try:
            spec = json.loads(request.get_data())
            digest = str(spec["batch_digest"])
            parties = [[str(h), int(p)] for h, p in spec["parties"]]
            policy = {
                "k": int(spec["policy"]["k"]),
                "min_hidden": int(spec["policy"]["min_hidden"]),
            }
            aggregation = spec.get("aggregation") or {"mode": "three"}
            aggregation = {"mode": str(aggregation["mode"]),
                           **({"noise_scale": float(aggregation["noise_scale"])}
                              if "noise_scale" in aggregation else {})}  # fmt: skip
            spec = {"parties": parties, "policy": policy, "bundles": dict(spec["bundles"]),
                    "releases": list(spec["releases"]), "groups": dict(spec["groups"])}  # fmt: skip
        except (ValueError, KeyError, TypeError) as e:
            return error(
                400, "bad_job", f"Jobbet är felaktigt: {e!r}.", f"The job is malformed: {e!r}."
            )
        stored = find(digest)
        if stored is None:
            return error(404, "unknown_batch", "Ingen godkänd omgång med den kontrollsumman; skicka listan först.",
                         "No accepted batch with that digest; send the list first.")  # fmt: skip
        fb = agg.fallback
        own_mode = {"mode": fb.mode, **({"noise_scale": fb.noise_scale} if fb.mode == "two-noise" else {})}
        if aggregation != own_mode:
            return error(409, "aggregation_mode",
                         f"Jobbets sammanräkningssätt {aggregation} är inte vårt {own_mode} "
                         "([aggregation] i aggregator.toml ska vara lika hos båda).",
                         f"The job's aggregation {aggregation} is not ours {own_mode} "
                         "([aggregation] in aggregator.toml must be equal at both).")  # fmt: skip
        ours = [agg.config["mpc"]["host"], int(agg.config["mpc"]["port"])]
        if fb.mode == "three" and (len(parties) != 3 or parties[agg.party - 1] != ours):
            return error(409, "mpc_address", f"Jobbet anger fel MPC-adress för part {agg.party} (vår är {ours[0]}:{ours[1]}).",
                         f"The job gives a wrong MPC address for party {agg.party} (ours is {ours[0]}:{ours[1]}).")  # fmt: skip
        own = {
            "k": int(agg.config["policy"]["k"]),
            "min_hidden": int(agg.config["policy"]["min_hidden"]),
        }
        if policy != own:
            return error(409, "policy", f"Jobbets regler {policy} är inte våra {own}.",
                         f"The job's policy {policy} is not ours {own}.")  # fmt: skip
        try:
            state = jobs.start(stored, spec)
        except LexHellerError as e:
            return error(502, "job_failed", e.sv, e.en)
        except WireError as e:
            return error(
                422, e.code, f"Jobbets data godtas inte: {e}", f"The job's data is refused: {e}"
            )
        return jsonify({"ok": True, "digest": digest, **state}), 202

    @app.get(f"{API}/jobs/<digest>")
    def job_state(digest: str) -> ResponseReturnValue:
        state = jobs.state(digest)
        if state is None:
            return error(404, "not_found", "Inget sådant jobb.", "No such job.")
        return jsonify({"ok": True, "digest": digest, **state})

    @app.post(f"{API}/jobs/<digest>/open")
    def open_two_noise(digest: str) -> ResponseReturnValue:
        """Two-noise mode: the leader sends its part of a step (``checks``, then ``sums``) and
        gets ours, made before we saw the leader's. The leader's part is kept; another one
        for the same step is refused (no re-drawing noise after seeing ours)."""
        from aggregator import fallback

        if (r := member_only()) is not None:
            return r
        jobdir = agg.folder / "jobs" / digest
        if agg.fallback.mode != "two-noise" or find(digest) is None or not (jobdir / "job.json").exists():
            return error(404, "not_found", "Inget jobb i läget two-noise för den omgången.",
                         "No two-noise job for that batch.")  # fmt: skip
        job = json.loads((jobdir / "job.json").read_text("utf-8"))
        try:
            body = json.loads(request.get_data())
            step, values = str(body["step"]), body["values"]
            if step not in ("checks", "sums"):
                raise ValueError(f"unknown step {step!r}")
        except (ValueError, KeyError, TypeError) as e:
            return error(400, "bad_opening", f"Begäran är felaktig: {e!r}.", f"The request is malformed: {e!r}.")
        kept = jobdir / f"leader-{step}.json"
        if kept.exists() and json.loads(kept.read_text("utf-8")) != values:
            return error(409, "opening_conflict",
                         "Ledaren har redan skickat ett annat värde för det här steget.",
                         "The leader already sent another value for this step.")  # fmt: skip
        mine_checks = fallback.checks(job)
        if step == "checks":
            if set(values) != set(mine_checks):
                return error(409, "members", "Kontrollen nämner andra medlemmar än omgången.",
                             "The checks name other members than the batch.")  # fmt: skip
            kept.write_text(json.dumps(values), "utf-8")
            return jsonify({"ok": True, "step": step, "values": mine_checks})
        lead_checks = jobdir / "leader-checks.json"
        if not lead_checks.exists():
            return error(409, "order", "Kontrollen mot paketen måste komma först.",
                         "The check against the bundles must come first.")  # fmt: skip
        valid = fallback.valid_members(mine_checks, json.loads(lead_checks.read_text("utf-8")))
        if body.get("valid") != valid:
            return error(409, "members", f"Ledaren räknar andra giltiga medlemmar än vi ({valid}).",
                         f"The leader counts other valid members than we do ({valid}).")  # fmt: skip
        mine = fallback.noisy_opening(job, jobdir, valid, agg.fallback.noise_scale)
        if len(values) != len(mine):
            return error(409, "cells", "Ledarens summor gäller andra celler än våra.",
                         "The leader's sums are for other cells than ours.")  # fmt: skip
        kept.write_text(json.dumps(values), "utf-8")
        return jsonify({"ok": True, "step": step, "values": mine})

    @app.post(f"{API}/jobs/<digest>/sign")
    def sign_release(digest: str) -> ResponseReturnValue:
        from aggregator.mpc import ReleaseMismatch, check_release

        if agg.fallback.mode == "two-noise":
            return sign_two_noise(digest)
        result_path = agg.folder / "jobs" / digest / "result.json"
        stored = find(digest)
        if stored is None or not result_path.exists():
            return error(404, "not_found", "Inget avslutat jobb för den omgången.",
                         "No finished job for that batch.")  # fmt: skip
        body = request.get_data()
        try:
            release = Release.from_bytes(body)
            check_release(release, json.loads(result_path.read_text("utf-8")))
        except WireError as e:
            return error(
                422, e.code, f"Frisläppningen är ogiltig: {e}", f"The release is invalid: {e}"
            )
        except ReleaseMismatch as e:
            return error(409, "release_mismatch",
                         f"Frisläppningen är inte vad vår MPC öppnade: {e}",
                         f"The release is not what our MPC opened: {e}")  # fmt: skip
        env = sign(PAYLOAD_TYPE_RELEASE, body, [agg.signing_key])
        (result_path.parent / "signed.json").write_bytes(env.to_bytes())
        return Response(env.to_bytes(), mimetype="application/json")

    def sign_two_noise(digest: str) -> ResponseReturnValue:
        """Sign only the release both noisy openings give (`aggregator.fallback.release_from`)."""
        from aggregator import fallback

        jobdir = agg.folder / "jobs" / digest
        kept = [jobdir / "leader-checks.json", jobdir / "leader-sums.json",
                jobdir / "noisy-opening.json"]  # fmt: skip
        if find(digest) is None or not all(p.exists() for p in kept):
            return error(404, "not_found", "Inga öppnade brusade summor för den omgången.",
                         "No opened noisy sums for that batch.")  # fmt: skip
        job = json.loads((jobdir / "job.json").read_text("utf-8"))
        mine = json.loads(kept[2].read_text("utf-8"))
        expect = fallback.release_from(job, mine["valid"], mine["values"],
                                       json.loads(kept[1].read_text("utf-8")),
                                       agg.fallback.noise_scale).to_bytes()  # fmt: skip
        body = request.get_data()
        if body != expect:
            return error(409, "release_mismatch",
                         "Frisläppningen är inte den som de två brusade summorna ger.",
                         "The release is not the one the two noisy openings give.")  # fmt: skip
        env = sign(PAYLOAD_TYPE_RELEASE, body, [agg.signing_key])
        (jobdir / "signed.json").write_bytes(env.to_bytes())
        return Response(env.to_bytes(), mimetype="application/json")

    install_json_errors(app, "/")  # every path of the aggregator is JSON

    @app.errorhandler(Exception)
    def _internal(e: Exception) -> ResponseReturnValue:
        app.logger.exception("internal error")
        return error(500, "internal", *pair("err_http_500"), hint=pair("err_http_500_hint"))

    if token_holder is not None:
        control.register(app, token_holder, agg.operations())
    return app
