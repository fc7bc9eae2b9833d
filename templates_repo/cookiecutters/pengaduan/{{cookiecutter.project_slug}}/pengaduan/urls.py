"""URL aplikasi pengaduan."""

from django.urls import path

from . import views

app_name = "pengaduan"

urlpatterns = [
    path("", views.home, name="home"),
    path("lapor/", views.report_create, name="report_create"),
    path("lapor/terkirim/<str:code>/", views.report_submitted, name="report_submitted"),
    path("lacak/", views.track_lookup, name="track_lookup"),
    path("lacak/<str:code>/", views.track_detail, name="track_detail"),
    path("petugas/", views.staff_report_list, name="staff_report_list"),
    path("petugas/laporan/baru/", views.staff_report_create, name="staff_report_create"),
    path("petugas/laporan/<str:code>/", views.staff_report_detail, name="staff_report_detail"),
    path("petugas/laporan/<str:code>/status/", views.staff_report_change_status, name="staff_report_change_status"),
    path("petugas/laporan/<str:code>/pindah-opd/", views.staff_report_transfer, name="staff_report_transfer"),
    path("petugas/laporan/<str:code>/foto/", views.staff_report_photo, name="staff_report_photo"),
    path("petugas/laporan/<str:code>/eskalasi/", views.staff_report_escalate, name="staff_report_escalate"),
    path("petugas/terlambat/", views.staff_overdue, name="staff_overdue"),
    path("petugas/terlambat/eskalasi/", views.staff_escalate_all, name="staff_escalate_all"),
    path("petugas/kepatuhan-sla/", views.staff_sla, name="staff_sla"),
]
