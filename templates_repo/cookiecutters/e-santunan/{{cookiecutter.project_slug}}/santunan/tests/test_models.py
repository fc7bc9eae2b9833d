"""Model: kode klaim, constraint basis data, validasi model."""
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import TestCase
from django.utils import timezone

from santunan.models import CLAIM_CODE_ALPHABET, Claim, ClaimStatusChange, SocialRegisterEntry, generate_claim_code

from .helpers import make_nik


def claim_row(**overrides):
    """Klaim yang disimpan langsung (tanpa services), untuk menguji constraint basis data."""
    values = {
        "deceased_nik": make_nik(),
        "deceased_name": "Sutrisno",
        "deceased_gender": "L",
        "deceased_birth_date": dt.date(1950, 5, 17),
        "deceased_district_code": "00.00.00",
        "date_of_death": timezone.localdate() - dt.timedelta(days=1),
        "heir_name": "Siti",
        "heir_nik": make_nik(),
        "heir_relationship": Claim.Relationship.ANAK,
        "bank_name": "BRI",
        "account_number": "1234567890",
        "account_holder": "Siti",
        "amount": 1000,
    }
    values.update(overrides)
    return Claim(**values)


class ClaimCodeTests(TestCase):
    def test_code_format(self):
        code = generate_claim_code()
        self.assertRegex(code, "^SK-[" + CLAIM_CODE_ALPHABET + "]{8}$")

    def test_codes_are_random(self):
        self.assertEqual(len({generate_claim_code() for _ in range(200)}), 200)

    def test_claim_gets_a_code_by_default(self):
        claim = claim_row()
        claim.save()
        self.assertTrue(claim.code.startswith("SK-"))
        self.assertIn(claim.code, str(claim))


class ClaimConstraintTests(TestCase):
    def test_one_active_claim_per_deceased_nik_in_the_database(self):
        nik = make_nik()
        claim_row(deceased_nik=nik).save()
        with self.assertRaises(IntegrityError), transaction.atomic():
            claim_row(deceased_nik=nik).save()

    def test_rejected_claim_does_not_block_a_new_one(self):
        nik = make_nik()
        claim_row(deceased_nik=nik, status=Claim.Status.DITOLAK, rejection_reason="Akta tidak terbaca.").save()
        claim_row(deceased_nik=nik).save()
        self.assertEqual(Claim.objects.filter(deceased_nik=nik).count(), 2)
        self.assertEqual(Claim.objects.active().filter(deceased_nik=nik).count(), 1)

    def test_rejected_claim_needs_a_reason_in_the_database(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            claim_row(status=Claim.Status.DITOLAK, rejection_reason="").save()

    def test_paid_claim_needs_paid_at_in_the_database(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            claim_row(status=Claim.Status.DIBAYAR, paid_at=None).save()

    def test_amount_must_be_positive_in_the_database(self):
        with self.assertRaises(IntegrityError), transaction.atomic():
            claim_row(amount=0).save()


class ClaimCleanTests(TestCase):
    def test_valid_row_passes_full_clean(self):
        claim_row(deceased_district_code="33.25.01").full_clean()

    def test_full_clean_reports_duplicate_nik(self):
        nik = make_nik()
        claim_row(deceased_nik=nik).save()
        with self.assertRaises(ValidationError) as ctx:
            claim_row(deceased_nik=nik).full_clean()
        self.assertIn("sudah pernah diajukan", str(ctx.exception))

    def test_date_rules(self):
        future = claim_row(date_of_death=timezone.localdate() + dt.timedelta(days=1))
        before_birth = claim_row(date_of_death=dt.date(1950, 5, 16))
        for claim in (future, before_birth):
            with self.assertRaises(ValidationError) as ctx:
                claim.full_clean()
            self.assertIn("date_of_death", ctx.exception.message_dict)

    def test_heir_nik_differs_from_deceased_nik(self):
        nik = make_nik()
        with self.assertRaises(ValidationError) as ctx:
            claim_row(deceased_nik=nik, heir_nik=nik).full_clean()
        self.assertIn("heir_nik", ctx.exception.message_dict)

    def test_account_number_digits_only(self):
        for bad in ("12345", "1234-5678-90", "12345678901234567890123", "abcdefgh"):
            with self.subTest(bad=bad):
                with self.assertRaises(ValidationError) as ctx:
                    claim_row(account_number=bad).full_clean()
                self.assertIn("account_number", ctx.exception.message_dict)

    def test_status_rules(self):
        with self.assertRaises(ValidationError) as ctx:
            claim_row(status=Claim.Status.DITOLAK).full_clean()
        self.assertIn("rejection_reason", ctx.exception.message_dict)
        with self.assertRaises(ValidationError) as ctx:
            claim_row(status=Claim.Status.DIBAYAR, paid_at=timezone.now()).full_clean()
        self.assertIn("payment_reference", ctx.exception.message_dict)


class OtherModelTests(TestCase):
    def test_register_entry_nik_is_unique_and_validated(self):
        nik = make_nik()
        SocialRegisterEntry.objects.create(nik=nik, name="Sutrisno")
        with self.assertRaises(IntegrityError), transaction.atomic():
            SocialRegisterEntry.objects.create(nik=nik, name="Lain")
        with self.assertRaises(ValidationError):
            SocialRegisterEntry(nik="123", name="X").full_clean()

    def test_history_is_ordered_by_time(self):
        claim = claim_row()
        claim.save()
        now = timezone.now()
        later = ClaimStatusChange.objects.create(claim=claim, to_status="diverifikasi", changed_at=now)
        earlier = ClaimStatusChange.objects.create(
            claim=claim, to_status="diajukan", changed_at=now - dt.timedelta(hours=1)
        )
        self.assertEqual(list(claim.history.all()), [earlier, later])
        self.assertIn(claim.code, str(later))
