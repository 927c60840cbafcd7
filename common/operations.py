"""Typed operations: what a command may run in a node, hub or aggregator folder.

Each operation has a frozen argument dataclass and a frozen result dataclass; a runtime's
registry maps the operation's name to ``Operation(name, function, args, result)``. The command
line builds the arguments from its options (:func:`lexheller.commands.run_op`), the control
endpoint of a running server rebuilds them from JSON (:mod:`common.control`), and both hand the
function's answer back as the result type — so a field that one side adds and the other does
not know fails here, by name, instead of somewhere in a printout.

The functions themselves stay plain (keyword arguments in, a JSON-shaped dict out); an
``Operation`` is also callable that way, for in-process callers written against them.

    Operation.run(args) -> Result            typed, used by the CLI and the control endpoint
    Operation(**kwargs) -> dict              the plain function, unchanged
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import MISSING, asdict, dataclass, fields, is_dataclass
from typing import Any, TypeVar

T = TypeVar("T")
log = logging.getLogger("lexheller.control")
Rows = list[dict[str, Any]]


class OperationShapeError(TypeError):
    """An operation's function answered with fields its result type does not declare (or
    without fields it requires): a programming error, named with the operation."""


@dataclass(frozen=True)
class Result:
    """Base of every operation result: fields by attribute, and ``r["field"]`` for callers that
    read the dicts operations used to return."""

    def __getitem__(self, name: str) -> Any:
        if name not in {f.name for f in fields(self)}:
            raise KeyError(name)
        return getattr(self, name)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class NoArgs:
    """The arguments of an operation that takes none."""


def as_kwargs(obj: Any) -> dict[str, Any]:
    """A dataclass instance's fields, one level deep (values are not copied)."""
    return {f.name: getattr(obj, f.name) for f in fields(obj)}


def shape_problems(cls: type, data: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """(unknown keys, missing required keys) of `data` for dataclass `cls`."""
    declared = fields(cls)  # type: ignore[arg-type]
    names = {f.name for f in declared}
    required = {f.name for f in declared if f.default is MISSING and f.default_factory is MISSING}
    return sorted(set(data) - names), sorted(required - set(data))


def decode(cls: type[T], data: Mapping[str, Any], what: str) -> T:
    """`cls(**data)`, or OperationShapeError naming `what` and the keys that do not fit."""
    if not isinstance(data, Mapping):
        raise OperationShapeError(f"{what}: expected a mapping, got {type(data).__name__}")
    unknown, missing = shape_problems(cls, data)
    if unknown or missing:
        raise OperationShapeError(f"{what}: unknown fields {unknown}, missing fields {missing} "
                                  f"for {cls.__name__}")  # fmt: skip
    return cls(**data)


@dataclass(frozen=True)
class Operation:
    """One operation of a runtime: its name, the function, its argument and result types."""

    name: str
    function: Callable[..., dict[str, Any]]
    args: type
    result: type

    def __call__(self, **kwargs: Any) -> dict[str, Any]:
        return self.function(**kwargs)

    def run(self, args: Any) -> Any:
        """Run with typed arguments; the function's dict comes back as the result type."""
        if not isinstance(args, self.args):
            raise TypeError(f"{self.name}: arguments must be {self.args.__name__}, "
                            f"not {type(args).__name__}")  # fmt: skip
        return decode(self.result, self.function(**as_kwargs(args)), f"result of {self.name}")

    def args_from(self, data: Mapping[str, Any]) -> Any:
        """The arguments sent over the control endpoint (``dataclasses.asdict`` of an Args)."""
        from common.errors import UsageError

        unknown, missing = shape_problems(self.args, data)
        if unknown or missing:  # the command and the server are different versions
            log.warning("control %s: unknown arguments %s, missing %s", self.name, unknown, missing)
            raise UsageError.of("err_control_args", op=self.name)
        return self.args(**data)


def registry(functions: Mapping[str, Callable[..., dict[str, Any]]],
             types: Mapping[str, tuple[type, type]]) -> dict[str, Operation]:  # fmt: skip
    """Pair each function with its (Args, Result); every function must have types and every
    type entry a function, so a new operation cannot be registered untyped."""
    untyped = sorted(set(functions) - set(types))
    unused = sorted(set(types) - set(functions))
    if untyped or unused:
        raise OperationShapeError(f"operations without types: {untyped}; types without an "
                                  f"operation: {unused}")  # fmt: skip
    for name, (a, r) in types.items():
        if not (is_dataclass(a) and is_dataclass(r) and issubclass(r, Result)):
            raise OperationShapeError(f"{name}: Args and Result must be dataclasses "
                                      "(Result a subclass of common.operations.Result)")
    return {name: Operation(name, fn, *types[name]) for name, fn in functions.items()}


def to_json(value: Any) -> Any:
    """A result (or a plain dict) as JSON-ready data."""
    return asdict(value) if is_dataclass(value) and not isinstance(value, type) else value


# ---------------------------------------------------------------- shared by node and hub


@dataclass(frozen=True)
class PasswordArgs:
    username: str
    password: str


@dataclass(frozen=True)
class PasswordSet(Result):
    username: str


@dataclass(frozen=True)
class BackupArgs:
    out: str
    passphrase: str | None = None
    plain_keys: bool = False


@dataclass(frozen=True)
class BackedUp(Result):
    out: str
    kind: str
    id: str
    files: int
    bytes: int
    encrypted: list[str]
    keys_encrypted: bool


@dataclass(frozen=True)
class Migrated(Result):
    kind: str
    before: int
    after: int
    latest: int
    applied: list[str]
    history: Rows
