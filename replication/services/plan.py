"""The action plan of a replication: what is to be done, by which side and person, by when."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from registry import permissions

from ..models import ActionItem, Replication

ITEM_FIELDS = ("title", "side", "person", "due_on", "done_at")
DENIED = gettext_lazy("Only the replication's regions' editors and administrators keep its action plan.")


def _save(item: ActionItem, fields: dict) -> ActionItem:
    for name, value in fields.items():
        if name in ITEM_FIELDS:
            setattr(item, name, value)
    if item.side == "fasilitator" and not (
        item.replication.fasilitator_id or item.replication.fasilitator_name
    ):
        raise ValidationError({"side": _("This replication has no facilitator.")})
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_create(*, user, replication: Replication, **fields) -> ActionItem:
    permissions.require_on_replication(user, "plan", replication, DENIED)
    if not replication.is_open:
        raise ValidationError({"replication": _("This replication has ended.")})
    return _save(ActionItem(replication=replication), fields)


@transaction.atomic
def action_item_update(*, user, item: ActionItem, **fields) -> ActionItem:
    permissions.require_on_replication(user, "plan", item.replication, DENIED)
    return _save(item, fields)


@transaction.atomic
def action_item_delete(*, user, item: ActionItem) -> None:
    permissions.require_on_replication(user, "plan", item.replication, DENIED)
    item.delete()
