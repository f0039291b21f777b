"""A pytest plugin for the mutation run (``make mutation``): a fast password hasher.

Argon2 is slow on purpose, the login-security tests hash dozens of passwords, and the mutation
run repeats them for every mutant. No rule under mutation depends on the hasher, so the run
swaps it for a fast one; ``make test`` keeps Argon2.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing() -> Iterator[None]:
    from django.conf import settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    saved = settings.PASSWORD_HASHERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
    yield
    settings.PASSWORD_HASHERS = saved
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()
