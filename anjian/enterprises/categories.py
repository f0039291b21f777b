"""Which of the city's key supervision categories an industry suggests.

The key categories (``anjian/orgs/data/key_categories.csv``, list ``key``) carry an
*indicative* GB/T 4754-2017 scope: the regulations define most categories by licence, process
or premises (a works storing hazardous chemicals, a cold store using ammonia), not by industry
code. The scope therefore only *suggests* categories (demo data, the create page's hint); what
an enterprise is actually supervised as is recorded on the enterprise and edited by hand.
"""

from __future__ import annotations

from anjian.orgs.models import SupervisionCategory

__all__ = ["CategoryIndex", "suggested_category_keys"]


class CategoryIndex:
    """Key categories by indicative industry prefix, built with one query."""

    def __init__(self) -> None:
        self._prefixes: list[tuple[int, str, tuple[str, ...]]] = [
            (category.pk, category.key, category.indicative_prefixes)
            for category in SupervisionCategory.objects.key_list().only(
                "pk", "key", "indicative_industries"
            )
        ]

    def _matching(self, industry_code: str) -> list[tuple[int, str]]:
        return [
            (pk, key)
            for pk, key, prefixes in self._prefixes
            if any(industry_code.startswith(prefix) for prefix in prefixes)
        ]

    def ids_for(self, industry_code: str) -> list[int]:
        """Ids of the key categories whose indicative scope covers ``industry_code``."""
        return [pk for pk, _key in self._matching(industry_code)]

    def keys_for(self, industry_code: str) -> set[str]:
        """Keys of the key categories whose indicative scope covers ``industry_code``."""
        return {key for _pk, key in self._matching(industry_code)}


def suggested_category_keys(industry_code: str) -> set[str]:
    """Keys of the key categories an industry suggests (indicative, see the module docstring)."""
    return CategoryIndex().keys_for(industry_code)
