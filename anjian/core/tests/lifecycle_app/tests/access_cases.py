"""The lifecycle routes in the access test: transitions, history, attachments and the calendar.

The tests' own ticket stands for every workflow model: its side-B ticket (town B, enterprise B)
and an attachment on it must answer as missing ones do on every transition, history, upload
and download route, for every role but the city office.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from anjian.accounts.choices import Role
from anjian.core.access_testing import AccessCase, World
from anjian.core.lifecycle_models import Attachment, CalendarAmendment
from anjian.core.tests.lifecycle_app.models import Ticket

EVERY_ROLE = frozenset(Role.values)
OWNER = "lifecycle_app.ticket"


def cases(world: World) -> list[AccessCase]:
    def ticket(w: World) -> Ticket:
        return Ticket.objects.create(
            title=f"B秘密整改单{w.serial()}", town=w.town_b, enterprise_code=w.enterprise_b
        )

    def attachment(w: World) -> Attachment:
        owner = ticket(w)
        return Attachment.objects.create(
            content_type=ContentType.objects.get_for_model(Ticket),
            object_id=owner.pk,
            file="attachments/side-b.jpg",
            thumbnail="attachments/side-b-thumb.jpg",
            original_name="B秘密照片.jpg",
            mime_type="image/jpeg",
            size=1,
            sha256="0" * 64,
            uploaded_by=w.owner_b(),
        )

    def amendment(w: World) -> CalendarAmendment:
        from datetime import date

        return CalendarAmendment.objects.create(
            day=date(2099, 1, w.serial() % 28 + 1), is_working_day=False, notice="B秘密通知"
        )

    def by_owner(t: Ticket) -> dict[str, object]:
        return {"owner": OWNER, "object_id": t.pk}

    return [
        AccessCase(
            "lifecycle_app.Ticket",
            ticket,
            {
                "GET /api/v1/lifecycle-tickets/{id}/transitions": lambda t: {"id": t.pk},
                "POST /api/v1/lifecycle-tickets/{id}/transitions": lambda t: {"id": t.pk},
                "GET /api/v1/attachments/{owner}/{object_id}": by_owner,
                "POST /api/v1/attachments/{owner}/{object_id}": by_owner,
                "core:transition": by_owner,
                "core:transition_history": by_owner,
                "core:attachment_upload": by_owner,
            },
            EVERY_ROLE - {Role.CITY},
        ),
        AccessCase(
            "core.Attachment",
            attachment,
            {
                "core:attachment_download": lambda a: {"pk": a.pk},
                "core:attachment_thumbnail": lambda a: {"pk": a.pk},
                "GET /api/v1/attachment-files/{pk}": lambda a: {"pk": a.pk},
            },
            EVERY_ROLE - {Role.CITY},
        ),
        AccessCase(
            # The calendar is everyone's to read; deleting an amendment is the city office's,
            # and for anyone else the delete route answers 404 (tested in test_lifecycle_pages).
            "core.CalendarAmendment",
            amendment,
            {"core:calendar_delete": lambda a: {"pk": a.pk}},
            frozenset(),
        ),
    ]
