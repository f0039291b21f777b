"""Anjian (安监): work-safety supervision platform."""

from anjian.celery import app as celery_app

__all__ = ["celery_app"]
