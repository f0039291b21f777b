"""The tests' ticket API: the reusable transition routes and nothing else."""

from ninja import Router

from anjian.core.tests.lifecycle_app.models import Ticket
from anjian.core.workflow.api import add_transition_routes

router = Router(tags=["lifecycle tests"])
add_transition_routes(router, Ticket, "/lifecycle-tickets")
