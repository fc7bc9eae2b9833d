from decimal import Decimal
from unittest import mock

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase

from config import region
from perencanaan.models import BudgetCeiling, Criterion, Proposal, ProposalScore, Status, Village

from .helpers import make_agency, make_criteria, make_proposal, make_user, make_village, submitted_proposal


class VillageTests(TestCase):
    def test_str_names_kind_and_district(self):
        village = make_village("Sidomulyo", district_name="Tulis")
        self.assertEqual(str(village), "Desa Sidomulyo, Kec. Tulis")

    def test_kelurahan_may_propose_only_when_allowed(self):
        desa = make_village(kind=Village.Kind.DESA)
        kelurahan = make_village(kind=Village.Kind.KELURAHAN)
        with mock.patch.object(region, "ALLOW_KELURAHAN", False):
            self.assertTrue(desa.may_propose)
            self.assertFalse(kelurahan.may_propose)
        with mock.patch.object(region, "ALLOW_KELURAHAN", True):
            self.assertTrue(kelurahan.may_propose)


class ProposalModelTests(TestCase):
    def test_defaults_to_region_fiscal_year_and_draft(self):
        proposal = Proposal(title="x")
        self.assertEqual(proposal.fiscal_year, region.FISCAL_YEAR)
        self.assertEqual(proposal.status, Status.DRAFT)
        self.assertEqual(proposal.priority_score, Decimal("0"))

    def test_clean_refuses_kelurahan_when_not_allowed(self):
        proposal = make_proposal()
        proposal.village = make_village(kind=Village.Kind.KELURAHAN)
        with mock.patch.object(region, "ALLOW_KELURAHAN", False):
            with self.assertRaises(ValidationError) as ctx:
                proposal.full_clean()
        self.assertIn("village", ctx.exception.message_dict)

    def test_full_clean_validates_amounts(self):
        proposal = make_proposal()
        proposal.cost_estimate = 0
        proposal.volume = Decimal("0")
        with self.assertRaises(ValidationError) as ctx:
            proposal.full_clean()
        self.assertIn("cost_estimate", ctx.exception.message_dict)
        self.assertIn("volume", ctx.exception.message_dict)

    def test_database_refuses_zero_cost(self):
        proposal = make_proposal()
        with self.assertRaises(IntegrityError), transaction.atomic():
            Proposal.objects.filter(pk=proposal.pk).update(cost_estimate=0)

    def test_is_editable_only_for_draft_and_returned(self):
        proposal = make_proposal()
        for status, editable in [
            (Status.DRAFT, True),
            (Status.RETURNED, True),
            (Status.SUBMITTED, False),
            (Status.APPROVED, False),
            (Status.REJECTED, False),
        ]:
            proposal.status = status
            self.assertEqual(proposal.is_editable, editable, status)

    def test_visibility(self):
        owner, other, staff = make_user(), make_user(), make_user(staff=True)
        draft = make_proposal(owner)
        public = submitted_proposal(owner)
        self.assertEqual(list(Proposal.objects.visible_to(AnonymousUser())), [public])
        self.assertEqual(list(Proposal.objects.visible_to(other)), [public])
        self.assertEqual(set(Proposal.objects.visible_to(owner)), {draft, public})
        self.assertEqual(set(Proposal.objects.visible_to(staff)), {draft, public})

    def test_ranked_orders_by_score_then_age(self):
        first, second, third = make_proposal(), make_proposal(), make_proposal()
        Proposal.objects.filter(pk=first.pk).update(priority_score=Decimal("50"))
        Proposal.objects.filter(pk=second.pk).update(priority_score=Decimal("80"))
        Proposal.objects.filter(pk=third.pk).update(priority_score=Decimal("50"))
        self.assertEqual(list(Proposal.objects.ranked()), [second, first, third])


class CriterionAndScoreTests(TestCase):
    def test_weight_above_100_is_invalid(self):
        criterion = Criterion(code="x", name="X", weight=101)
        with self.assertRaises(ValidationError):
            criterion.full_clean()

    def test_score_value_must_be_between_1_and_5(self):
        (criterion,) = make_criteria(10)
        proposal = make_proposal()
        for bad in (0, 6):
            with self.assertRaises(ValidationError):
                ProposalScore(proposal=proposal, criterion=criterion, value=bad).full_clean()
        ProposalScore(proposal=proposal, criterion=criterion, value=5).full_clean()


class BudgetCeilingTests(TestCase):
    def test_remaining_subtracts_only_approved_proposals_of_same_agency_and_year(self):
        agency = make_agency(ceiling=1_000_000)
        other = make_agency()
        ceiling = BudgetCeiling.objects.get(agency=agency)
        approved = make_proposal(cost_estimate=300_000)
        pending = make_proposal(cost_estimate=200_000)
        other_year = make_proposal(cost_estimate=100_000)
        other_agency = make_proposal(cost_estimate=100_000)
        Proposal.objects.filter(pk__in=[approved.pk, pending.pk, other_year.pk]).update(agency=agency)
        Proposal.objects.filter(pk=other_agency.pk).update(agency=other, status=Status.APPROVED)
        Proposal.objects.filter(pk__in=[approved.pk, other_year.pk]).update(status=Status.APPROVED)
        Proposal.objects.filter(pk=other_year.pk).update(fiscal_year=region.FISCAL_YEAR + 1)
        self.assertEqual(ceiling.approved_total(), 300_000)
        self.assertEqual(ceiling.remaining(), 700_000)

    def test_one_ceiling_per_agency_and_year(self):
        agency = make_agency(ceiling=10)
        with self.assertRaises(IntegrityError), transaction.atomic():
            BudgetCeiling.objects.create(agency=agency, fiscal_year=region.FISCAL_YEAR, amount=20)
