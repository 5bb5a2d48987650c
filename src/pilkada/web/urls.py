from django.contrib.auth import views as auth_views
from django.urls import path

from pilkada.access import views as access_views
from pilkada.access.decorators import public
from pilkada.web import dashboard, dpt, entry, files, views, voters

app_name = "web"
urlpatterns = [
    path("", dashboard.home, name="home"),
    path("publik/<slug:code>/", dashboard.public_view, name="public"),
    path("publik/<slug:code>/wilayah/<str:region>/", dashboard.public_view, name="public-region"),
    path("pemilihan/<slug:code>/", dashboard.recap_view, name="recap-top"),
    path("pemilihan/<slug:code>/wilayah/<str:region>/", dashboard.recap_view, name="recap"),
    path("pemilihan/<slug:code>/tps/<str:tps_id>/", views.sheet_view, name="sheet"),
    path("pemilihan/<slug:code>/tps/<str:tps_id>/isi/", entry.entry_view, name="entry"),
    path(
        "pemilihan/<slug:code>/tps/<str:tps_id>/isi/periksa/",
        entry.entry_check,
        name="entry-check",
    ),
    path("pemilihan/<slug:code>/tps/<str:tps_id>/status/", entry.status_view, name="sheet-status"),
    path("pemilihan/<slug:code>/isian.xlsx", files.template_download, name="template"),
    path("pemilihan/<slug:code>/rekap/", files.recap_download, name="recap-download"),
    path("pemilihan/<slug:code>/unggah/", files.upload_results, name="upload"),
    path("pemilihan/<slug:code>/unggah/riwayat/", files.results_history, name="results-history"),
    path("pemilihan/<slug:code>/unggah/<int:job_id>/", files.results_job, name="results-job"),
    path(
        "pemilihan/<slug:code>/unggah/<int:job_id>/putuskan/",
        files.results_job_decide,
        name="results-job-decide",
    ),
    path(
        "pemilihan/<slug:code>/unggah/<int:job_id>/ditolak.xlsx",
        files.results_rejects,
        name="results-rejects",
    ),
    path("pemilihan/<slug:code>/dpt/", voters.stats_view, name="dpt"),
    path("pemilihan/<slug:code>/dpt/wilayah/<str:region>/", voters.stats_view, name="dpt-region"),
    path("pemilihan/<slug:code>/dpt/ganda/", voters.duplicates_view, name="dpt-duplicates"),
    path(
        "pemilihan/<slug:code>/dpt/ganda.xlsx",
        voters.duplicates_download,
        name="dpt-duplicates-download",
    ),
    path("pemilihan/<slug:code>/dpt/dpt.xlsx", voters.list_download, name="dpt-download"),
    path("pemilihan/<slug:code>/dpt/unggah/", dpt.dpt_upload, name="dpt-upload"),
    path("pemilihan/<slug:code>/dpt/riwayat/", dpt.dpt_history, name="dpt-history"),
    path("pemilihan/<slug:code>/dpt/unggahan/<int:job_id>/", dpt.dpt_job, name="dpt-job"),
    path(
        "pemilihan/<slug:code>/dpt/unggahan/<int:job_id>/putuskan/",
        dpt.dpt_job_decide,
        name="dpt-job-decide",
    ),
    path(
        "pemilihan/<slug:code>/dpt/unggahan/<int:job_id>/ditolak.xlsx",
        dpt.dpt_rejects,
        name="dpt-rejects",
    ),
    path("pengguna/", access_views.users, name="users"),
    path("pengguna/saksi/unggah/", access_views.witness_upload, name="witness-upload"),
    path(
        "pengguna/saksi/unggah/<str:token>/",
        access_views.witness_confirm,
        name="witness-confirm",
    ),
    path("pengguna/saksi/templat.xlsx", access_views.witness_template, name="witness-template"),
    path(
        "pengguna/saksi/akun/<str:key>/akun-saksi.xlsx",
        access_views.witness_credentials,
        name="witness-credentials",
    ),
]

auth_urlpatterns = [
    path("masuk/", public(auth_views.LoginView.as_view()), name="login"),
    path("keluar/", public(auth_views.LogoutView.as_view()), name="logout"),
]
