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
from datetime import datetime

from aggregator.protect import BatchInfo, CellRef, PublicCell
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
