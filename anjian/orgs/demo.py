"""Demo data of the organisation: a grid layout for every town."""

from anjian.core.democity import DemoContext
from anjian.orgs.services import build_demo_grids


def build(context: DemoContext) -> str:
    """Four grids in each of the 21 towns."""
    created = build_demo_grids(per_town=4)
    return f"{created} grids created"
