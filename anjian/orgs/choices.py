from django.db import models
from django.utils.translation import gettext_lazy as _


class TownKind(models.TextChoices):
    TOWN = "town", _("镇")
    SUBDISTRICT = "subdistrict", _("街道")


class IndustryLevel(models.TextChoices):
    SECTION = "section", _("门类")
    DIVISION = "division", _("大类")
    GROUP = "group", _("中类")
    CLASS = "class", _("小类")
