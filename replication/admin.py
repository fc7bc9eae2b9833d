"""Mentoring in the admin: staff correct what members recorded. Writes here skip the services' notices;
the rules of who may do what do not apply to staff anyway (registry.permissions)."""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from config.uploads import ServedFileInput

from .models import (
    ActionItem,
    Answer,
    Evaluation,
    EvaluationFigure,
    MentorContact,
    MentoringSession,
    Notice,
    PhaseChange,
    Question,
    Replication,
    SessionMaterial,
)

REGION_SEARCH = ("replication__app__name", "replication__asal__name", "replication__penerima__name")


@admin.register(MentorContact)
class MentorContactAdmin(admin.ModelAdmin):
    list_display = ("name", "position", "app", "region", "agency", "email", "phone")
    list_filter = ("region__province",)
    search_fields = ("name", "position", "topics", "app__name", "region__name", "region__code")
    list_select_related = ("app", "region", "agency")
    autocomplete_fields = ("app", "region", "agency")


class PhaseChangeInline(admin.TabularInline):
    """The phase history is a record of what happened: read here, changed through the phases."""

    model = PhaseChange
    extra = 0
    fields = ("from_phase", "to_phase", "reason", "changed_by", "changed_at")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ("title", "side", "person", "due_on", "done_at")


@admin.register(Replication)
class ReplicationAdmin(SimpleHistoryAdmin):
    inlines = (PhaseChangeInline, ActionItemInline)
    list_display = ("app", "asal", "penerima", "fasilitator", "model", "phase", "request_state", "created_at")
    list_filter = ("phase", "model", "request_state")
    search_fields = (
        "app__name",
        "app__slug",
        "asal__name",
        "asal__code",
        "penerima__name",
        "penerima__code",
        "fasilitator__name",
        "fasilitator_name",
    )
    list_select_related = ("app", "asal", "penerima", "fasilitator")
    autocomplete_fields = ("app", "asal", "penerima", "fasilitator", "mou", "mentor")
    readonly_fields = ("requested_by", "answered_by", "answered_at", "created_at", "updated_at")
    date_hierarchy = "created_at"


class MaterialInline(admin.TabularInline):
    model = SessionMaterial
    extra = 0
    # The current file links to the API's download route: nothing is served from MEDIA_URL.
    formfield_overrides = {
        models.FileField: {
            "widget": ServedFileInput(
                lambda material: reverse(
                    "api:mentoring-session-material", kwargs={"pk": material.session_id, "mid": material.pk}
                )
            )
        }
    }


@admin.register(MentoringSession)
class MentoringSessionAdmin(admin.ModelAdmin):
    inlines = (MaterialInline,)
    list_display = ("topic", "replication", "starts_at", "mode", "participants")
    list_filter = ("mode",)
    search_fields = ("topic", "location", *REGION_SEARCH)
    list_select_related = ("replication__app", "replication__asal", "replication__penerima")
    autocomplete_fields = ("replication", "study_visit", "mentors", "agencies")
    readonly_fields = ("sequence", "created_at", "updated_at")
    date_hierarchy = "starts_at"


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    fields = ("body", "side", "author", "created_at")
    readonly_fields = ("author", "created_at")


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    inlines = (AnswerInline,)
    list_display = ("title", "replication", "state", "internal", "asked_at", "first_answered_at")
    list_filter = ("state", "internal")
    search_fields = ("title", "body", *REGION_SEARCH)
    list_select_related = ("replication__app", "replication__asal", "replication__penerima")
    autocomplete_fields = ("replication",)
    readonly_fields = ("asked_by", "asked_at", "first_answered_at")


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("title", "replication", "side", "person", "due_on", "done_at")
    list_filter = ("side",)
    search_fields = ("title", "person", *REGION_SEARCH)
    list_select_related = ("replication__app", "replication__asal", "replication__penerima")
    autocomplete_fields = ("replication",)


class FigureInline(admin.TabularInline):
    model = EvaluationFigure
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    inlines = (FigureInline,)
    list_display = ("replication", "service_live", "recorded_at")
    list_filter = ("service_live",)
    search_fields = ("lessons", *REGION_SEARCH)
    list_select_related = ("replication__app", "replication__asal", "replication__penerima")
    autocomplete_fields = ("replication",)
    readonly_fields = ("recorded_by", "recorded_at")


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """The record of the e-mails sent (each once): read here, never written by hand; deleting one would
    send its e-mail again."""

    list_display = ("kind", "key", "recipient", "sent_at")
    list_filter = ("kind",)
    search_fields = ("key", "recipient")
    date_hierarchy = "sent_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    has_delete_permission = has_change_permission
