from django.urls import path

from . import views

app_name = "santunan"

urlpatterns = [
    path("", views.home, name="home"),
    path("ajukan/", views.claim_create, name="claim_create"),
    path("lacak/", views.claim_track, name="claim_track"),
    path("lacak/<str:code>/perbaikan/", views.claim_correct, name="claim_correct"),
    path("petugas/", views.staff_claim_list, name="staff_claim_list"),
    path("petugas/klaim/<str:code>/", views.staff_claim_detail, name="staff_claim_detail"),
    path("petugas/klaim/<str:code>/aksi/", views.staff_claim_action, name="staff_claim_action"),
    path("petugas/klaim/<str:code>/akta/", views.staff_claim_certificate, name="staff_claim_certificate"),
    path("petugas/register/", views.staff_register_import, name="staff_register_import"),
    path("petugas/laporan/", views.staff_report, name="staff_report"),
    path("petugas/laporan/csv/", views.staff_report_csv, name="staff_report_csv"),
]
