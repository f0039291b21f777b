"""The platform's URLs plus the floors the API list is measured against (same server, same
middleware, no authentication):

- ``/bench/bare``: a Django JSON view with no database work;
- ``/bench/one-query``: the same after one trivial query (``SELECT 1``), the price of touching
  the database at all on this server;
- ``/bench/page-only``: one page of 20 enterprises read by index with raw SQL: no joins, no
  categories, no count, no token check, the least any list can do.
"""

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import path

from anjian.enterprises.models import Enterprise
from anjian.urls import urlpatterns as platform_urlpatterns

_PAGE_SQL = (
    f'SELECT "id", "credit_code", "name", "town_id", "industry_id", "status", "longitude",'  # noqa: S608
    f' "latitude" FROM "{Enterprise._meta.db_table}" WHERE "town_id" = %s AND "status" = %s'
    ' ORDER BY "name", "id" LIMIT 20'
)


def bare(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"items": [], "count": 0})


def one_query(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchall()
    return JsonResponse({"items": [], "count": 0})


def page_only(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(_PAGE_SQL, [int(request.GET["town"]), request.GET["status"]])
        rows = cursor.fetchall()
    return JsonResponse({"items": [list(row) for row in rows], "count": len(rows)})


urlpatterns = [
    path("bench/bare", bare),
    path("bench/one-query", one_query),
    path("bench/page-only", page_only),
    *platform_urlpatterns,
]
