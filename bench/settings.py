"""Settings of the benchmark server: the platform's own, plus a bare endpoint as the floor."""

from anjian.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
