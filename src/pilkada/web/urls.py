from django.contrib.auth import views as auth_views
from django.urls import path

from pilkada.access.decorators import public
from pilkada.web import dpt, files, views, voters

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("pemilihan/<slug:code>/", views.recap_view, name="recap-top"),
    path("pemilihan/<slug:code>/wilayah/<str:region>/", views.recap_view, name="recap"),
    path("pemilihan/<slug:code>/tps/<str:tps_id>/", views.sheet_view, name="sheet"),
    path("pemilihan/<slug:code>/isian.xlsx", files.template_download, name="template"),
    path("pemilihan/<slug:code>/rekap/", files.recap_download, name="recap-download"),
    path("pemilihan/<slug:code>/unggah/", files.upload_results, name="upload"),
    path("pemilihan/<slug:code>/unggah/<str:token>/", files.confirm_upload, name="upload-confirm"),
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
]

auth_urlpatterns = [
    path("masuk/", public(auth_views.LoginView.as_view()), name="login"),
    path("keluar/", public(auth_views.LogoutView.as_view()), name="logout"),
]
