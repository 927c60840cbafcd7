"""The shared floor: what node, hub, aggregator and dashboards all stand on.

Layers (enforced by import-linter, see pyproject.toml): ``schemas`` (pure wire format and code
lists) ← ``common`` (errors, config, databases, keys, transport, control, serving, accounts, the
web kit, report model and renderers, bounds, formatting, disclosure model) ← ``node``, ``hub``,
``aggregator``, ``dashboards`` (never importing each other) ← ``lexheller`` (the command line,
the app composition that mounts dashboards into servers, the demo, init).
"""
