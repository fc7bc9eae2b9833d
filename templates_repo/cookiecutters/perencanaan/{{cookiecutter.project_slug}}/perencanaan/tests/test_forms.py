from decimal import Decimal
from unittest import mock

from django.test import TestCase

from config import region
from perencanaan.forms import (
    CeilingForm,
    CriteriaWeightsForm,
    DecisionForm,
    ProposalFilterForm,
    ProposalForm,
    ScoreForm,
    parse_rupiah,
)
from perencanaan.models import Proposal, Status, Village

from .helpers import make_agency, make_criteria, make_proposal, make_village, submitted_proposal


class RupiahParsingTests(TestCase):
    def test_accepts_common_ways_of_writing_rupiah(self):
        for text, expected in [
            ("1500000", 1_500_000),
            ("1.500.000", 1_500_000),
            ("Rp 1.500.000", 1_500_000),
            ("Rp1.500.000", 1_500_000),
            ("rp. 250.000", 250_000),
            ("1.500.000,-", 1_500_000),
            ("1.500.000,00", 1_500_000),
            (" 750 ", 750),
        ]:
            with self.subTest(text):
                self.assertEqual(parse_rupiah(text), expected)

    def test_refuses_non_integer_or_malformed_amounts(self):
        for text in ["", "abc", "1,5", "1.5", "1.50.000", "-1000", "1e6", "Rp", "1.000,50"]:
            with self.subTest(text), self.assertRaises(ValueError):
                parse_rupiah(text)


class ProposalFormTests(TestCase):
    def setUp(self):
        self.village = make_village("Sukamaju", district_name="Sukamakmur")

    def data(self, **overrides):
        data = {
            "title": "Rehabilitasi jembatan desa",
            "description": "Jembatan kayu lapuk, dilalui anak sekolah setiap hari.",
            "sector": "infrastruktur",
            "village": str(self.village.pk),
            "location_detail": "Dusun Krajan",
            "volume": "12,5",
            "unit": "meter",
            "cost_estimate": "Rp 275.000.000",
            "beneficiaries": "450",
        }
        data.update(overrides)
        return data

    def test_valid_data_is_cleaned(self):
        form = ProposalForm(self.data())
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["cost_estimate"], 275_000_000)
        self.assertEqual(form.cleaned_data["volume"], Decimal("12.5"))
        self.assertEqual(form.cleaned_data["village"], self.village)

    def test_bad_input_gives_field_errors(self):
        form = ProposalForm(
            self.data(
                title="", sector="lainnya", cost_estimate="dua juta", volume="0", beneficiaries="-3", village="999999"
            )
        )
        self.assertFalse(form.is_valid())
        for field in ("title", "sector", "cost_estimate", "volume", "beneficiaries", "village"):
            self.assertIn(field, form.errors, field)
        self.assertIn("1.500.000", form.errors["cost_estimate"][0])

    def test_cost_must_be_positive_and_not_absurd(self):
        self.assertIn("cost_estimate", ProposalForm(self.data(cost_estimate="0")).errors)
        self.assertIn("cost_estimate", ProposalForm(self.data(cost_estimate="2.000.000.000.000")).errors)

    def test_kelurahan_choice_follows_configuration(self):
        kelurahan = make_village("Kauman", kind=Village.Kind.KELURAHAN)
        with mock.patch.object(region, "ALLOW_KELURAHAN", False):
            form = ProposalForm(self.data(village=str(kelurahan.pk)))
            self.assertFalse(form.is_valid())
            self.assertIn("village", form.errors)
            self.assertNotIn("Kauman", str(form["village"]))
        with mock.patch.object(region, "ALLOW_KELURAHAN", True):
            form = ProposalForm(self.data(village=str(kelurahan.pk)))
            self.assertTrue(form.is_valid(), form.errors)

    def test_villages_are_grouped_by_kecamatan(self):
        html = str(ProposalForm()["village"])
        self.assertIn('<optgroup label="Kecamatan Sukamakmur">', html)
        self.assertIn("Desa Sukamaju", html)


