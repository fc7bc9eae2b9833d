"""A replication's evaluation takes its before/after figures from what the replication's copy reported:
the month before (or at the start of) the mentoring against a month after it. Written through the
replication's own `evaluation_record`, so its rule (the recipient's editors and administrators, in the
evaluation phase) and its checks apply; figures of the same measure entered earlier are replaced, others
kept, as are "service live" and the lessons."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from replication import services as replication_services
from replication.models import Evaluation, Replication

from ..choices import ForkStatus
from ..models import ServiceReport
from .results import parse_month


def _reported_label(label: str) -> str:
    """A measure taken from the reports says so (the evaluation's measures are stored in Indonesian)."""
    return f"{label} (laporan salinan)"


@transaction.atomic
def evaluation_from_reports(*, user, replication: Replication, before: str, after: str) -> Evaluation:
    """Record the reported figures of months `before` and `after` (YYYY-MM) of the replication's copy
    (its newest succeeded copy that reported both) as the evaluation's before/after figures."""
    errors = {}
    try:
        before_month = parse_month(before)
    except ValidationError as exc:
        errors["before"] = exc.message_dict["month"]
    try:
        after_month = parse_month(after)
    except ValidationError as exc:
        errors["after"] = exc.message_dict["month"]
    if not errors and after_month <= before_month:
        errors["after"] = [_("The month after must come later than the month before.")]
    if errors:
        raise ValidationError(errors)
    reports = {
        (report.fork_id, report.month): report
        for report in ServiceReport.objects.filter(
            fork__replication=replication,
            fork__status=ForkStatus.SUCCEEDED,
            month__in=[before_month, after_month],
        ).select_related("fork__version", "fork__current_version")
    }
    forks = [
        fork_id for fork_id, month in reports if month == after_month and (fork_id, before_month) in reports
    ]
    if not forks:
        raise ValidationError({"before": [_("No copy of this replication reported both months.")]})
    earlier, later = reports[(forks[0], before_month)], reports[(forks[0], after_month)]
    fork = later.fork
    declaration = (fork.current_version or fork.version).figures
    taken = [
        replication_services.FigureInput(
            label=_reported_label(figure["label"]["id"]),
            unit=figure.get("unit", {}).get("id", ""),
            before_value=Decimal(str(earlier.figures[figure["key"]])),
            before_on=before_month,
            after_value=Decimal(str(later.figures[figure["key"]])),
            after_on=after_month,
        )
        for figure in declaration
        if "breakdown" not in figure
        and earlier.figures.get(figure["key"]) is not None
        and later.figures.get(figure["key"]) is not None
    ]
    evaluation = Evaluation.objects.filter(replication=replication).prefetch_related("figures").first()
    labels = {figure.label for figure in taken}
    kept = [
        replication_services.FigureInput(
            label=row.label, unit=row.unit, before_value=row.before_value, before_on=row.before_on,
            after_value=row.after_value, after_on=row.after_on,
        )
        for row in (evaluation.figures.all() if evaluation else ())
        if row.label not in labels
    ]  # fmt: skip
    return replication_services.evaluation_record(
        user=user,
        replication=replication,
        service_live=evaluation.service_live if evaluation else True,
        lessons=evaluation.lessons if evaluation else "",
        figures=[*kept, *taken],
    )
