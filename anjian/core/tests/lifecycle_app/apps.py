from django.apps import AppConfig


class LifecycleAppConfig(AppConfig):
    name = "anjian.core.tests.lifecycle_app"
    label = "lifecycle_app"
    verbose_name = "lifecycle mechanisms (tests only)"

    def ready(self) -> None:
        # The tests' own API routes join the site's API before its URLs are built.
        from anjian.api import api
        from anjian.core.tests.lifecycle_app.api import router

        api.add_router("/", router)
