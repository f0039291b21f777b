"""The test suite's settings: the site's, plus a small app of the tests' own.

``anjian.core.tests.lifecycle_app`` holds a workflow model with a deadline and attachments, on
which the lifecycle mechanisms are tested without depending on any domain module. It has its
own migration and is installed only here, so ``makemigrations --check`` on the site's settings
never sees it.
"""

from anjian.settings import *  # noqa: F403
from anjian.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "anjian.core.tests.lifecycle_app"]
