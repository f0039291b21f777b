"""The site's URLs plus two deliberately unscoped endpoints: the access test must catch them."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import path

from anjian.orgs.models import Grid
from anjian.urls import urlpatterns as site_urlpatterns


def leaky_grid_list(request: HttpRequest) -> JsonResponse:
    """Unscoped: every grid's name, whoever asks."""
    return JsonResponse({"grids": list(Grid.objects.values_list("name", flat=True))})


def leaky_grid_count(request: HttpRequest) -> HttpResponse:
    """Unscoped: a count that ignores the user's jurisdiction."""
    return HttpResponse(str(Grid.objects.count()))


def leaky_grid_search(request: HttpRequest) -> JsonResponse:
    """Scoped when listing, unscoped when searching: only the search variant catches it."""
    query = request.GET.get("q", "")
    grids = (
        Grid.objects.filter(name__contains=query)
        if query
        else Grid.objects.visible_to(request.user)
    )
    return JsonResponse({"grids": list(grids.values_list("name", flat=True))})


def leaky_grid_detail(request: HttpRequest, code: str) -> JsonResponse:
    """Unscoped: any grid by code."""
    grid = get_object_or_404(Grid, code=code)
    return JsonResponse({"name": grid.name})


def unclaimed_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A new endpoint naming an object that no access case claims."""
    return HttpResponse("")


urlpatterns = [
    *site_urlpatterns,
    path("leaky/grids/", leaky_grid_list, name="leaky_grid_list"),
    path("leaky/grids/count/", leaky_grid_count, name="leaky_grid_count"),
    path("leaky/grids/search/", leaky_grid_search, name="leaky_grid_search"),
    path("leaky/grids/<str:code>/", leaky_grid_detail, name="leaky_grid_detail"),
    path("leaky/things/<int:pk>/", unclaimed_detail, name="leaky_unclaimed"),
]
