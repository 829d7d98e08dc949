"""Constraint helpers shared by the models."""

from django.db import models
from django.db.models import Q


def non_negative(*fields, name):
    """One CheckConstraint that keeps every named amount ≥ 0 (NULL allowed)."""
    condition = Q()
    for field in fields:
        condition &= Q(**{f"{field}__gte": 0}) | Q(**{f"{field}__isnull": True})
    return models.CheckConstraint(condition=condition, name=name)
