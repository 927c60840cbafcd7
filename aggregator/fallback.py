"""The two-aggregator fallback: approximate figures when only two aggregators exist.

With two parties there is no honest majority, so MPyC's secure comparisons (the gate) and
the joint audit's promise "nothing unsafe is ever opened" cannot hold. Instead (as DAP's
differential-privacy option): each aggregator adds discrete-Gaussian noise (OpenDP
``make_gaussian`` on integers) to its share-sum of every cell *before* it opens it, so the
opened hidden part is ``R + N₁ + N₂`` and neither aggregator, nor anyone else, learns R:

    published = P (the public, published part) + max(0, R + N₁ + N₂)

Every such figure is marked approximate, with ``± margin`` = the half-width of the 95 %
interval of N₁ + N₂ (σ·√2·1.96, rounded up). A cell that no förbund hid is public already and
is not part of an approximate release (the dashboards show it exactly from the bundles).

Setting (aggregator.toml, ``[aggregation]``): ``mode = "three"`` (default, exact MPC) or
``"two-noise"``; ``noise_scale`` = σ per aggregator (default 3.0). The noise must come from
each aggregator's own process: `noisy_share_sum` is what each runs locally.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aggregator.protect import BatchInfo, CellRef, PublicCell, public_cells
from schemas.release import Noise, Release, ReleaseCell, ReleaseGroup

MODES = ("three", "two-noise")
DEFAULT_SCALE = 3.0


@dataclass(frozen=True)
class FallbackSetting:
    mode: str = "three"
    noise_scale: float = DEFAULT_SCALE

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ValueError(
                f"[aggregation] mode måste vara en av {', '.join(MODES)} / must be one of "
                f"{', '.join(MODES)}, inte/not {self.mode!r}"
            )
        if not 0.5 <= self.noise_scale <= 100:
            raise ValueError(
                "[aggregation] noise_scale (σ per aggregator) ska ligga mellan 0,5 och 100 / "
                f"must lie between 0.5 and 100, not {self.noise_scale}"
            )

    @classmethod
    def from_config(cls, section: Mapping[str, object]) -> FallbackSetting:
        scale = section.get("noise_scale", DEFAULT_SCALE)
        return cls(str(section.get("mode", "three")), float(scale))  # type: ignore[arg-type]


def margin(scale: float, aggregators: int = 2) -> int:
    """Half-width of the 95 % interval of the summed noise of `aggregators` parties."""
    return math.ceil(1.96 * scale * math.sqrt(aggregators))


def _sampler(scale: float):  # type: ignore[no-untyped-def]
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp.m.make_gaussian(dp.atom_domain(T=int), dp.absolute_distance(T=int), scale=scale)


def noisy_share_sum(share_sums: Mapping[CellRef, int], modulus: int, scale: float) -> dict[CellRef, int]:
    """One aggregator's opened values: its share-sum per cell plus its own discrete-Gaussian
    noise, modulo the field (the two openings add up to R + N₁ + N₂ mod `modulus`)."""
    meas = _sampler(scale)
    return {ref: (s + int(meas(0))) % modulus for ref, s in share_sums.items()}


def combine(a: Mapping[CellRef, int], b: Mapping[CellRef, int], modulus: int) -> dict[CellRef, int]:
    """R + N₁ + N₂ per cell from the two openings, as a signed integer (noise can be < 0)."""
    out = {}
    for ref in a:
        v = (a[ref] + b[ref]) % modulus
        out[ref] = v - modulus if v > modulus // 2 else v
    return out


def approximate_release(
    batch: BatchInfo,
    public: Mapping[CellRef, PublicCell],
    noisy_residuals: Mapping[CellRef, int],
    scale: float,
    k: int,
    batch_digest: str,
    created: datetime,
) -> Release:
    """The release document of the fallback: every hidden cell as published part + noisy
    hidden part (never below the published part), marked approximate with its ± margin."""
    cells = []
    for ref, info in public.items():
        if info.known:
            continue
        value = info.published + max(0, noisy_residuals[ref])
        cells.append(ReleaseCell(ref[2], ref[3], False, value, None))
    cells.sort(key=lambda c: (c.table, c.key))
    noise = Noise("discrete_gaussian", 2, float(scale), margin(scale))
    group = ReleaseGroup(batch.group_id, batch.level, tuple(sorted(batch.members)))
    return Release(group, batch.period, batch.revision, batch_digest, created, k, tuple(cells),
                   True, noise)  # fmt: skip


# --------------------------------------------------------------------------- the protocol
#
# Two aggregators, A1 (leader) and A2. A node's share envelope always has three shares (the
# format of `schemas.shares`); with two aggregators the nodes encrypt share 3 to A2 as well
# (`node_entries`), so A2 adds its shares 2 and 3 and the two hold an additive 2-party split.
# For one batch (the same signed member list as in "three" mode) each party, from its job
# file (`aggregator.client.write_job`):
#
# 1. `checks`: per member, Σ c·(residual share) + Σ c'·(indicator share) over the member's
#    *published* cells with public random coefficients (A1 also subtracts the public
#    Σ c'·[value ≥ 1]); the two add up to 0 for a node whose shares agree with its bundle
#    (published cells carry residual 0 and indicator [value ≥ 1]); a member whose checks do
#    not add up to 0 is refused. (Hidden cells' bounds need secure comparisons: not checked
#    in this mode.)
# 2. `noisy_sums`: per hidden cell of the batch (valid members only), its share-sum plus its
#    own discrete-Gaussian noise; made once per batch and kept (a rerun never draws new
#    noise, so no one can average noise away by asking again);
# 3. the two exchange (1) then (2) (A1 sends first, A2 answers with its own, already fixed);
#    both build the same release (`release_from`), A2 signs only that one.


def node_entries(keys: list[Mapping[str, object]]) -> list[dict[str, object]]:
    """The ``[aggregation] aggregators`` entries of node.toml for a two-aggregator federation
    (`keys`: the two aggregators' `op_key`): share 1 to A1, shares 2 and 3 to A2 (share 3
    labelled ``<A2 id>-andel3``, as the envelope names three recipients)."""
    by_party = {int(k["party"]): k for k in keys}  # type: ignore[call-overload]
    if sorted(by_party) != [1, 2]:
        raise ValueError("two-noise: give the keys of party 1 and party 2")
    a2 = by_party[2]
    out = [{"party": p, "id": str(by_party[p]["aggregator_id"]),
            "hpke_public_key": by_party[p]["hpke_public_key"],
            "fingerprint": by_party[p]["hpke_fingerprint"]} for p in (1, 2)]  # fmt: skip
    out.append({"party": 3, "id": f"{a2['aggregator_id']}-andel3",
                "hpke_public_key": a2["hpke_public_key"], "fingerprint": a2["hpke_fingerprint"]})
    return out


def share_parties(party: int, mode: str) -> tuple[int, ...]:
    """Which of a node's three shares this aggregator decrypts (and adds)."""
    if mode == "two-noise":
        return (1,) if party == 1 else (2, 3)
    return (party,)


