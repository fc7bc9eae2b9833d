from decimal import Decimal
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase

from config import region
from perencanaan import services
from perencanaan.models import BudgetCeiling, Level, Proposal, ProposalEvent, ProposalScore, Status

from .helpers import (
    advance_to_final_round,
    make_agency,
    make_criteria,
    make_proposal,
    make_user,
    make_village,
    proposal_data,
    submitted_proposal,
)

Action = ProposalEvent.Action
ROUND_OPTIONS = {
    "desa-kecamatan-kabupaten": ("desa", "kecamatan", "kabupaten"),
    "kecamatan-kabupaten": ("kecamatan", "kabupaten"),
}


class FormatTests(TestCase):
    def test_format_rupiah(self):
        self.assertEqual(services.format_rupiah(1_000_000), "Rp 1.000.000")
        self.assertEqual(services.format_rupiah(5_000_000_000), "Rp 5.000.000.000")
        self.assertEqual(services.format_rupiah(999), "Rp 999")
        self.assertEqual(services.format_rupiah(0), "Rp 0")
        self.assertEqual(services.format_rupiah(-1500), "-Rp 1.500")

    def test_round_label_follows_region_kind(self):
        with mock.patch.object(region, "REGION_KIND", "Kota"):
            self.assertEqual(services.round_label(Level.KABUPATEN), "Musrenbang Kota")
        with mock.patch.object(region, "REGION_KIND", "Kabupaten"):
            self.assertEqual(services.round_label(Level.KABUPATEN), "Musrenbang Kabupaten")
        self.assertEqual(services.round_label(Level.KECAMATAN), "Musrenbang Kecamatan")


