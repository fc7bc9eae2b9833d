"""Admin Django untuk semua model. Perubahan status usulan sebaiknya lewat halaman Kelola (services)."""

from django.contrib import admin

from . import services
from .models import (
    Agency,
    BudgetCeiling,
    Criterion,
    District,
    Proposal,
    ProposalEvent,
    ProposalScore,
    Village,
)


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "order"]
    list_editable = ["order"]
    search_fields = ["name"]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "code"]
    search_fields = ["name", "code"]


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "district", "code"]
    list_filter = ["kind", "district"]
    search_fields = ["name", "code"]
    list_select_related = ["district"]


class ProposalScoreInline(admin.TabularInline):
    model = ProposalScore
    extra = 0
    readonly_fields = ["criterion", "value", "scored_by", "scored_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ProposalEventInline(admin.TabularInline):
    model = ProposalEvent
    extra = 0
    readonly_fields = ["created_at", "action", "level", "next_level", "from_status", "to_status", "note", "actor"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["title", "village", "sector", "cost_estimate", "agency", "level", "status", "priority_score"]
    list_filter = ["status", "level", "sector", "agency", "fiscal_year"]
    search_fields = ["title", "description", "village__name"]
    list_select_related = ["village__district", "agency"]
    autocomplete_fields = ["village"]
    # Status, tahap, OPD dan skor hanya berubah lewat services (riwayat, pagu, dan skor tetap konsisten).
    readonly_fields = ["status", "level", "agency", "priority_score", "proposer", "created_at", "updated_at"]
    inlines = [ProposalScoreInline, ProposalEventInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.proposer = request.user
        super().save_model(request, obj, form, change)


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "weight", "order"]
    prepopulated_fields = {"code": ["name"]}

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        services.proposal_scores_recompute()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        services.proposal_scores_recompute()


@admin.register(ProposalScore)
class ProposalScoreAdmin(admin.ModelAdmin):
    list_display = ["proposal", "criterion", "value", "scored_by", "scored_at"]
    list_filter = ["criterion"]
    list_select_related = ["proposal", "criterion", "scored_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(BudgetCeiling)
class BudgetCeilingAdmin(admin.ModelAdmin):
    list_display = ["agency", "fiscal_year", "amount"]
    list_filter = ["fiscal_year"]
    list_select_related = ["agency"]


@admin.register(ProposalEvent)
class ProposalEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "proposal", "action", "level", "to_status", "actor"]
    list_filter = ["action", "level"]
    list_select_related = ["proposal", "actor"]
    search_fields = ["proposal__title", "note"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
