"""Signals of the organisation, for the apps above it (layers run one way: they listen, the
organisation does not call them).

``grid_retiring`` is sent inside :func:`anjian.orgs.services.retire_grid`'s transaction, with
``grid`` and ``actor``: the accounts app ends the grid's inspector assignments, the registry
detaches the grid's enterprises, each auditing its own change in the same transaction (a
receiver's exception rolls the retirement back).
"""

from django.dispatch import Signal

grid_retiring = Signal()