class ProposalLifecycleTests(TestCase):
    def setUp(self):
        self.operator = make_user("operator")
        self.staff = make_user("bappeda", staff=True)

    def test_create_starts_as_draft_in_first_round_and_logs(self):
        proposal = make_proposal(self.operator)
        self.assertEqual(proposal.status, Status.DRAFT)
        self.assertEqual(proposal.level, region.ROUNDS[0])
        self.assertEqual(proposal.fiscal_year, region.FISCAL_YEAR)
        self.assertEqual(proposal.proposer, self.operator)
        event = proposal.events.get()
        self.assertEqual((event.action, event.to_status, event.actor), (Action.CREATE, Status.DRAFT, self.operator))

    def test_create_validates_with_full_clean(self):
        with self.assertRaises(ValidationError) as ctx:
            services.proposal_create(
                proposer=self.operator, data=proposal_data(make_village(), title="", cost_estimate=0)
            )
        self.assertIn("title", ctx.exception.message_dict)
        self.assertIn("cost_estimate", ctx.exception.message_dict)
        self.assertFalse(Proposal.objects.exists())

    def test_first_round_follows_configuration(self):
        for option, rounds in ROUND_OPTIONS.items():
            with self.subTest(option), mock.patch.object(region, "ROUNDS", rounds):
                self.assertEqual(make_proposal(self.operator).level, rounds[0])

    def test_submit_moves_draft_into_review(self):
        proposal = make_proposal(self.operator)
        proposal = services.proposal_submit(proposal=proposal, user=self.operator)
        self.assertEqual(proposal.status, Status.SUBMITTED)
        event = proposal.events.last()
        self.assertEqual(
            (event.action, event.from_status, event.to_status), (Action.SUBMIT, Status.DRAFT, Status.SUBMITTED)
        )

    def test_only_owner_or_staff_may_submit_or_edit(self):
        proposal = make_proposal(self.operator)
        stranger = make_user()
        with self.assertRaises(PermissionDenied):
            services.proposal_submit(proposal=proposal, user=stranger)
        with self.assertRaises(PermissionDenied):
            services.proposal_update(proposal=proposal, user=stranger, data={"title": "Dibajak"})
        services.proposal_update(proposal=proposal, user=self.staff, data={"title": "Diperbaiki staf"})
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).title, "Diperbaiki staf")

    def test_submitted_proposal_cannot_be_edited_or_resubmitted(self):
        proposal = submitted_proposal(self.operator)
        with self.assertRaises(ValidationError):
            services.proposal_update(proposal=proposal, user=self.operator, data={"title": "Baru"})
        with self.assertRaises(ValidationError):
            services.proposal_submit(proposal=proposal, user=self.operator)

    def test_full_approval_path_through_every_configured_round(self):
        for option, rounds in ROUND_OPTIONS.items():
            with self.subTest(option), mock.patch.object(region, "ROUNDS", rounds):
                agency = make_agency(ceiling=1_000_000_000)
                proposal = submitted_proposal(self.operator)
                services.proposal_assign_agency(proposal=proposal, user=self.staff, agency=agency)
                for i, level in enumerate(rounds):
                    self.assertEqual(proposal.level, level)
                    proposal = services.proposal_decide(proposal=proposal, user=self.staff, action=Action.APPROVE)
                    expected = Status.APPROVED if i == len(rounds) - 1 else Status.SUBMITTED
                    self.assertEqual(proposal.status, expected)
                decisions = list(proposal.events.filter(action=Action.APPROVE))
                self.assertEqual([e.level for e in decisions], list(rounds))
                self.assertEqual([e.next_level for e in decisions], list(rounds[1:]) + [""])
                times = [e.created_at for e in proposal.events.all()]
                self.assertEqual(times, sorted(times))
                self.assertTrue(all(e.actor == self.staff for e in decisions))

    def test_reject_and_return_require_a_note(self):
        proposal = submitted_proposal(self.operator)
        for action in (Action.REJECT, Action.RETURN):
            with self.assertRaises(ValidationError) as ctx:
                services.proposal_decide(proposal=proposal, user=self.staff, action=action, note="  ")
            self.assertIn("note", ctx.exception.message_dict)
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).status, Status.SUBMITTED)

    def test_reject_is_final(self):
        proposal = submitted_proposal(self.operator)
        proposal = services.proposal_decide(
            proposal=proposal, user=self.staff, action=Action.REJECT, note="Bukan kewenangan daerah"
        )
        self.assertEqual(proposal.status, Status.REJECTED)
        self.assertEqual(proposal.events.last().note, "Bukan kewenangan daerah")
        for action in (Action.APPROVE, Action.RETURN, Action.REJECT):
            with self.assertRaises(ValidationError):
                services.proposal_decide(proposal=proposal, user=self.staff, action=action, note="lagi")
        with self.assertRaises(ValidationError):
            services.proposal_submit(proposal=proposal, user=self.operator)

    def test_returned_proposal_is_revised_and_resubmitted_at_the_same_round(self):
        proposal = submitted_proposal(self.operator)
        proposal = advance_to_final_round(proposal, self.staff)
        level = proposal.level
        proposal = services.proposal_decide(
            proposal=proposal, user=self.staff, action=Action.RETURN, note="Lengkapi RAB"
        )
        self.assertEqual((proposal.status, proposal.level), (Status.RETURNED, level))
        services.proposal_update(proposal=proposal, user=self.operator, data={"cost_estimate": 120_000_000})
        proposal = services.proposal_submit(proposal=proposal, user=self.operator)
        self.assertEqual(
            (proposal.status, proposal.level, proposal.cost_estimate), (Status.SUBMITTED, level, 120_000_000)
        )
        self.assertEqual(
            [e.action for e in proposal.events.all()][-2:],
            [Action.RETURN, Action.SUBMIT],
        )

    def test_invalid_transitions_are_refused(self):
        draft = make_proposal(self.operator)
        with self.assertRaises(ValidationError):
            services.proposal_decide(proposal=draft, user=self.staff, action=Action.APPROVE)
        submitted = submitted_proposal(self.operator)
        with self.assertRaises(ValidationError):
            services.proposal_decide(proposal=submitted, user=self.staff, action="hapus")
        self.assertEqual(Proposal.objects.get(pk=draft.pk).status, Status.DRAFT)
        self.assertEqual(ProposalEvent.objects.filter(proposal=draft).count(), 1)

    def test_decision_in_a_round_not_used_by_this_region_is_refused(self):
        proposal = submitted_proposal(self.operator)
        Proposal.objects.filter(pk=proposal.pk).update(level=Level.DESA)
        with mock.patch.object(region, "ROUNDS", ("kecamatan", "kabupaten")):
            with self.assertRaises(ValidationError):
                services.proposal_decide(proposal=proposal, user=self.staff, action=Action.APPROVE)

    def test_only_staff_may_decide(self):
        proposal = submitted_proposal(self.operator)
        with self.assertRaises(PermissionDenied):
            services.proposal_decide(proposal=proposal, user=self.operator, action=Action.APPROVE)


