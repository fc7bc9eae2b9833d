"""Pages of replication and mentoring: the list, a replication's page and the forms it posts."""

from django.urls import path

from . import views

app_name = "replication"

urlpatterns = [
    path("replikasi/", views.ReplicationListView.as_view(), name="replication-list"),
    path("replikasi/minta/<slug:slug>/", views.RequestView.as_view(), name="replication-request"),
    path("replikasi/kontak/<slug:slug>/", views.MentorContactCreateView.as_view(), name="contact-create"),
    path("replikasi/<int:pk>/", views.ReplicationDetailView.as_view(), name="replication-detail"),
    path("replikasi/<int:pk>/terima/", views.AcceptView.as_view(), name="replication-accept"),
    path("replikasi/<int:pk>/tolak/", views.DeclineView.as_view(), name="replication-decline"),
    path("replikasi/<int:pk>/fase/", views.PhaseView.as_view(), name="replication-phase"),
    path("replikasi/<int:pk>/rencana/", views.ActionItemCreateView.as_view(), name="action-item-create"),
    path(
        "replikasi/<int:pk>/rencana/<int:item>/selesai/",
        views.ActionItemDoneView.as_view(),
        name="action-item-done",
    ),
    path("replikasi/<int:pk>/bimtek/", views.SessionCreateView.as_view(), name="session-create"),
    path(
        "replikasi/<int:pk>/bimtek/<int:session>/materi/",
        views.MaterialAddView.as_view(),
        name="material-add",
    ),
    path("replikasi/<int:pk>/materi/<int:material>/", views.material_file, name="material-file"),
    path("replikasi/<int:pk>/pertanyaan/", views.QuestionAskView.as_view(), name="question-ask"),
    path(
        "replikasi/<int:pk>/pertanyaan/<int:question>/jawab/",
        views.AnswerPostView.as_view(),
        name="answer-post",
    ),
    path("replikasi/<int:pk>/evaluasi/", views.EvaluationView.as_view(), name="evaluation-record"),
]
