"""Layered settings: declared defaults, then the folder's TOML file, then environment variables.

Each setting is declared once, with its default and help text. A node folder has `node.toml`,
a hub folder `hub.toml`; any setting can be overridden by an environment variable named
``LEXHELLER_<SECTION>_<KEY>`` (e.g. ``LEXHELLER_SERVER_PORT=8080``).
"""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from common.errors import UsageError


@dataclass(frozen=True)
class Setting:
    section: str
    key: str
    default: Any
    help: str

    @property
    def env(self) -> str:
        return f"LEXHELLER_{self.section}_{self.key}".upper()


def _coerce(raw: str, default: Any, name: str) -> Any:
    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "ja", "yes"):
                return True
            if raw.lower() in ("0", "false", "nej", "no"):
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
        if isinstance(default, list):
            return json.loads(raw) if raw.startswith("[") else [x for x in raw.split(",") if x]
    except ValueError as e:
        raise UsageError.of("err_env_invalid", name=name, raw=raw) from e
    return raw


class Config:
    """Settings of one folder, read once. Access as ``config["server"]["port"]``."""

    def __init__(self, settings: list[Setting], path: Path):
        self.path = path
        self.settings = settings
        data: dict[str, Any] = {}
        if path.exists():
            try:
                data = tomllib.loads(path.read_text("utf-8"))
            except tomllib.TOMLDecodeError as e:
                raise UsageError.of("err_config_unreadable", path=path, cause=e) from e
        self.values: dict[str, dict[str, Any]] = {}
        for s in settings:
            value = data.get(s.section, {}).get(s.key, s.default)
            if s.env in os.environ:
                value = _coerce(os.environ[s.env], s.default, s.env)
            self.values.setdefault(s.section, {})[s.key] = value

    def __getitem__(self, section: str) -> dict[str, Any]:
        return self.values[section]

    @staticmethod
    def write(path: Path, values: dict[str, dict[str, Any]]) -> None:
        clean = {sec: {k: v for k, v in kv.items() if v is not None} for sec, kv in values.items()}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(tomli_w.dumps(clean), "utf-8")
        tmp.replace(path)


def describe(settings: list[Setting]) -> str:
    """Help text listing every setting, its default and its environment variable."""
    lines = []
    for s in settings:
        lines.append(f"[{s.section}] {s.key} = {s.default!r}  ({s.env})\n    {s.help}")
    return "\n".join(lines)