class CeilingTests(TestCase):
    def setUp(self):
        self.operator = make_user()
        self.staff = make_user(staff=True)

    def final_round_proposal(self, cost, agency=None):
        proposal = submitted_proposal(self.operator, cost_estimate=cost)
        if agency:
            services.proposal_assign_agency(proposal=proposal, user=self.staff, agency=agency)
        return advance_to_final_round(proposal, self.staff)

    def approve(self, proposal):
        return services.proposal_decide(proposal=proposal, user=self.staff, action=Action.APPROVE)

    def test_final_approval_needs_an_agency(self):
        proposal = self.final_round_proposal(1_000)
        with self.assertRaisesMessage(ValidationError, "Tetapkan OPD pelaksana"):
            self.approve(proposal)

    def test_final_approval_needs_a_ceiling(self):
        proposal = self.final_round_proposal(1_000, agency=make_agency())
        with self.assertRaisesMessage(ValidationError, "belum ditetapkan"):
            self.approve(proposal)

    def test_approval_cannot_exceed_the_ceiling(self):
        agency = make_agency(ceiling=500_000_000)
        first = self.final_round_proposal(300_000_000, agency)
        second = self.final_round_proposal(200_000_001, agency)
        third = self.final_round_proposal(200_000_000, agency)
        self.approve(first)
        with self.assertRaisesMessage(ValidationError, "sisa pagu Rp 200.000.000, usulan Rp 200.000.001"):
            self.approve(second)
        self.assertEqual(Proposal.objects.get(pk=second.pk).status, Status.SUBMITTED)
        self.approve(third)  # tepat sama dengan sisa pagu: boleh
        self.assertEqual(BudgetCeiling.objects.get(agency=agency).remaining(), 0)

    def test_ceiling_of_another_year_does_not_count(self):
        agency = make_agency(ceiling=10**9, fiscal_year=region.FISCAL_YEAR + 1)
        proposal = self.final_round_proposal(1_000, agency)
        with self.assertRaisesMessage(ValidationError, "belum ditetapkan"):
            self.approve(proposal)

    def test_ceiling_set_creates_updates_and_refuses_going_below_approved(self):
        agency = make_agency()
        ceiling = services.ceiling_set(user=self.staff, agency=agency, fiscal_year=region.FISCAL_YEAR, amount=400_000)
        self.assertEqual(ceiling.amount, 400_000)
        self.approve(self.final_round_proposal(300_000, agency))
        with self.assertRaises(ValidationError) as ctx:
            services.ceiling_set(user=self.staff, agency=agency, fiscal_year=region.FISCAL_YEAR, amount=299_999)
        self.assertIn("amount", ctx.exception.message_dict)
        services.ceiling_set(user=self.staff, agency=agency, fiscal_year=region.FISCAL_YEAR, amount=300_000)
        self.assertEqual(BudgetCeiling.objects.get(agency=agency).amount, 300_000)
        self.assertEqual(BudgetCeiling.objects.count(), 1)
        with self.assertRaises(PermissionDenied):
            services.ceiling_set(user=self.operator, agency=agency, fiscal_year=region.FISCAL_YEAR, amount=1)

    def test_ceiling_summary(self):
        with_ceiling = make_agency("Dinas A", ceiling=1_000_000)
        make_agency("Dinas B")
        self.approve(self.final_round_proposal(250_000, with_ceiling))
        rows = {r["agency"].name: r for r in services.ceiling_summary(region.FISCAL_YEAR)}
        self.assertEqual(
            (rows["Dinas A"]["amount"], rows["Dinas A"]["approved"], rows["Dinas A"]["remaining"]),
            (1_000_000, 250_000, 750_000),
        )
        self.assertIsNone(rows["Dinas B"]["amount"])
        self.assertIsNone(rows["Dinas B"]["remaining"])

    def test_agency_cannot_change_after_approval_and_assignment_is_logged(self):
        agency = make_agency(ceiling=10**9)
        proposal = self.final_round_proposal(1_000, agency)
        self.assertTrue(proposal.events.filter(action=Action.ASSIGN, note=agency.name).exists())
        proposal = self.approve(proposal)
        with self.assertRaises(ValidationError):
            services.proposal_assign_agency(proposal=proposal, user=self.staff, agency=make_agency())


