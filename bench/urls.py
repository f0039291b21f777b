"""The platform's URLs plus ``/bench/bare``: a Django JSON view with no database work, the
floor the API list is measured against (same server, same middleware)."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from anjian.urls import urlpatterns as platform_urlpatterns


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"items": [], "count": 0})


urlpatterns = [path("bench/bare", bare), *platform_urlpatterns]
