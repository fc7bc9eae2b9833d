"""One initial event for every adoption recorded before adoptions had a timeline: its date, stage,
evidence and source as the record holds them. The page only ever showed "since" to the month, so that is
the precision the event claims."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def initial_events(apps, schema_editor):
    Adoption = apps.get_model("catalog", "Adoption")
    AdoptionEvent = apps.get_model("catalog", "AdoptionEvent")
    missing = Adoption.objects.filter(events__isnull=True).order_by("pk")
    AdoptionEvent.objects.bulk_create(
        [
            AdoptionEvent(
                adoption_id=adoption.pk,
                occurred_on=adoption.since,
                date_precision="month",
                stage=adoption.stage,
                evidence_url=adoption.evidence_url,
                evidence_note=adoption.evidence_note,
                source=adoption.source,
                recorded_by_id=adoption.recorded_by_id,
                verified=adoption.verified,
            )
            for adoption in missing.iterator()
        ],
        batch_size=500,
    )
    # Recorded when the adoption was, not when this migration ran (auto_now_add set it on insert).
    AdoptionEvent.objects.update(
        created_at=Subquery(Adoption.objects.filter(pk=OuterRef("adoption_id")).values("created_at")[:1])
    )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0010_adoptionevent")]

    operations = [migrations.RunPython(initial_events, migrations.RunPython.noop)]