class ScoringTests(TestCase):
    def setUp(self):
        self.staff = make_user(staff=True)
        self.criteria = make_criteria(30, 25, 25, 20)

    def test_compute_priority_score(self):
        c = self.criteria
        values = {c[0].pk: 5, c[1].pk: 4, c[2].pk: 3, c[3].pk: 2}
        # (30*5 + 25*4 + 25*3 + 20*2) / (100*5) * 100 = 365 / 5 = 73
        self.assertEqual(services.compute_priority_score(values, c), Decimal("73.00"))
        self.assertEqual(services.compute_priority_score({c[0].pk: 5}, c), Decimal("30.00"))
        self.assertEqual(services.compute_priority_score({}, c), Decimal("0.00"))
        self.assertEqual(services.compute_priority_score({c[0].pk: 1}, c[:1] + []), Decimal("20.00"))

    def test_zero_weight_is_ignored_and_rounding(self):
        c = make_criteria(1, 2, 0)
        self.assertEqual(services.compute_priority_score({c[0].pk: 5, c[1].pk: 1, c[2].pk: 5}, c), Decimal("46.67"))
        self.assertEqual(services.compute_priority_score({c[0].pk: 5}, make_criteria(0)), Decimal("0.00"))

    def test_scoring_saves_values_and_updates_score(self):
        proposal = submitted_proposal()
        values = dict(zip(self.criteria, [5, 4, 3, 2], strict=True))
        proposal = services.proposal_score(proposal=proposal, user=self.staff, values=values)
        self.assertEqual(proposal.priority_score, Decimal("73.00"))
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).priority_score, Decimal("73.00"))
        self.assertEqual(ProposalScore.objects.filter(proposal=proposal).count(), 4)
        services.proposal_score(proposal=proposal, user=self.staff, values={self.criteria[0]: None})
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).priority_score, Decimal("43.00"))
        breakdown = services.score_breakdown(proposal)
        self.assertEqual([r["value"] for r in breakdown], [None, 4, 3, 2])
        self.assertEqual(sum(r["contribution"] for r in breakdown), Decimal("43.00"))

    def test_invalid_score_value_is_refused(self):
        proposal = submitted_proposal()
        with self.assertRaises(ValidationError):
            services.proposal_score(proposal=proposal, user=self.staff, values={self.criteria[0]: 6})
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).priority_score, 0)

    def test_drafts_are_not_scored_and_only_staff_scores(self):
        with self.assertRaises(ValidationError):
            services.proposal_score(proposal=make_proposal(), user=self.staff, values={self.criteria[0]: 3})
        proposal = submitted_proposal()
        with self.assertRaises(PermissionDenied):
            services.proposal_score(proposal=proposal, user=proposal.proposer, values={self.criteria[0]: 3})

    def test_changing_weights_recomputes_scores_and_ranking(self):
        urgent, ready = submitted_proposal(title="Mendesak"), submitted_proposal(title="Siap")
        first, _, _, last = self.criteria
        services.proposal_score(proposal=urgent, user=self.staff, values={first: 5, last: 1})
        services.proposal_score(proposal=ready, user=self.staff, values={first: 1, last: 5})
        self.assertEqual([p.title for p in Proposal.objects.ranked()], ["Mendesak", "Siap"])
        changed = services.criteria_update_weights(user=self.staff, weights={first: 10, last: 90})
        self.assertEqual(changed, 2)
        self.assertEqual([p.title for p in Proposal.objects.ranked()], ["Siap", "Mendesak"])
        # (10*1 + 90*5) / (150*5) * 100 = 61.33 (kriteria 2 dan 3 masih berbobot 25, belum dinilai)
        self.assertEqual(Proposal.objects.get(pk=ready.pk).priority_score, Decimal("61.33"))

    def test_all_zero_weights_are_refused_and_rolled_back(self):
        with self.assertRaises(ValidationError):
            services.criteria_update_weights(user=self.staff, weights={c: 0 for c in self.criteria})
        self.assertEqual([c.weight for c in type(self.criteria[0]).objects.all()], [30, 25, 25, 20])
