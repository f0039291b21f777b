"""Roles and the kinds of jurisdiction they are bound to.

They are defined in :mod:`anjian.core.roles`, at the bottom of the layers, because every layer
scopes by them; this module names them for the accounts app and the apps that already import
them from here.
"""

from anjian.core.roles import ROLE_JURISDICTION, JurisdictionKind, Role

__all__ = ["ROLE_JURISDICTION", "JurisdictionKind", "Role"]
