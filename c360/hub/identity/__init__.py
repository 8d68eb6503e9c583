"""Master customer index: identity resolution (matching, clustering, golden records, stewardship)."""

__all__ = ["IdentityResolver", "resolve_full", "explain", "merge", "unmerge", "never_merge", "UnknownRecord"]

from c360.hub.identity.explain import explain
from c360.hub.identity.full_run import resolve_full
from c360.hub.identity.resolver import IdentityResolver
from c360.hub.identity.steward import UnknownRecord, merge, never_merge, unmerge
