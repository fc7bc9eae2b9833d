"""Admin Django. Status klaim hanya diubah lewat halaman petugas (services), di sini hanya dibaca."""
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from .models import Agency, Claim, ClaimStatusChange, SocialRegisterEntry


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "is_paying_agency")
    list_filter = ("is_paying_agency",)
    search_fields = ("name",)


@admin.register(SocialRegisterEntry)
class SocialRegisterEntryAdmin(admin.ModelAdmin):
    list_display = ("nik", "name", "status", "updated_at")
    list_filter = ("status",)
    search_fields = ("nik", "name")


class ClaimStatusChangeInline(admin.TabularInline):
    model = ClaimStatusChange
    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status", "to_status", "changed_by", "note")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("code", "deceased_name", "deceased_district_name", "status", "register_check", "amount",
                    "submitted_at", "paid_at")
    list_filter = ("status", "register_check", "deceased_district_name")
    search_fields = ("code", "deceased_nik", "deceased_name", "heir_name", "heir_nik")
    date_hierarchy = "submitted_at"
    inlines = [ClaimStatusChangeInline]
    readonly_fields = (
        "code", "deceased_nik", "deceased_gender", "deceased_birth_date", "deceased_district_code",
        "deceased_district_name", "amount", "status", "rejection_reason", "payment_reference", "register_check",
        "register_name", "register_status", "register_checked_at", "submitted_at", "paid_at", "updated_at",
        "certificate_link",
    )
    exclude = ("death_certificate",)

    @admin.display(description="akta kematian")
    def certificate_link(self, obj):
        if not obj.death_certificate:
            return "-"
        url = reverse("santunan:staff_claim_certificate", args=[obj.code])
        return format_html('<a href="{}">Unduh akta kematian</a>', url)

    def has_add_permission(self, request):
        # Klaim masuk lewat formulir publik agar semua pemeriksaan berjalan.
        return False


@admin.register(ClaimStatusChange)
class ClaimStatusChangeAdmin(admin.ModelAdmin):
    list_display = ("claim", "from_status", "to_status", "changed_at", "changed_by")
    list_filter = ("to_status",)
    search_fields = ("claim__code",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
