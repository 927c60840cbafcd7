"""`init` of an aggregator folder as a plain function returning a dict (the CLI prints it).

The other aggregator commands are typed operations of `aggregator.runtime.Aggregator`, run
through `lexheller.commands.run_op` (in the running server when one owns the folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aggregator.runtime import init_aggregator


def init(folder: Path, *, aggregator_id: str, party: int, name: str = "", national_hub: str = "",
         port: int | None = None, mpc_port: int | None = None, mode: str = "three",
         noise_scale: float | None = None) -> dict[str, Any]:  # fmt: skip
    return {"folder": str(folder), **init_aggregator(
        Path(folder), aggregator_id=aggregator_id, party=party, name=name,
        national_hub=national_hub, port=port, mpc_port=mpc_port, mode=mode,
        noise_scale=noise_scale)}  # fmt: skip
