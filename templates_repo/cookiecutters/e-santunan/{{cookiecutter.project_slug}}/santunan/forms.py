"""Formulir. Semua masukan diperiksa di sini; kesalahan tampil di bawah field yang bersangkutan."""
import datetime as dt

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Claim, account_number_validator
from .nik import birth_date_of, parse_region_nik, parse_valid_nik
from .uploads import ACCEPT_ATTR, validate_death_certificate


def _clean_person_name(value):
    value = " ".join(value.split())
    if not any(ch.isalpha() for ch in value):
        raise ValidationError("Nama harus berisi huruf.")
    if any(ch.isdigit() for ch in value):
        raise ValidationError("Nama tidak boleh berisi angka.")
    return value


def add_service_errors(form, exc):
    """Tempelkan ValidationError dari services ke form: per field bila field itu ada, selain itu di atas form."""
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class ClaimForm(forms.Form):
    """Pengajuan santunan kematian oleh ahli waris."""

    deceased_nik = forms.CharField(
        label="NIK almarhum/almarhumah",
        max_length=24,
        help_text="16 digit, sesuai KTP/KK almarhum/almarhumah.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    deceased_name = forms.CharField(label="Nama almarhum/almarhumah", max_length=200)
    date_of_death = forms.DateField(
        label="Tanggal meninggal",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    death_certificate = forms.FileField(
        label="Akta kematian",
        validators=[validate_death_certificate],
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
    )
    heir_name = forms.CharField(label="Nama ahli waris", max_length=200)
    heir_nik = forms.CharField(
        label="NIK ahli waris",
        max_length=24,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    heir_relationship = forms.ChoiceField(
        label="Hubungan dengan almarhum/almarhumah",
        choices=[("", "Pilih hubungan")] + Claim.Relationship.choices,
    )
    bank_name = forms.CharField(label="Nama bank", max_length=100, help_text="Mis. BRI, BNI, Mandiri, atau bank daerah.")
    account_number = forms.CharField(
        label="Nomor rekening",
        max_length=20,
        help_text="Hanya angka, tanpa spasi atau tanda hubung.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_holder = forms.CharField(label="Nama pemilik rekening", max_length=200)
    declaration = forms.BooleanField(
        label="Saya menyatakan data di atas benar dan saya adalah ahli waris yang sah.",
        error_messages={"required": "Centang pernyataan ini untuk melanjutkan."},
    )

    SERVICE_FIELDS = (
        "deceased_nik", "deceased_name", "date_of_death", "death_certificate", "heir_name", "heir_nik",
        "heir_relationship", "bank_name", "account_number", "account_holder",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        certificate = self.fields["death_certificate"]
        certificate.required = settings.SANTUNAN_REQUIRE_DEATH_CERTIFICATE
        certificate.help_text = f"PDF, JPG, atau PNG, maksimal {settings.SANTUNAN_MAX_UPLOAD_MB} MB." + (
            "" if certificate.required else " Boleh menyusul."
        )
        self.fields["date_of_death"].widget.attrs["max"] = timezone.localdate().isoformat()

    def clean_deceased_nik(self):
        info = parse_region_nik(self.cleaned_data["deceased_nik"])
        if Claim.objects.active().filter(deceased_nik=info.nik).exists():
            raise ValidationError(
                "Klaim santunan untuk NIK ini sudah pernah diajukan. Lacak klaim tersebut dengan kodenya.",
                code="duplicate",
            )
        return info.nik

    def clean_deceased_name(self):
        return _clean_person_name(self.cleaned_data["deceased_name"])

    def clean_heir_name(self):
        return _clean_person_name(self.cleaned_data["heir_name"])

    def clean_account_holder(self):
        return _clean_person_name(self.cleaned_data["account_holder"])

    def clean_heir_nik(self):
        return parse_valid_nik(self.cleaned_data["heir_nik"]).nik

    def clean_date_of_death(self):
        value = self.cleaned_data["date_of_death"]
        if value > timezone.localdate():
            raise ValidationError("Tanggal meninggal tidak boleh di masa depan.")
        return value

    def clean_account_number(self):
        value = self.cleaned_data["account_number"].strip()
        account_number_validator(value)
        return value

    def clean(self):
        cleaned = super().clean()
        nik, died = cleaned.get("deceased_nik"), cleaned.get("date_of_death")
        if nik and died:
            try:
                born = birth_date_of(parse_region_nik(nik, reference_date=died))
            except ValidationError as exc:
                self.add_error("deceased_nik", exc)
                born = None
            if born and died < born:
                self.add_error(
                    "date_of_death",
                    f"Tanggal meninggal tidak boleh sebelum tanggal lahir di NIK ({born:%d-%m-%Y}).",
                )
        heir = cleaned.get("heir_nik")
        if nik and heir and nik == heir:
            self.add_error("heir_nik", "NIK ahli waris tidak boleh sama dengan NIK almarhum/almarhumah.")
        return cleaned

    def submission_data(self):
        """Argumen untuk services.claim_submit."""
        return {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}


class TrackForm(forms.Form):
    """Ahli waris melacak klaim dengan kode klaim."""

    kode = forms.CharField(
        label="Kode klaim",
        max_length=32,
        widget=forms.TextInput(attrs={"placeholder": "SK-XXXXXXXX", "autocomplete": "off"}),
    )


class CorrectionForm(forms.Form):
    """Ahli waris mengirim perbaikan yang diminta petugas. Field yang tampil mengikuti permintaan itu."""

    heir_nik = forms.CharField(
        label="NIK ahli waris",
        max_length=24,
        help_text="NIK ahli waris yang tertulis saat mengajukan, untuk memastikan Anda pengaju klaim ini.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    death_certificate = forms.FileField(
        label="Akta kematian",
        validators=[validate_death_certificate],
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
    )
    bank_name = forms.CharField(
        label="Nama bank", max_length=100, help_text="Mis. BRI, BNI, Mandiri, atau bank daerah."
    )
    account_number = forms.CharField(
        label="Nomor rekening",
        max_length=20,
        help_text="Hanya angka, tanpa spasi atau tanda hubung.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    account_holder = forms.CharField(label="Nama pemilik rekening", max_length=200)

    FIELDS_BY_ITEM = {
        Claim.Correction.AKTA_KEMATIAN: ("death_certificate",),
        Claim.Correction.REKENING: ("bank_name", "account_number", "account_holder"),
    }

    def __init__(self, *args, claim, **kwargs):
        super().__init__(*args, **kwargs)
        self.claim = claim
        wanted = self.FIELDS_BY_ITEM.get(claim.correction_item, ())
        for name in [n for fields in self.FIELDS_BY_ITEM.values() for n in fields]:
            if name not in wanted:
                del self.fields[name]
        if "death_certificate" in self.fields:
            self.fields["death_certificate"].help_text = (
                f"PDF, JPG, atau PNG, maksimal {settings.SANTUNAN_MAX_UPLOAD_MB} MB."
            )

    def clean_heir_nik(self):
        return parse_valid_nik(self.cleaned_data["heir_nik"]).nik

    def clean_account_holder(self):
        return _clean_person_name(self.cleaned_data["account_holder"])

    def clean_account_number(self):
        value = self.cleaned_data["account_number"].strip()
        account_number_validator(value)
        return value

    def correction_data(self):
        """Argumen untuk services.claim_correct."""
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class ClaimActionForm(forms.Form):
    """Tindakan petugas pada klaim."""

    ACTIONS = {
        "verify": Claim.Status.DIVERIFIKASI,
        "approve": Claim.Status.DISETUJUI,
        "pay": Claim.Status.DIBAYAR,
        "return": Claim.Status.PERLU_PERBAIKAN,
        "reject": Claim.Status.DITOLAK,
        "recheck": None,
    }

    action = forms.ChoiceField(choices=[(key, key) for key in ACTIONS], widget=forms.HiddenInput)
    note = forms.CharField(label="Catatan", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))
    rejection_reason = forms.CharField(
        label="Alasan penolakan", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    payment_reference = forms.CharField(label="Referensi transfer", required=False, max_length=100)
    correction_item = forms.ChoiceField(
        label="Yang perlu diperbaiki",
        required=False,
        choices=[("", "Pilih")] + Claim.Correction.choices,
    )
    correction_note = forms.CharField(
        label="Catatan untuk ahli waris", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "reject" and len(cleaned.get("rejection_reason", "").strip()) < 10:
            self.add_error("rejection_reason", "Tulis alasan penolakan yang jelas (minimal 10 karakter).")
        if action == "return":
            if not cleaned.get("correction_item"):
                self.add_error("correction_item", "Pilih apa yang perlu diperbaiki.")
            if len(cleaned.get("correction_note", "").strip()) < 10:
                self.add_error(
                    "correction_note", "Tulis dengan jelas apa yang kurang atau salah (minimal 10 karakter)."
                )
        if action == "pay" and not cleaned.get("payment_reference", "").strip():
            self.add_error("payment_reference", "Isi nomor referensi transfer.")
        return cleaned


class RegisterImportForm(forms.Form):
    """Unggah CSV register Dinas Sosial."""

    MAX_BYTES = 5 * 1024 * 1024

    file = forms.FileField(
        label="Berkas CSV",
        help_text="Kolom: nik, nama, status (aktif / meninggal / pindah). Pemisah koma atau titik koma, UTF-8.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("Unggah berkas berekstensi .csv.")
        if upload.size > self.MAX_BYTES:
            raise ValidationError("Ukuran berkas CSV maksimal 5 MB.")
        return upload


class ReportMonthForm(forms.Form):
    """Pilih bulan laporan pembayaran."""

    bulan = forms.CharField(
        label="Bulan",
        max_length=7,
        required=False,
        widget=forms.TextInput(attrs={"type": "month"}),
        help_text="Format TTTT-BB, mis. 2025-01.",
    )

    def clean_bulan(self):
        value = (self.cleaned_data.get("bulan") or "").strip()
        if not value:
            today = timezone.localdate()
            return today.year, today.month
        try:
            parsed = dt.datetime.strptime(value, "%Y-%m")
        except ValueError as exc:
            raise ValidationError("Bulan harus berformat TTTT-BB, mis. 2025-01.") from exc
        if parsed.year < 2000:
            raise ValidationError("Tahun terlalu lampau.")
        return parsed.year, parsed.month