def _coefficient(seed: bytes, i: int, modulus: int) -> int:
    import hashlib

    h = hashlib.sha256(seed + i.to_bytes(8, "big")).digest()
    return int.from_bytes(h, "big") % (modulus - 1) + 1


def _members(job: Mapping[str, Any]) -> list[tuple[str, Any, Any]]:
    from aggregator.mpc import _bundle
    from schemas.shares import ShareVector

    return [(m["node_id"], _bundle(m["bundle"]), ShareVector.from_bytes(Path(m["shares"]).read_bytes()))
            for m in job["members"]]  # fmt: skip


def checks(job: Mapping[str, Any]) -> dict[str, int]:
    """This party's part of each member's check against its own bundle (step 1). The
    leader's part includes the public term, so the two parts add up to 0 for a good node."""
    from schemas.shares import MODULUS, cell_layout

    seed = bytes.fromhex(job["batch"]["digest"])
    out = {}
    for node_id, bundle, vec in _members(job):
        values = [v for t in bundle.tables for _, v in t.cells]
        z = 0
        for i, _cell in enumerate(cell_layout(bundle.tables)):
            if values[i] is None:
                continue
            c1, c2 = _coefficient(seed, 2 * i, MODULUS), _coefficient(seed, 2 * i + 1, MODULUS)
            z += c1 * vec.residuals[i] + c2 * vec.indicators[i]
            if job["party"] == 1:
                z -= c2 * (1 if values[i] >= 1 else 0)
        out[node_id] = z % MODULUS
    return out


