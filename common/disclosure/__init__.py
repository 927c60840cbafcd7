"""Disclosure control shared by nodes and hubs: the attacker's exact model of what was published.

``model`` holds the public data model (tables as linear images of hidden counts per base
period); ``exact`` builds the integer model of everything one or more nodes published, every
revision included, with the exact aggregates hubs released, and audits it.
"""

from __future__ import annotations

from common.disclosure.exact import Bound, ExactAudit, ExactModel, Finding

__all__ = ["Bound", "ExactAudit", "ExactModel", "Finding"]
