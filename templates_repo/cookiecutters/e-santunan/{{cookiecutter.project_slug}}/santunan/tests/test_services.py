"""services.py: pengajuan, cek register, alur status, impor register, laporan bulanan."""
import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import TestCase, override_settings
from django.utils import timezone

from santunan import services
from santunan.models import Agency, Claim, SocialRegisterEntry

from .helpers import TempMediaMixin, create_claim, make_nik, other_region_district

S = Claim.Status


class ClaimSubmitTests(TempMediaMixin, TestCase):
    def test_submit_fills_derived_fields_amount_and_history(self):
        nik = make_nik(birth=dt.date(1948, 8, 9), female=True)
        claim = create_claim(deceased_nik=nik, deceased_name="  Siti   Rahayu ")
        self.assertEqual(claim.status, S.DIAJUKAN)
        self.assertEqual(claim.amount, settings.SANTUNAN_BENEFIT_AMOUNT)
        self.assertEqual(claim.deceased_name, "Siti Rahayu")
        self.assertEqual(claim.deceased_gender, "P")
        self.assertEqual(claim.deceased_birth_date, dt.date(1948, 8, 9))
        self.assertEqual(claim.deceased_district_code.replace(".", ""), nik[:6])
        self.assertTrue(claim.deceased_district_name)
        self.assertTrue(claim.death_certificate.name.endswith(".pdf"))
        history = list(claim.history.all())
        self.assertEqual([(h.from_status, h.to_status) for h in history], [("", S.DIAJUKAN)])

    @override_settings(SANTUNAN_BENEFIT_AMOUNT=2500000)
    def test_amount_follows_configuration(self):
        self.assertEqual(create_claim().amount, 2500000)

    def test_nik_from_another_region_is_refused(self):
        with self.assertRaises(ValidationError) as ctx:
            create_claim(deceased_nik=make_nik(district=other_region_district()))
        self.assertIn("deceased_nik", ctx.exception.message_dict)
        self.assertFalse(Claim.objects.exists())

    def test_second_claim_for_the_same_deceased_is_refused(self):
        nik = make_nik()
        create_claim(deceased_nik=nik)
        with self.assertRaises(ValidationError):
            create_claim(deceased_nik=nik)
        self.assertEqual(Claim.objects.count(), 1)

    def test_new_claim_allowed_after_rejection(self):
        nik = make_nik()
        services.claim_reject(claim=create_claim(deceased_nik=nik), rejection_reason="Akta kematian tidak terbaca.")
        self.assertEqual(create_claim(deceased_nik=nik).status, S.DIAJUKAN)

    def test_date_of_death_rules(self):
        born = dt.date(2000, 6, 15)
        nik = make_nik(birth=born)
        for died in (born - dt.timedelta(days=1), timezone.localdate() + dt.timedelta(days=1)):
            with self.subTest(died=died):
                with self.assertRaises(ValidationError) as ctx:
                    create_claim(deceased_nik=nik, date_of_death=died)
                self.assertIn("date_of_death", ctx.exception.message_dict)
        self.assertEqual(create_claim(deceased_nik=nik, date_of_death=born).deceased_birth_date, born)

    def test_death_certificate_requirement_follows_configuration(self):
        with override_settings(SANTUNAN_REQUIRE_DEATH_CERTIFICATE=True):
            with self.assertRaises(ValidationError) as ctx:
                create_claim(death_certificate=None)
            self.assertIn("death_certificate", ctx.exception.message_dict)
        with override_settings(SANTUNAN_REQUIRE_DEATH_CERTIFICATE=False):
            self.assertFalse(create_claim(death_certificate=None).death_certificate)

    def test_fake_certificate_is_refused(self):
        from django.core.files.uploadedfile import SimpleUploadedFile

        with self.assertRaises(ValidationError) as ctx:
            create_claim(death_certificate=SimpleUploadedFile("akta.pdf", b"MZ\x90\x00 not a pdf"))
        self.assertIn("death_certificate", ctx.exception.message_dict)


