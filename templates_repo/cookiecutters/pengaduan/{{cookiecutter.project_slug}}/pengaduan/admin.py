"""Admin Django untuk semua model. Status dan OPD laporan hanya berubah lewat halaman petugas (agar tercatat)."""

from django.contrib import admin

from .models import Agency, AgencyTransfer, Category, Escalation, Officer, Report, StatusChange


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "is_active"]
    list_filter = ["is_active", "agency"]
    list_editable = ["agency", "is_active"]
    search_fields = ["name"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    fields = ["changed_at", "from_status", "to_status", "note", "changed_by", "notified_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class AgencyTransferInline(admin.TabularInline):
    model = AgencyTransfer
    extra = 0
    can_delete = False
    fields = ["transferred_at", "from_agency", "to_agency", "reason", "transferred_by"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class EscalationInline(admin.StackedInline):
    model = Escalation
    extra = 0
    can_delete = False
    readonly_fields = ["officer", "hours_overdue", "raised_at", "raised_by"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["ticket_code", "category", "agency", "channel", "status", "submitted_at", "due_at"]
    list_filter = ["status", "channel", "agency", "category"]
    search_fields = ["ticket_code", "location", "description"]
    date_hierarchy = "submitted_at"
    readonly_fields = [
        "ticket_code",
        "agency",
        "status",
        "rejection_reason",
        "sla_hours",
        "submitted_at",
        "due_at",
        "closed_at",
        "created_by",
    ]
    inlines = [StatusChangeInline, AgencyTransferInline, EscalationInline]

    def has_add_permission(self, request):
        return False  # laporan baru lewat formulir warga/petugas agar kode tiket dan SLA terisi


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["report", "from_status", "to_status", "changed_at", "changed_by"]
    list_filter = ["to_status"]
    search_fields = ["report__ticket_code"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AgencyTransfer)
class AgencyTransferAdmin(admin.ModelAdmin):
    list_display = ["report", "from_agency", "to_agency", "transferred_at", "transferred_by"]
    list_filter = ["from_agency", "to_agency"]
    search_fields = ["report__ticket_code", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["report", "officer", "hours_overdue", "raised_at", "raised_by"]
    search_fields = ["report__ticket_code", "officer"]

    def has_add_permission(self, request):
        return False


@admin.register(Officer)
class OfficerAdmin(admin.ModelAdmin):
    list_display = ["user", "agency"]
    list_filter = ["agency"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["agency"]
