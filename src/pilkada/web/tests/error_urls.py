"""A URL configuration with one view that fails, for the error-page tests."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("NIK 3201234567890001 must never reach a page")


urlpatterns = [path("rusak/", broken), path("", include("pilkada.urls"))]