def valid_members(mine: Mapping[str, int], theirs: Mapping[str, int]) -> list[str]:
    from schemas.shares import MODULUS

    if set(mine) != set(theirs):
        raise ValueError("the two parties' checks name different members")
    return sorted(n for n in mine if (mine[n] + theirs[n]) % MODULUS == 0)


def batch_info(job: Mapping[str, Any], valid: list[str]) -> BatchInfo:
    b = job["batch"]
    seqs = tuple((str(n), int(s)) for n, s in b.get("sequences", []) if n in valid)
    return BatchInfo(b["group_id"], b["level"], b["period"], int(b["revision"]), tuple(valid), seqs)


def share_sums(job: Mapping[str, Any], valid: list[str]) -> dict[CellRef, int]:
    """This party's share-sum over the valid members of every hidden cell of the batch."""
    from aggregator.mpc import public_data
    from schemas.shares import MODULUS, cell_layout

    batch = batch_info(job, valid)
    info = public_cells(batch, public_data(job))
    sums = {ref: 0 for ref, c in info.items() if not c.known}
    for node_id, bundle, vec in _members(job):
        if node_id not in valid:
            continue
        values = [v for t in bundle.tables for _, v in t.cells]
        for i, (table, period, key) in enumerate(cell_layout(bundle.tables)):
            ref = (batch.group_id, period, table, key)
            if period == batch.period and values[i] is None and ref in sums:
                sums[ref] = (sums[ref] + vec.residuals[i]) % MODULUS
    return sums


def encode(values: Mapping[CellRef, int]) -> list[list[Any]]:
    return [[ref[2], list(ref[3]), v] for ref, v in sorted(values.items())]


def decode(job: Mapping[str, Any], rows: list[list[Any]]) -> dict[CellRef, int]:
    g, p = job["batch"]["group_id"], job["batch"]["period"]
    return {(g, p, str(t), tuple(k)): int(v) for t, k, v in rows}


def noisy_opening(job: Mapping[str, Any], jobdir: Path, valid: list[str], scale: float) -> list[list[Any]]:
    """Step 2, made once per batch and kept in the job folder (0600): this party's noisy
    share-sums over the valid members."""
    import json
    import os

    from schemas.shares import MODULUS

    path = jobdir / "noisy-opening.json"
    if path.exists():
        kept = json.loads(path.read_text("utf-8"))
        if kept["valid"] == valid:
            return kept["values"]
        raise ValueError("this batch was already opened with other valid members")
    values = encode(noisy_share_sum(share_sums(job, valid), MODULUS, scale))
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"valid": valid, "values": values}, f)
    return values


def release_from(job: Mapping[str, Any], valid: list[str], mine: list[list[Any]],
                 theirs: list[list[Any]], scale: float) -> Release:  # fmt: skip
    """The release both parties build from the two noisy openings (A2 signs only this)."""
    from aggregator.mpc import public_data
    from schemas.shares import MODULUS
    from schemas.wire import parse_time

    a, b = decode(job, mine), decode(job, theirs)
    if set(a) != set(b):
        raise ValueError("the two noisy openings cover different cells")
    batch = batch_info(job, valid)
    info = public_cells(batch, public_data(job))
    noisy = combine(a, b, MODULUS)
    created = parse_time(job["batch"]["closed"], "closed").astimezone(UTC)
    return approximate_release(batch, info, noisy, scale, int(job["policy"]["k"]),
                               job["batch"]["digest"], created)  # fmt: skip
