"""The evaluation of a replication: what changed for the service, measured before and after."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from registry import permissions

from ..choices import Phase
from ..models import Evaluation, EvaluationFigure, Replication


@dataclass(frozen=True)
class FigureInput:
    label: str
    before_value: Decimal
    before_on: datetime.date
    after_value: Decimal
    after_on: datetime.date
    unit: str = ""


@transaction.atomic
def evaluation_record(
    *,
    user,
    replication: Replication,
    service_live: bool,
    lessons: str = "",
    figures: Sequence[FigureInput] = (),
) -> Evaluation:
    """Record (or replace) the evaluation, in the evaluation phase; the figures replace the old ones."""
    replication = Replication.objects.select_for_update().get(pk=replication.pk)
    permissions.require_on_replication(
        user, "evaluate", replication, _("Only the recipient region's editors and administrators evaluate.")
    )
    if replication.phase != Phase.EVALUASI:
        raise ValidationError({"phase": _("A replication is evaluated in its evaluation phase.")})
    evaluation = Evaluation.objects.filter(replication=replication).first() or Evaluation(
        replication=replication
    )
    evaluation.service_live, evaluation.lessons, evaluation.recorded_by = service_live, lessons, user
    evaluation.full_clean()
    evaluation.save()
    rows = [EvaluationFigure(evaluation=evaluation, **vars(figure)) for figure in figures]
    errors = {}
    for index, row in enumerate(rows):
        try:
            row.full_clean(exclude=["evaluation"])
        except ValidationError as exc:
            errors[f"figures[{index}]"] = exc.messages
    if errors:
        raise ValidationError(errors)
    evaluation.figures.all().delete()
    EvaluationFigure.objects.bulk_create(rows)
    return evaluation