class DecisionFormTests(TestCase):
    def test_note_required_for_reject_and_return(self):
        for action in ("tolak", "kembalikan"):
            form = DecisionForm({"action": action, "note": " "})
            self.assertFalse(form.is_valid())
            self.assertIn("note", form.errors)
        self.assertTrue(DecisionForm({"action": "setujui"}).is_valid())
        self.assertTrue(DecisionForm({"action": "tolak", "note": "Duplikat"}).is_valid())

    def test_unknown_action_is_invalid(self):
        form = DecisionForm({"action": "buat"})
        self.assertFalse(form.is_valid())
        self.assertIn("action", form.errors)


class ScoreAndWeightFormTests(TestCase):
    def test_score_form_has_one_field_per_criterion_with_current_values(self):
        criteria = make_criteria(60, 40)
        proposal = submitted_proposal()
        proposal.scores.create(criterion=criteria[0], value=4)
        form = ScoreForm(proposal=proposal)
        self.assertEqual(list(form.fields), [f"c{c.pk}" for c in criteria])
        self.assertEqual(form.fields[f"c{criteria[0].pk}"].initial, 4)
        bound = ScoreForm({f"c{criteria[0].pk}": "5", f"c{criteria[1].pk}": ""}, proposal=proposal)
        self.assertTrue(bound.is_valid(), bound.errors)
        self.assertEqual(bound.values(), {criteria[0]: 5, criteria[1]: None})
        self.assertFalse(ScoreForm({f"c{criteria[0].pk}": "9"}, proposal=proposal).is_valid())

    def test_weights_must_be_0_to_100_and_not_all_zero(self):
        criteria = make_criteria(50, 50)
        keys = [f"w{c.pk}" for c in criteria]
        self.assertFalse(CriteriaWeightsForm(dict.fromkeys(keys, "0")).is_valid())
        form = CriteriaWeightsForm({keys[0]: "101", keys[1]: "10"})
        self.assertFalse(form.is_valid())
        self.assertIn(keys[0], form.errors)
        form = CriteriaWeightsForm({keys[0]: "70", keys[1]: "0"})
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.weights(), {criteria[0]: 70, criteria[1]: 0})


class CeilingFormTests(TestCase):
    def test_amount_in_rupiah_and_year_defaults_to_region(self):
        agency = make_agency()
        self.assertEqual(CeilingForm().fields["fiscal_year"].initial, region.FISCAL_YEAR)
        form = CeilingForm({"agency": agency.pk, "fiscal_year": region.FISCAL_YEAR, "amount": "Rp 2.000.000.000"})
        self.assertTrue(form.is_valid(), form.errors)
        self.assertEqual(form.cleaned_data["amount"], 2_000_000_000)
        form = CeilingForm({"agency": agency.pk, "fiscal_year": "1999", "amount": "-5"})
        self.assertFalse(form.is_valid())
        self.assertEqual(set(form.errors), {"fiscal_year", "amount"})


class FilterFormTests(TestCase):
    def test_filters_by_status_level_and_agency(self):
        agency = make_agency()
        draft = make_proposal(title="Draf")
        pending = submitted_proposal(title="Dibahas")
        Proposal.objects.filter(pk=pending.pk).update(agency=agency)
        everything = Proposal.objects.all()
        by_status = ProposalFilterForm({"status": Status.SUBMITTED}, include_draft=True)
        self.assertEqual(list(by_status.filter(everything)), [pending])
        by_agency = ProposalFilterForm({"agency": agency.pk})
        self.assertEqual(list(by_agency.filter(everything)), [pending])
        by_level = ProposalFilterForm({"level": region.ROUNDS[0]})
        self.assertEqual(set(by_level.filter(everything)), {draft, pending})
        by_title = ProposalFilterForm({"q": "draf"})
        self.assertEqual(list(by_title.filter(everything)), [draft])

    def test_public_form_has_no_draft_status_and_only_configured_rounds(self):
        form = ProposalFilterForm()
        self.assertNotIn(Status.DRAFT, [v for v, _ in form.fields["status"].choices])
        self.assertEqual([v for v, _ in form.fields["level"].choices][1:], list(region.ROUNDS))
        self.assertFalse(ProposalFilterForm({"level": "provinsi"}).is_valid())
