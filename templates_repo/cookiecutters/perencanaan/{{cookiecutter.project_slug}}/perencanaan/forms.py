"""Formulir: semua masukan pengguna divalidasi di sini sebelum diteruskan ke ``services``."""

import re
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from config import region

from .models import (
    MAX_COST,
    SCORE_SCALE_MAX,
    Agency,
    Criterion,
    District,
    Proposal,
    ProposalEvent,
    Sector,
    Status,
    Village,
)
from .selectors import merge_targets
from .services import PROPOSER_FIELDS, round_label

_RUPIAH_PREFIX = re.compile(r"^rp\.?", re.IGNORECASE)
_RUPIAH_SUFFIX = re.compile(r",(-|0{1,2})$")
_RUPIAH_DIGITS = re.compile(r"\d{1,3}(?:\.\d{3})+|\d+")


def parse_rupiah(text):
    """ "Rp 1.500.000", "1500000" atau "1.500.000,-" -> 1500000. Melempar ``ValueError`` bila bukan Rupiah bulat."""
    cleaned = _RUPIAH_PREFIX.sub("", str(text).strip()).replace(" ", "").replace("\u00a0", "")
    cleaned = _RUPIAH_SUFFIX.sub("", cleaned)
    if not _RUPIAH_DIGITS.fullmatch(cleaned):
        raise ValueError(f"bukan nilai Rupiah bulat: {text!r}")
    return int(cleaned.replace(".", ""))


