from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .choices import ForkStatus
from .models import Fork, Template, TemplateVersion


class VersionInline(admin.TabularInline):
    model = TemplateVersion
    extra = 0
    fields = ("number", "content_hash", "changelog", "created_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Template)
class TemplateAdmin(SimpleHistoryAdmin):
    """Templates come from templates_repo/cookiecutters/ (sync_templates); their links are editable."""

    inlines = (VersionInline,)
    list_display = ("name", "slug", "category", "app", "mentor_region")
    readonly_fields = ("slug",)
    autocomplete_fields = ("app", "mentor_region", "mentor_agency")


@admin.register(Fork)
class ForkAdmin(admin.ModelAdmin):
    list_display = ("id", "template", "region", "requested_by", "status", "progress", "created_at")
    list_filter = ("status", "template")
    search_fields = ("id", "region__name", "region__code", "requested_by__username")
    # The archive links to its download view (MEDIA_URL serves nothing), in the field's place.
    readonly_fields = [
        "archive_link" if field.name == "archive" else field.name for field in Fork._meta.fields
    ]
    exclude = ("archive",)
    actions = ("retry_failed",)

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("archive"))
    def archive_link(self, fork):
        if not fork.archive:
            return "—"
        url = reverse("templates_repo:fork-archive", kwargs={"pk": fork.pk})
        return format_html('<a href="{}">{}</a>', url, services.fork_archive_filename(fork))

    @admin.action(description="Retry the failed forks")
    def retry_failed(self, request, queryset):
        for fork in queryset.filter(status=ForkStatus.FAILED):
            services.fork_retry(fork=fork)