class RegisterCheckTests(TempMediaMixin, TestCase):
    def check_for(self, entry_name=None, entry_status=SocialRegisterEntry.Status.AKTIF, claim_name="Sutrisno"):
        nik = make_nik()
        if entry_name is not None:
            SocialRegisterEntry.objects.create(nik=nik, name=entry_name, status=entry_status)
        claim = create_claim(deceased_nik=nik, deceased_name=claim_name)
        self.assertIsNotNone(claim.register_checked_at)
        return claim

    def test_match(self):
        claim = self.check_for("SUTRISNO", SocialRegisterEntry.Status.MENINGGAL, claim_name="Sutrisno")
        self.assertEqual(claim.register_check, Claim.RegisterCheck.COCOK)
        self.assertEqual(claim.register_name, "SUTRISNO")
        self.assertEqual(claim.register_status, SocialRegisterEntry.Status.MENINGGAL)

    def test_name_differs(self):
        claim = self.check_for("Bambang Wijaya")
        self.assertEqual(claim.register_check, Claim.RegisterCheck.NAMA_BERBEDA)

    def test_moved_away(self):
        claim = self.check_for("Sutrisno", SocialRegisterEntry.Status.PINDAH)
        self.assertEqual(claim.register_check, Claim.RegisterCheck.TIDAK_AKTIF)

    def test_not_registered(self):
        claim = self.check_for(None)
        self.assertEqual(claim.register_check, Claim.RegisterCheck.TIDAK_TERDAFTAR)
        self.assertEqual(claim.register_name, "")

    def test_recheck_after_register_update(self):
        claim = self.check_for(None)
        services.register_entry_upsert(nik=claim.deceased_nik, name="Sutrisno", status="meninggal")
        claim = services.claim_check_register(claim=claim)
        claim.refresh_from_db()
        self.assertEqual(claim.register_check, Claim.RegisterCheck.COCOK)


