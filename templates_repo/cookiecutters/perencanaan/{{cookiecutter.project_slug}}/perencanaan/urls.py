from django.urls import path

from . import views

app_name = "perencanaan"

urlpatterns = [
    path("", views.home, name="home"),
    path("usulan/", views.proposal_list, name="proposal_list"),
    path("usulan/baru/", views.proposal_create, name="proposal_create"),
    path("usulan/saya/", views.my_proposals, name="my_proposals"),
    path("usulan/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("usulan/<int:pk>/ubah/", views.proposal_edit, name="proposal_edit"),
    path("usulan/<int:pk>/ajukan/", views.proposal_submit, name="proposal_submit"),
    path("kelola/", views.staff_dashboard, name="staff_dashboard"),
    path("kelola/usulan/<int:pk>/putuskan/", views.proposal_decide, name="proposal_decide"),
    path("kelola/usulan/<int:pk>/gabungkan/", views.proposal_merge, name="proposal_merge"),
    path("kelola/usulan/<int:pk>/opd/", views.proposal_assign, name="proposal_assign"),
    path("kelola/usulan/<int:pk>/nilai/", views.proposal_score, name="proposal_score"),
    path("kelola/kriteria/", views.criteria, name="criteria"),
    path("kelola/pagu/", views.ceilings, name="ceilings"),
    path("kelola/ekspor/", views.export, name="export"),
    path("kelola/ekspor/usulan.csv", views.export_csv, name="export_csv"),
]
