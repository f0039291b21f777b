"""``{% load audit_labels %}``: audit action codes as the UI shows them."""

from __future__ import annotations

from django import template

from anjian.core.audit import action_label

register = template.Library()

register.filter("action_label", action_label)
