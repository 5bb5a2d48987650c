from django.contrib.auth import views as auth_views
from django.urls import path

from pilkada.web import files, views

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
]

auth_urlpatterns = [
    path("masuk/", auth_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
]
