"""Accident reports, investigations and control quotas."""
