from django.contrib import admin
from django.urls import include, path

from pilkada.web.urls import auth_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    *auth_urlpatterns,
    path("", include("pilkada.web.urls")),
]

handler403 = "pilkada.access.views.denied"