class RupiahField(forms.IntegerField):
    """Nominal Rupiah bulat; menerima penulisan dengan titik ribuan dan awalan "Rp"."""

    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"})
    default_error_messages = {"invalid": "Tulis nominal Rupiah bulat, mis. 1.500.000."}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_rupiah(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def widget_attrs(self, widget):
        # Jangan tambahkan atribut min/max/step angka: isiannya teks bertitik ribuan.
        return {}


class VolumeField(forms.DecimalField):
    """Volume kegiatan; koma atau titik sama-sama diterima sebagai pemisah desimal ("1,5" = "1.5")."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip()
            if value.count(",") == 1 and "." not in value:
                value = value.replace(",", ".")
        return super().to_python(value)

    def widget_attrs(self, widget):
        return {}


class _VillagesByDistrict(ModelChoiceIterator):
    """Pilihan desa/kelurahan dikelompokkan per kecamatan (``<optgroup>``)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        groups = {}
        for village in self.queryset.select_related("district"):
            groups.setdefault(f"Kecamatan {village.district.name}", []).append(self.choice(village))
        yield from groups.items()


class VillageChoiceField(forms.ModelChoiceField):
    iterator = _VillagesByDistrict

    def label_from_instance(self, obj):
        return f"{obj.get_kind_display()} {obj.name}"


def allowed_villages():
    """Desa/kelurahan yang boleh mengajukan usulan, menurut ``config.region.ALLOW_KELURAHAN``."""
    villages = Village.objects.select_related("district")
    if not region.ALLOW_KELURAHAN:
        villages = villages.filter(kind=Village.Kind.DESA)
    return villages


class ProposalForm(forms.ModelForm):
    """Isian usulan oleh pengusul (operator desa/kelurahan)."""

    village = VillageChoiceField(queryset=Village.objects.none(), label="Desa/kelurahan", empty_label="— pilih —")
    volume = VolumeField(label="Volume", max_digits=12, decimal_places=2, min_value=Decimal("0.01"))
    cost_estimate = RupiahField(
        label="Perkiraan biaya (Rp)",
        min_value=1,
        max_value=MAX_COST,
        help_text="Rupiah bulat, mis. 250.000.000.",
    )

    class Meta:
        model = Proposal
        fields = PROPOSER_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = allowed_villages()
        self.fields["sector"].choices = [("", "— pilih bidang —")] + Sector.choices
        self.fields["title"].widget.attrs["autofocus"] = True


class DecisionForm(forms.Form):
    """Keputusan musrenbang atas usulan pada tahap saat ini."""

    ACTIONS = [
        (ProposalEvent.Action.APPROVE, "Setujui"),
        (ProposalEvent.Action.RETURN, "Kembalikan untuk diperbaiki"),
        (ProposalEvent.Action.REJECT, "Tolak"),
    ]

    action = forms.ChoiceField(label="Keputusan", choices=ACTIONS, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Catatan",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Wajib diisi bila usulan ditolak atau dikembalikan.",
    )

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action in (ProposalEvent.Action.REJECT, ProposalEvent.Action.RETURN) and not cleaned.get("note", "").strip():
            self.add_error("note", "Catatan wajib diisi saat menolak atau mengembalikan usulan.")
        return cleaned


class _MergeTargetField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        village = obj.village
        return f"#{obj.pk} {obj.title} — {village.get_kind_display()} {village.name}, Kec. {village.district.name}"


class MergeForm(forms.Form):
    """Penggabungan usulan ganda ke usulan lain yang sedang dibahas di tahap yang sama."""

    into = _MergeTargetField(
        label="Gabungkan ke usulan", queryset=Proposal.objects.none(), empty_label="— pilih usulan —"
    )
    note = forms.CharField(
        label="Alasan penggabungan",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='Ditampilkan kepada pengusul, mis. "Ruas jalan yang sama dengan usulan desa tetangga."',
        error_messages={"required": "Catatan wajib diisi saat menggabungkan usulan."},
    )

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = merge_targets(proposal) if proposal else Proposal.objects.none()


class AssignAgencyForm(forms.Form):
    """Penetapan OPD pelaksana."""

    agency = forms.ModelChoiceField(label="OPD pelaksana", queryset=Agency.objects.all(), empty_label="— pilih OPD —")


class ScoreForm(forms.Form):
    """Nilai usulan 1-5 untuk tiap kriteria prioritas (kosong = belum dinilai)."""

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(Criterion.objects.all())
        current = {s.criterion_id: s.value for s in proposal.scores.all()} if proposal else {}
        choices = [("", "—")] + [(str(i), str(i)) for i in range(1, SCORE_SCALE_MAX + 1)]
        for criterion in self.criteria:
            self.fields[f"c{criterion.pk}"] = forms.TypedChoiceField(
                label=f"{criterion.name} (bobot {criterion.weight})",
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
                initial=current.get(criterion.pk),
                help_text=criterion.description,
            )

    def values(self):
        """``{Criterion: nilai atau None}`` dari data yang sudah divalidasi."""
        return {c: self.cleaned_data.get(f"c{c.pk}") for c in self.criteria}


class CriteriaWeightsForm(forms.Form):
    """Bobot semua kriteria prioritas sekaligus."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(Criterion.objects.all())
        for criterion in self.criteria:
            self.fields[f"w{criterion.pk}"] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=100,
                initial=criterion.weight,
                help_text=criterion.description,
            )

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(f"w{c.pk}") for c in self.criteria]
        if self.criteria and all(w is not None for w in weights) and sum(weights) == 0:
            raise ValidationError("Setidaknya satu kriteria harus berbobot lebih dari 0.")
        return cleaned

    def weights(self):
        """``{Criterion: bobot}`` dari data yang sudah divalidasi."""
        return {c: self.cleaned_data[f"w{c.pk}"] for c in self.criteria}


class CeilingForm(forms.Form):
    """Penetapan pagu indikatif satu OPD untuk satu tahun anggaran."""

    agency = forms.ModelChoiceField(label="OPD", queryset=Agency.objects.all(), empty_label="— pilih OPD —")
    fiscal_year = forms.IntegerField(label="Tahun anggaran", min_value=2000, max_value=2100)
    amount = RupiahField(label="Pagu indikatif (Rp)", min_value=0, max_value=10**15)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].initial = region.FISCAL_YEAR


class ProposalFilterForm(forms.Form):
    """Saringan daftar usulan dan ekspor CSV; semua isian opsional."""

    q = forms.CharField(label="Cari judul", required=False, max_length=100)
    status = forms.ChoiceField(label="Status", required=False)
    level = forms.ChoiceField(label="Tahap", required=False)
    agency = forms.ModelChoiceField(label="OPD", queryset=Agency.objects.all(), required=False, empty_label="Semua OPD")
    district = forms.ModelChoiceField(
        label="Kecamatan", queryset=District.objects.all(), required=False, empty_label="Semua kecamatan"
    )
    sector = forms.ChoiceField(label="Bidang", required=False, choices=[("", "Semua bidang")] + Sector.choices)
    fiscal_year = forms.IntegerField(label="Tahun anggaran", required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, include_draft=False, **kwargs):
        super().__init__(*args, **kwargs)
        statuses = [c for c in Status.choices if include_draft or c[0] != Status.DRAFT]
        self.fields["status"].choices = [("", "Semua status")] + statuses
        self.fields["level"].choices = [("", "Semua tahap")] + [(lv, round_label(lv)) for lv in region.ROUNDS]

    def filter(self, queryset):
        """Menerapkan saringan yang valid pada ``queryset``."""
        data = self.cleaned_data if self.is_valid() else {}
        if data.get("q"):
            queryset = queryset.filter(title__icontains=data["q"])
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("level"):
            queryset = queryset.filter(level=data["level"])
        if data.get("agency"):
            queryset = queryset.filter(agency=data["agency"])
        if data.get("district"):
            queryset = queryset.filter(village__district=data["district"])
        if data.get("sector"):
            queryset = queryset.filter(sector=data["sector"])
        if data.get("fiscal_year"):
            queryset = queryset.filter(fiscal_year=data["fiscal_year"])
        return queryset