class WorkflowTests(TempMediaMixin, TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.staff = get_user_model().objects.create_user("petugas", password="x", is_staff=True)

    def test_happy_path_with_timestamped_history(self):
        claim = create_claim()
        claim = services.claim_verify(claim=claim, user=self.staff, note="Berkas lengkap.")
        self.assertEqual(claim.status, S.DIVERIFIKASI)
        claim = services.claim_approve(claim=claim, user=self.staff)
        self.assertEqual(claim.status, S.DISETUJUI)
        self.assertIsNone(claim.paid_at)
        claim = services.claim_pay(claim=claim, user=self.staff, payment_reference="TRF-001")
        claim.refresh_from_db()
        self.assertEqual(claim.status, S.DIBAYAR)
        self.assertEqual(claim.payment_reference, "TRF-001")
        self.assertIsNotNone(claim.paid_at)
        history = list(claim.history.all())
        self.assertEqual(
            [(h.from_status, h.to_status) for h in history],
            [("", S.DIAJUKAN), (S.DIAJUKAN, S.DIVERIFIKASI), (S.DIVERIFIKASI, S.DISETUJUI),
             (S.DISETUJUI, S.DIBAYAR)],
        )
        self.assertTrue(all(h.changed_at for h in history))
        self.assertEqual([h.changed_at for h in history], sorted(h.changed_at for h in history))
        self.assertEqual(history[1].changed_by, self.staff)
        self.assertEqual(history[1].note, "Berkas lengkap.")
        self.assertEqual(history[-1].changed_at, claim.paid_at)

    def test_invalid_transitions_are_refused(self):
        claim = create_claim()
        for target in (S.DISETUJUI, S.DIBAYAR, S.DIAJUKAN):
            with self.subTest(target=target):
                with self.assertRaises(services.InvalidTransition):
                    services.claim_transition(claim=claim, to_status=target, payment_reference="X")
        claim.refresh_from_db()
        self.assertEqual(claim.status, S.DIAJUKAN)
        self.assertEqual(claim.history.count(), 1)

    def test_closed_claims_cannot_move(self):
        paid = create_claim()
        for step in (services.claim_verify, services.claim_approve):
            paid = step(claim=paid)
        paid = services.claim_pay(claim=paid, payment_reference="TRF-9")
        rejected = services.claim_reject(claim=create_claim(), rejection_reason="Bukan ahli waris yang sah.")
        for claim in (paid, rejected):
            for target in S.values:
                with self.subTest(claim=claim.status, target=target):
                    with self.assertRaises(ValidationError):
                        services.claim_transition(claim=claim, to_status=target, rejection_reason="alasan",
                                                  payment_reference="X")

    def test_reject_needs_a_reason_and_keeps_it(self):
        claim = create_claim()
        with self.assertRaises(ValidationError):
            services.claim_reject(claim=claim, rejection_reason="   ")
        claim = services.claim_reject(claim=claim, rejection_reason="Akta kematian tidak sah.", user=self.staff)
        self.assertEqual(claim.status, S.DITOLAK)
        self.assertEqual(claim.rejection_reason, "Akta kematian tidak sah.")
        self.assertEqual(claim.history.last().note, "Akta kematian tidak sah.")

    def test_reject_possible_from_every_open_status(self):
        claim = create_claim()
        claim = services.claim_approve(claim=services.claim_verify(claim=claim))
        claim = services.claim_reject(claim=claim, rejection_reason="Rekening tidak aktif.")
        self.assertEqual(claim.status, S.DITOLAK)

    def test_pay_needs_a_reference(self):
        claim = services.claim_approve(claim=services.claim_verify(claim=create_claim()))
        with self.assertRaises(ValidationError):
            services.claim_pay(claim=claim, payment_reference="")
        claim.refresh_from_db()
        self.assertEqual(claim.status, S.DISETUJUI)

    def test_find_by_code_ignores_case_and_spaces(self):
        claim = create_claim()
        self.assertEqual(services.claim_find_by_code(code=" " + claim.code.lower() + " "), claim)
        self.assertIsNone(services.claim_find_by_code(code="SK-TIDAKADA"))
        self.assertIsNone(services.claim_find_by_code(code=""))


class RegisterImportTests(TestCase):
    def csv(self, *rows, header="nik,nama,status", delimiter=","):
        lines = [header] + [delimiter.join(row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")

    def test_import_creates_then_is_idempotent_then_updates(self):
        a, b = make_nik(), make_nik(female=True)
        content = self.csv((a, "Sutrisno", "aktif"), (b, "Siti Aminah", "MENINGGAL"))
        first = services.register_import_csv(content=content)
        self.assertTrue(first.ok, first.errors)
        self.assertEqual((first.created, first.updated, first.unchanged), (2, 0, 0))
        again = services.register_import_csv(content=content)
        self.assertEqual((again.created, again.updated, again.unchanged), (0, 0, 2))
        self.assertEqual(SocialRegisterEntry.objects.count(), 2)
        changed = services.register_import_csv(content=self.csv((a, "Sutrisno", "pindah")))
        self.assertEqual((changed.created, changed.updated, changed.unchanged), (0, 1, 0))
        self.assertEqual(SocialRegisterEntry.objects.get(nik=a).status, "pindah")
        self.assertEqual(SocialRegisterEntry.objects.get(nik=b).status, "meninggal")

    def test_any_invalid_row_saves_nothing_and_reports_lines(self):
        good = make_nik()
        content = self.csv(
            (good, "Sutrisno", "aktif"),
            ("1234", "Pendek", "aktif"),
            (make_nik(), "", "aktif"),
            (make_nik(), "Budi", "hilang"),
            (good, "Ganda", "aktif"),
        )
        result = services.register_import_csv(content=content)
        self.assertFalse(result.ok)
        self.assertEqual([e.line for e in result.errors], [3, 4, 5, 6])
        self.assertIn("NIK", result.errors[0].message)
        self.assertIn("baris 2", result.errors[3].message)
        self.assertEqual(SocialRegisterEntry.objects.count(), 0)

    def test_semicolon_bom_english_header_and_blank_lines(self):
        nik = make_nik()
        content = "\ufeffNIK;Name;Status\n\n" + nik + ";Sutrisno;Tercatat meninggal\n"
        result = services.register_import_csv(content=content.encode("utf-8"))
        self.assertTrue(result.ok, result.errors)
        self.assertEqual(SocialRegisterEntry.objects.get(nik=nik).status, "meninggal")

    def test_bad_header_empty_file_and_bad_encoding(self):
        for content in (b"id,nama\n1,x\n", b"", b"nik,nama,status\n", "nik,nama,status\n\xe9".encode("latin-1")):
            with self.subTest(content=content):
                result = services.register_import_csv(content=content)
                self.assertFalse(result.ok)
        self.assertEqual(SocialRegisterEntry.objects.count(), 0)


class AgencySeedTests(TestCase):
    def test_seed_is_idempotent_and_marks_the_payer(self):
        created = services.agencies_seed(names=["Dinas A", "Dinas B"], paying_agency="Dinas B")
        self.assertEqual(created, 2)
        self.assertEqual(services.agencies_seed(names=["Dinas A", "Dinas B"], paying_agency="Dinas B"), 0)
        self.assertEqual(Agency.objects.count(), 2)
        self.assertEqual(list(Agency.objects.filter(is_paying_agency=True).values_list("name", flat=True)),
                         ["Dinas B"])

    def test_paying_agency_missing_from_the_list_is_added_and_payer_can_move(self):
        services.agencies_seed(names=["Dinas A"], paying_agency="Badan Keuangan Daerah")
        self.assertTrue(Agency.objects.get(name="Badan Keuangan Daerah").is_paying_agency)
        services.agencies_seed(names=["Dinas A"], paying_agency="Dinas A")
        self.assertEqual(list(Agency.objects.filter(is_paying_agency=True).values_list("name", flat=True)),
                         ["Dinas A"])


class MonthlyReportTests(TempMediaMixin, TestCase):
    def paid_claim(self, when, amount=None):
        claim = services.claim_approve(claim=services.claim_verify(claim=create_claim()))
        claim = services.claim_pay(claim=claim, payment_reference="TRF")
        Claim.objects.filter(pk=claim.pk).update(paid_at=when, amount=amount or claim.amount)
        claim.refresh_from_db()
        return claim

    def test_counts_and_totals_paid_claims_of_the_month_in_local_time(self):
        tz = timezone.get_current_timezone()
        inside = self.paid_claim(dt.datetime(2025, 3, 1, 0, 30, tzinfo=tz))  # 28 Feb 17:30 UTC
        self.paid_claim(dt.datetime(2025, 3, 31, 23, 59, tzinfo=tz), amount=750000)
        self.paid_claim(dt.datetime(2025, 2, 28, 23, 59, tzinfo=tz))
        self.paid_claim(dt.datetime(2025, 4, 1, 0, 0, tzinfo=tz))
        services.claim_approve(claim=services.claim_verify(claim=create_claim()))  # disetujui, belum dibayar
        report = services.payments_monthly_report(year=2025, month=3)
        self.assertEqual(report.count, 2)
        self.assertEqual(report.total, inside.amount + 750000)
        self.assertEqual(report.claims[0], inside)
        self.assertEqual(report.label, "Maret 2025")

    def test_december_and_empty_month(self):
        tz = timezone.get_current_timezone()
        self.paid_claim(dt.datetime(2024, 12, 31, 12, 0, tzinfo=tz))
        self.assertEqual(services.payments_monthly_report(year=2024, month=12).count, 1)
        empty = services.payments_monthly_report(year=2025, month=1)
        self.assertEqual((empty.count, empty.total, empty.claims), (0, 0, []))
