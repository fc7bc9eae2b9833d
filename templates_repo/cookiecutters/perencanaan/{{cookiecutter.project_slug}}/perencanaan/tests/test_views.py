import csv
import io

from django.test import TestCase
from django.urls import reverse

from config import region
from perencanaan import services
from perencanaan.models import BudgetCeiling, Criterion, Proposal, ProposalEvent, Status

from .helpers import (
    advance_to_final_round,
    make_agency,
    make_criteria,
    make_proposal,
    make_user,
    make_village,
    submitted_proposal,
)

Action = ProposalEvent.Action


class PublicPagesTests(TestCase):
    def test_home(self):
        submitted_proposal(title="Sumur bor untuk air bersih")
        make_agency("Dinas Pekerjaan Umum", ceiling=5_000_000_000)
        response = self.client.get(reverse("perencanaan:home"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Sumur bor untuk air bersih")
        self.assertContains(response, "Rp 5.000.000.000")
        self.assertContains(response, "Masuk")

    def test_ranked_list_hides_drafts_and_orders_by_score(self):
        low = submitted_proposal(title="Skor rendah")
        high = submitted_proposal(title="Skor tinggi")
        make_proposal(title="Masih draf")
        Proposal.objects.filter(pk=low.pk).update(priority_score=40)
        Proposal.objects.filter(pk=high.pk).update(priority_score=90)
        response = self.client.get(reverse("perencanaan:proposal_list"))
        self.assertEqual(response.status_code, 200)
        self.assertNotContains(response, "Masih draf")
        self.assertEqual([p.title for p in response.context["page"].object_list], ["Skor tinggi", "Skor rendah"])
        self.assertEqual([p.rank for p in response.context["page"].object_list], [1, 2])
        content = response.content.decode()
        self.assertLess(content.index("Skor tinggi"), content.index("Skor rendah"))

    def test_list_filter_by_status(self):
        submitted_proposal(title="Dibahas")
        staff = make_user(staff=True)
        rejected = submitted_proposal(title="Sudah ditolak")
        services.proposal_decide(proposal=rejected, user=staff, action=Action.REJECT, note="Tidak prioritas")
        response = self.client.get(reverse("perencanaan:proposal_list"), {"status": Status.REJECTED})
        self.assertContains(response, "Sudah ditolak")
        self.assertNotContains(response, "Dibahas</a>")

    def test_detail_shows_rupiah_score_breakdown_and_history(self):
        make_criteria(100)
        proposal = submitted_proposal(title="Drainase pasar", cost_estimate=1_000_000)
        response = self.client.get(proposal.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Rp 1.000.000")
        self.assertContains(response, "Kriteria 1")
        self.assertContains(response, "Diajukan")
        self.assertNotContains(response, "Simpan keputusan")  # panel staf tidak untuk publik

    def test_drafts_are_private(self):
        owner = make_user()
        draft = make_proposal(owner)
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)
        self.client.force_login(make_user())
        self.assertEqual(self.client.get(draft.get_absolute_url()).status_code, 404)
        self.client.force_login(owner)
        response = self.client.get(draft.get_absolute_url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Ajukan ke musrenbang")

    def test_login_page(self):
        response = self.client.get(reverse("login"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Masuk")


class ProposerViewsTests(TestCase):
    def setUp(self):
        self.user = make_user("operator_desa")
        self.village = make_village("Karanganyar")

    def post_data(self, **overrides):
        data = {
            "title": "Pavingisasi gang",
            "description": "Gang becek saat hujan.",
            "sector": "infrastruktur",
            "village": self.village.pk,
            "volume": "150",
            "unit": "meter persegi",
            "cost_estimate": "45.000.000",
            "beneficiaries": "80",
        }
        data.update(overrides)
        return data

    def test_create_requires_login(self):
        response = self.client.get(reverse("perencanaan:proposal_create"))
        self.assertRedirects(response, f"{reverse('login')}?next={reverse('perencanaan:proposal_create')}")

    def test_create_edit_and_submit(self):
        self.client.force_login(self.user)
        self.assertContains(self.client.get(reverse("perencanaan:proposal_create")), "Karanganyar")
        response = self.client.post(reverse("perencanaan:proposal_create"), self.post_data())
        proposal = Proposal.objects.get()
        self.assertRedirects(response, proposal.get_absolute_url())
        self.assertEqual(
            (proposal.proposer, proposal.cost_estimate, proposal.status), (self.user, 45_000_000, Status.DRAFT)
        )

        response = self.client.post(
            reverse("perencanaan:proposal_edit", args=[proposal.pk]), self.post_data(title="Pavingisasi gang RT 3")
        )
        self.assertRedirects(response, proposal.get_absolute_url())
        self.assertEqual(Proposal.objects.get().title, "Pavingisasi gang RT 3")

        self.assertEqual(self.client.get(reverse("perencanaan:proposal_submit", args=[proposal.pk])).status_code, 405)
        response = self.client.post(reverse("perencanaan:proposal_submit", args=[proposal.pk]), follow=True)
        self.assertContains(response, "Usulan diajukan ke musrenbang.")
        self.assertEqual(Proposal.objects.get().status, Status.SUBMITTED)

        response = self.client.get(reverse("perencanaan:proposal_edit", args=[proposal.pk]))
        self.assertRedirects(response, proposal.get_absolute_url())
        response = self.client.post(reverse("perencanaan:proposal_submit", args=[proposal.pk]), follow=True)
        self.assertContains(response, "tidak dapat diajukan")

    def test_invalid_post_shows_field_errors(self):
        self.client.force_login(self.user)
        response = self.client.post(
            reverse("perencanaan:proposal_create"), self.post_data(title="", cost_estimate="1,5")
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Proposal.objects.exists())
        self.assertFormError(response.context["form"], "title", "Bidang ini tidak boleh kosong.")
        self.assertContains(response, "Tulis nominal Rupiah bulat")

    def test_cannot_edit_someone_elses_proposal(self):
        proposal = make_proposal(make_user())
        self.client.force_login(self.user)
        self.assertEqual(self.client.get(reverse("perencanaan:proposal_edit", args=[proposal.pk])).status_code, 403)
        self.client.post(reverse("perencanaan:proposal_submit", args=[proposal.pk]))
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).status, Status.DRAFT)

    def test_my_proposals_lists_only_mine(self):
        make_proposal(self.user, title="Punya saya")
        make_proposal(make_user(), title="Punya orang lain")
        self.client.force_login(self.user)
        response = self.client.get(reverse("perencanaan:my_proposals"))
        self.assertContains(response, "Punya saya")
        self.assertNotContains(response, "Punya orang lain")


class StaffPermissionTests(TestCase):
    def setUp(self):
        self.proposal = submitted_proposal()

    def staff_get_urls(self):
        return [
            reverse("perencanaan:staff_dashboard"),
            reverse("perencanaan:criteria"),
            reverse("perencanaan:ceilings"),
            reverse("perencanaan:export"),
            reverse("perencanaan:export_csv"),
        ]

    def staff_post_urls(self):
        return [
            reverse(f"perencanaan:{name}", args=[self.proposal.pk])
            for name in ("proposal_decide", "proposal_assign", "proposal_score", "proposal_merge")
        ]

    def test_anonymous_is_sent_to_login(self):
        for url in self.staff_get_urls() + self.staff_post_urls():
            response = self.client.post(url) if url in self.staff_post_urls() else self.client.get(url)
            self.assertEqual(response.status_code, 302, url)
            self.assertTrue(response["Location"].startswith(reverse("login")), url)

    def test_non_staff_is_forbidden(self):
        self.client.force_login(self.proposal.proposer)
        for url in self.staff_get_urls():
            self.assertEqual(self.client.get(url).status_code, 403, url)
        for url in self.staff_post_urls():
            self.assertEqual(self.client.post(url, {"action": "setujui"}).status_code, 403, url)
        self.assertEqual(Proposal.objects.get(pk=self.proposal.pk).events.count(), 2)

    def test_staff_gets_every_page(self):
        self.client.force_login(make_user(staff=True))
        for url in self.staff_get_urls():
            self.assertEqual(self.client.get(url).status_code, 200, url)
        response = self.client.get(self.proposal.get_absolute_url())
        self.assertContains(response, "Simpan keputusan")
        self.assertContains(response, "Tetapkan OPD")


class StaffActionsTests(TestCase):
    def setUp(self):
        self.staff = make_user("bappeda", staff=True)
        self.client.force_login(self.staff)

    def decide(self, proposal, **data):
        return self.client.post(reverse("perencanaan:proposal_decide", args=[proposal.pk]), data)

    def test_decisions_through_the_rounds_with_ceiling(self):
        agency = make_agency("Dinas Pertanian", ceiling=100_000_000)
        proposal = submitted_proposal(cost_estimate=60_000_000)
        response = self.client.post(reverse("perencanaan:proposal_assign", args=[proposal.pk]), {"agency": agency.pk})
        self.assertRedirects(response, proposal.get_absolute_url())
        for _ in region.ROUNDS:
            self.assertRedirects(self.decide(proposal, action="setujui"), proposal.get_absolute_url())
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).status, Status.APPROVED)

        over = advance_to_final_round(submitted_proposal(cost_estimate=50_000_000), self.staff)
        services.proposal_assign_agency(proposal=over, user=self.staff, agency=agency)
        response = self.client.get(over.get_absolute_url())
        self.assertContains(response, "sisa pagu Rp 40.000.000")
        response = self.decide(over, action="setujui")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Melebihi pagu indikatif", status_code=400)
        self.assertEqual(Proposal.objects.get(pk=over.pk).status, Status.SUBMITTED)

    def test_reject_without_note_shows_error(self):
        proposal = submitted_proposal()
        response = self.decide(proposal, action="tolak", note="")
        self.assertContains(response, "Catatan wajib diisi", status_code=400)
        self.assertRedirects(
            self.decide(proposal, action="tolak", note="Sudah dianggarkan"), proposal.get_absolute_url()
        )
        response = self.client.get(proposal.get_absolute_url())
        self.assertContains(response, "Sudah dianggarkan")
        self.assertContains(response, "Ditolak")

    def test_scoring_via_page(self):
        criteria = make_criteria(50, 50)
        proposal = submitted_proposal()
        response = self.client.post(
            reverse("perencanaan:proposal_score", args=[proposal.pk]),
            {f"c{criteria[0].pk}": "5", f"c{criteria[1].pk}": "3"},
        )
        self.assertRedirects(response, proposal.get_absolute_url())
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).priority_score, 80)
        response = self.client.post(
            reverse("perencanaan:proposal_score", args=[proposal.pk]), {f"c{criteria[0].pk}": "8"}
        )
        self.assertEqual(response.status_code, 400)

    def test_criteria_page_updates_weights(self):
        criteria = make_criteria(50, 50)
        proposal = submitted_proposal()
        services.proposal_score(proposal=proposal, user=self.staff, values={criteria[0]: 5, criteria[1]: 1})
        response = self.client.post(
            reverse("perencanaan:criteria"), {f"w{criteria[0].pk}": "100", f"w{criteria[1].pk}": "0"}, follow=True
        )
        self.assertContains(response, "Bobot disimpan")
        self.assertEqual(list(Criterion.objects.values_list("weight", flat=True)), [100, 0])
        self.assertEqual(Proposal.objects.get(pk=proposal.pk).priority_score, 100)
        response = self.client.post(reverse("perencanaan:criteria"), {f"w{c.pk}": "0" for c in criteria})
        self.assertContains(response, "Setidaknya satu kriteria")

    def test_ceilings_page(self):
        agency = make_agency("Dinas Sosial")
        response = self.client.post(
            reverse("perencanaan:ceilings"),
            {"agency": agency.pk, "fiscal_year": region.FISCAL_YEAR, "amount": "Rp 750.000.000"},
            follow=True,
        )
        self.assertContains(response, "Rp 750.000.000")
        self.assertEqual(BudgetCeiling.objects.get(agency=agency).amount, 750_000_000)
        response = self.client.post(
            reverse("perencanaan:ceilings"), {"agency": agency.pk, "fiscal_year": "x", "amount": "x"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("amount", response.context["form"].errors)


class CsvExportTests(TestCase):
    def setUp(self):
        self.client.force_login(make_user(staff=True))

    def rows(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment;", response["Content-Disposition"])
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))

    def test_export_escapes_formulas_and_quotes(self):
        submitted_proposal(title='=HYPERLINK("http://contoh.invalid","klik")', location_detail="@SUM(A1)")
        submitted_proposal(title='+62 jalan, "baru"', unit="-m")
        submitted_proposal(title="Biasa saja")
        rows = self.rows(self.client.get(reverse("perencanaan:export_csv")))
        header, body = rows[0], rows[1:]
        self.assertEqual(header[2], "Judul")
        titles = {r[2] for r in body}
        self.assertIn('\'=HYPERLINK("http://contoh.invalid","klik")', titles)
        self.assertIn('\'+62 jalan, "baru"', titles)
        self.assertIn("Biasa saja", titles)
        self.assertIn("'@SUM(A1)", {r[7] for r in body})
        self.assertIn("'-m", {r[9] for r in body})
        for row in body:
            for cell in row:
                self.assertFalse(cell[:1] in ("=", "+", "-", "@"), cell)

    def test_export_filters(self):
        agency = make_agency()
        draft = make_proposal(title="Draf")
        assigned = submitted_proposal(title="Ber-OPD", cost_estimate=1_234_567)
        Proposal.objects.filter(pk=assigned.pk).update(agency=agency)
        url = reverse("perencanaan:export_csv")
        titles = lambda params: [r[2] for r in self.rows(self.client.get(url, params))[1:]]  # noqa: E731
        self.assertEqual(titles({"status": Status.DRAFT}), [draft.title])
        self.assertEqual(titles({"agency": agency.pk}), ["Ber-OPD"])
        self.assertEqual(titles({"level": region.ROUNDS[0], "fiscal_year": region.FISCAL_YEAR}), ["Draf", "Ber-OPD"])
        row = self.rows(self.client.get(url, {"agency": agency.pk}))[1]
        self.assertEqual(row[10], "1234567")
        self.assertEqual(row[12], agency.name)

    def test_invalid_filter_is_rejected(self):
        response = self.client.get(reverse("perencanaan:export_csv"), {"status": "dihapus"})
        self.assertEqual(response.status_code, 400)
