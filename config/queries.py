"""Query pieces that several apps use."""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_of(model, fk: str) -> Coalesce:
    """The number of `model` rows whose `fk` is the outer row, as a correlated subquery: no join and no
    GROUP BY on the outer query, 0 when there is none."""
    rows = (
        model.objects.filter(**{fk: OuterRef("pk")}).order_by().values(fk).annotate(n=Count("pk")).values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), 0)
