"""The aggregator's commands as plain functions returning dicts (the CLI prints them).

`init` creates a folder; the others run an operation of `aggregator.runtime.Aggregator`
through `common.control.run_op` (in the running server when one owns the folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aggregator.runtime import Aggregator, init_aggregator
from common import control


def _op(folder: Path, name: str, **args: Any) -> dict[str, Any]:
    return control.run_op(Path(folder), Aggregator, name, **args)


def init(folder: Path, *, aggregator_id: str, party: int, name: str = "", national_hub: str = "",
         port: int | None = None, mpc_port: int | None = None, mode: str = "three",
         noise_scale: float | None = None) -> dict[str, Any]:  # fmt: skip
    return {"folder": str(folder), **init_aggregator(
        Path(folder), aggregator_id=aggregator_id, party=party, name=name,
        national_hub=national_hub, port=port, mpc_port=mpc_port, mode=mode,
        noise_scale=noise_scale)}  # fmt: skip


def key(folder: Path) -> dict[str, Any]:
    return _op(folder, "key")


def status(folder: Path) -> dict[str, Any]:
    return _op(folder, "status")


def trust_peer(folder: Path, *, party: int, aggregator_id: str, url: str, public_key: str,
               mpc_host: str = "127.0.0.1", mpc_port: int = 0) -> dict[str, Any]:  # fmt: skip
    return _op(folder, "trust_peer", party=party, aggregator_id=aggregator_id, url=url,
               public_key=public_key, mpc_host=mpc_host, mpc_port=mpc_port)  # fmt: skip


def close_batch(folder: Path, *, period: str, group: str | None = None) -> dict[str, Any]:
    """Run in this process, not through a running server's control port: a batch's MPC and
    joint audit can outlast the control call's timeout, and the leader's batches are files."""
    agg = Aggregator(Path(folder))
    try:
        return agg.op_close_batch(period, group)
    finally:
        agg.close()
