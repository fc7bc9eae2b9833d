"""Usulan ganda digabung, dan pengusul melihat alasan setiap keputusan (dikembalikan, ditolak, digabung)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import TestCase
from django.urls import reverse

from config import region
from perencanaan import selectors, services
from perencanaan.models import Proposal, ProposalEvent, Status

from .helpers import advance_to_final_round, make_agency, make_user, make_village, submitted_proposal

Action = ProposalEvent.Action


class MergeServiceTests(TestCase):
    def setUp(self):
        self.staff = make_user("bappeda", staff=True)
        self.target = submitted_proposal(title="Jalan poros desa", village=make_village("Sukamaju"))
        self.duplicate = submitted_proposal(title="Perbaikan jalan poros", village=make_village("Sukamakmur"))

    def test_merge_stops_the_duplicate_and_records_the_reason_on_both(self):
        merged = services.proposal_merge(
            proposal=self.duplicate, user=self.staff, into=self.target, note="Ruas jalan yang sama."
        )
        self.assertEqual(merged.status, Status.MERGED)
        self.assertEqual(merged.merged_into, self.target)
        self.assertEqual(list(self.target.merged_proposals.all()), [merged])
        event = merged.last_decision()
        self.assertEqual(
            (event.action, event.note, event.to_status), (Action.MERGE, "Ruas jalan yang sama.", "digabung")
        )
        absorbed = self.target.events.get(action=Action.ABSORB)
        self.assertIn(f"#{merged.pk}", absorbed.note)
        self.assertIn("Ruas jalan yang sama.", absorbed.note)
        self.assertEqual(Proposal.objects.get(pk=self.target.pk).status, Status.SUBMITTED)

    def test_merged_proposal_is_finished(self):
        services.proposal_merge(proposal=self.duplicate, user=self.staff, into=self.target, note="Sama.")
        with self.assertRaises(ValidationError):
            services.proposal_submit(proposal=self.duplicate, user=self.duplicate.proposer)
        with self.assertRaises(ValidationError):
            services.proposal_decide(proposal=self.duplicate, user=self.staff, action=Action.APPROVE)
        with self.assertRaises(ValidationError):
            services.proposal_assign_agency(proposal=self.duplicate, user=self.staff, agency=make_agency())
        with self.assertRaises(ValidationError):
            services.proposal_merge(proposal=self.target, user=self.staff, into=self.duplicate, note="Sebaliknya.")

    def test_note_is_required_and_target_must_be_valid(self):
        with self.assertRaises(ValidationError) as ctx:
            services.proposal_merge(proposal=self.duplicate, user=self.staff, into=self.target, note="  ")
        self.assertIn("note", ctx.exception.error_dict)
        with self.assertRaises(ValidationError):
            services.proposal_merge(proposal=self.duplicate, user=self.staff, into=self.duplicate, note="Sama.")
        # Penampung di tahap lain tidak boleh.
        advanced = services.proposal_decide(proposal=self.target, user=self.staff, action=Action.APPROVE)
        if advanced.status == Status.SUBMITTED:
            with self.assertRaises(ValidationError) as ctx:
                services.proposal_merge(proposal=self.duplicate, user=self.staff, into=advanced, note="Sama.")
            self.assertIn("into", ctx.exception.error_dict)
        self.assertEqual(Proposal.objects.get(pk=self.duplicate.pk).status, Status.SUBMITTED)
        self.assertFalse(ProposalEvent.objects.filter(action=Action.MERGE).exists())

    def test_only_staff_may_merge(self):
        with self.assertRaises(PermissionDenied):
            services.proposal_merge(
                proposal=self.duplicate, user=self.duplicate.proposer, into=self.target, note="Sama."
            )

    def test_merge_targets_are_submitted_in_the_same_round_and_year(self):
        services.proposal_decide(
            proposal=submitted_proposal(title="Ditolak"), user=self.staff, action=Action.REJECT, note="Tidak."
        )
        targets = list(selectors.merge_targets(self.duplicate))
        self.assertEqual(targets, [self.target])

    def test_decisions_for_gives_the_reason_of_the_current_status(self):
        returned = services.proposal_decide(
            proposal=submitted_proposal(), user=self.staff, action=Action.RETURN, note="Lengkapi volume."
        )
        services.proposal_submit(proposal=returned, user=returned.proposer)
        returned = services.proposal_decide(
            proposal=returned, user=self.staff, action=Action.RETURN, note="Foto lokasi belum ada."
        )
        rejected = services.proposal_decide(
            proposal=submitted_proposal(), user=self.staff, action=Action.REJECT, note="Sudah dianggarkan."
        )
        proposals = [returned, rejected, self.target]
        decisions = selectors.decisions_for(proposals)
        self.assertEqual(decisions[returned.pk].note, "Foto lokasi belum ada.")
        self.assertEqual(decisions[rejected.pk].note, "Sudah dianggarkan.")
        self.assertNotIn(self.target.pk, decisions)


class ProposerSeesWhyTests(TestCase):
    """Pengusul (operator desa/kelurahan) melihat alasan keputusan tanpa membuka riwayat."""

    def setUp(self):
        self.staff = make_user("bappeda", staff=True)
        self.operator = make_user("operator_desa")
        self.client.force_login(self.operator)

    def test_returned_proposal_shows_reason_then_is_revised_and_resubmitted_in_the_same_round(self):
        proposal = submitted_proposal(self.operator, title="Talud sungai")
        level = proposal.level
        services.proposal_decide(
            proposal=proposal, user=self.staff, action=Action.RETURN, note="Volume talud belum diukur."
        )
        mine = self.client.get(reverse("perencanaan:my_proposals"))
        self.assertContains(mine, "Alasan: Volume talud belum diukur.")
        self.assertContains(mine, reverse("perencanaan:proposal_edit", args=[proposal.pk]))
        detail = self.client.get(proposal.get_absolute_url())
        self.assertContains(detail, "Usulan ini dikembalikan untuk diperbaiki")
        self.assertContains(detail, "Alasan: Volume talud belum diukur.")
        self.assertContains(detail, "Ajukan ulang")
        form = self.client.get(reverse("perencanaan:proposal_edit", args=[proposal.pk]))
        self.assertContains(form, "Alasan: Volume talud belum diukur.")

        village = proposal.village
        response = self.client.post(
            reverse("perencanaan:proposal_edit", args=[proposal.pk]),
            {
                "title": "Talud sungai",
                "description": "Talud 120 meter di tepi sungai.",
                "sector": "infrastruktur",
                "village": village.pk,
                "location_detail": "",
                "volume": "120",
                "unit": "meter",
                "cost_estimate": "Rp 180.000.000",
                "beneficiaries": "200",
            },
        )
        self.assertRedirects(response, proposal.get_absolute_url())
        response = self.client.post(reverse("perencanaan:proposal_submit", args=[proposal.pk]))
        self.assertRedirects(response, proposal.get_absolute_url())
        proposal.refresh_from_db()
        self.assertEqual((proposal.status, proposal.level, proposal.volume), (Status.SUBMITTED, level, 120))
        self.assertNotContains(self.client.get(proposal.get_absolute_url()), "Usulan ini dikembalikan")

    def test_rejected_proposal_shows_reason(self):
        proposal = submitted_proposal(self.operator)
        services.proposal_decide(
            proposal=proposal, user=self.staff, action=Action.REJECT, note="Sudah dianggarkan APBDes."
        )
        self.assertContains(self.client.get(reverse("perencanaan:my_proposals")), "Alasan: Sudah dianggarkan APBDes.")
        detail = self.client.get(proposal.get_absolute_url())
        self.assertContains(detail, "Usulan ini ditolak")
        self.assertContains(detail, "Alasan: Sudah dianggarkan APBDes.")
        self.assertNotContains(detail, "Ajukan ulang")

    def test_merged_proposal_links_to_where_it_went(self):
        target = submitted_proposal(title="Jalan poros antar-desa")
        proposal = submitted_proposal(self.operator, title="Jalan poros")
        services.proposal_merge(proposal=proposal, user=self.staff, into=target, note="Ruas yang sama.")
        mine = self.client.get(reverse("perencanaan:my_proposals"))
        self.assertContains(mine, "Digabung ke usulan lain")
        self.assertContains(mine, target.get_absolute_url())
        self.assertContains(mine, "Alasan: Ruas yang sama.")
        detail = self.client.get(proposal.get_absolute_url())
        self.assertContains(detail, "Usulan ini digabung ke")
        self.assertContains(detail, f"#{target.pk} Jalan poros antar-desa")
        target_page = self.client.get(target.get_absolute_url())
        self.assertContains(target_page, "Usulan yang digabung ke sini")
        self.assertContains(target_page, proposal.get_absolute_url())

    def test_pending_proposal_shows_no_reason(self):
        proposal = submitted_proposal(self.operator)
        self.assertNotContains(self.client.get(proposal.get_absolute_url()), 'id="alasan"')


class MergeViewTests(TestCase):
    def setUp(self):
        self.staff = make_user("bappeda", staff=True)
        self.client.force_login(self.staff)
        self.target = submitted_proposal(title="Jalan poros desa")
        self.duplicate = submitted_proposal(title="Perbaikan jalan poros")
        self.url = reverse("perencanaan:proposal_merge", args=[self.duplicate.pk])

    def test_staff_merges_from_the_proposal_page(self):
        page = self.client.get(self.duplicate.get_absolute_url())
        self.assertContains(page, "Gabungkan usulan ganda")
        self.assertContains(page, f"#{self.target.pk} Jalan poros desa")
        response = self.client.post(self.url, {"into": self.target.pk, "note": "Ruas yang sama."})
        self.assertRedirects(response, self.duplicate.get_absolute_url())
        self.duplicate.refresh_from_db()
        self.assertEqual((self.duplicate.status, self.duplicate.merged_into_id), (Status.MERGED, self.target.pk))
        self.assertNotContains(self.client.get(self.duplicate.get_absolute_url()), "Gabungkan usulan ganda")

    def test_missing_note_or_bad_target_is_a_400_with_field_errors(self):
        response = self.client.post(self.url, {"into": self.target.pk, "note": ""})
        self.assertContains(response, "Catatan wajib diisi saat menggabungkan usulan.", status_code=400)
        response = self.client.post(self.url, {"into": self.duplicate.pk, "note": "Sama."})
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Proposal.objects.get(pk=self.duplicate.pk).status, Status.SUBMITTED)

    def test_merged_status_is_shown_in_the_public_ranking(self):
        services.proposal_merge(proposal=self.duplicate, user=self.staff, into=self.target, note="Sama.")
        self.client.logout()
        response = self.client.get(reverse("perencanaan:proposal_list"))
        self.assertContains(response, "badge-digabung")

    def test_final_round_merge_keeps_ceiling_untouched(self):
        agency = make_agency(ceiling=100_000_000)
        target = advance_to_final_round(submitted_proposal(cost_estimate=60_000_000), self.staff)
        duplicate = advance_to_final_round(submitted_proposal(cost_estimate=60_000_000), self.staff)
        services.proposal_assign_agency(proposal=target, user=self.staff, agency=agency)
        services.proposal_merge(proposal=duplicate, user=self.staff, into=target, note="Sama.")
        approved = services.proposal_decide(proposal=target, user=self.staff, action=Action.APPROVE)
        self.assertEqual(approved.status, Status.APPROVED)
        self.assertEqual(approved.level, region.ROUNDS[-1])
