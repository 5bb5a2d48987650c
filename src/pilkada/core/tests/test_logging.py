"""The server log: no NIK, no traceback, no local values, no user names."""

from __future__ import annotations

import io
import logging
import sys
from contextlib import contextmanager

import pytest
from django.core.cache import caches
from django.db import OperationalError

from pilkada.core.logfilter import PrivateDataFilter, axes_client_str, mask_digits, summarize
from pilkada.voters.privacy import mask

NIK = "3201234567890001"  # the one in web/tests/error_urls.py


@contextmanager
def server_log():
    """What the configured handlers (settings.LOGGING) write, collected in a buffer."""
    handlers = [h for h in logging.getLogger().handlers if isinstance(h, logging.StreamHandler)]
    handlers = [h for h in handlers if any(isinstance(f, PrivateDataFilter) for f in h.filters)]
    assert handlers, "no log handler with the private-data filter"
    buffer = io.StringIO()
    # not setStream(): it flushes the old stream, which an earlier test may have closed
    previous = [h.stream for h in handlers]
    for handler in handlers:
        handler.stream = buffer
    try:
        yield buffer
    finally:
        for handler, stream in zip(handlers, previous, strict=True):
            handler.stream = stream


def test_every_configured_handler_filters_private_data(settings):
    handlers = settings.LOGGING["handlers"]
    assert handlers and all("private" in h.get("filters", []) for h in handlers.values())
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in ("django", "django.server"))]
    installed = [
        h for lg in loggers for h in lg.handlers if not type(h).__module__.startswith("_pytest")
    ]
    assert installed
    for handler in installed:
        assert any(isinstance(f, PrivateDataFilter) for f in handler.filters), handler
    # Django's default e-mail to ADMINS (the full report, local values included) is gone
    assert not any(type(h).__name__ == "AdminEmailHandler" for h in installed)


def test_a_server_error_is_one_line_without_the_nik_or_the_traceback(client, db, settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "pilkada.web.tests.error_urls"
    client.raise_request_exception = False
    with server_log() as log:
        response = client.get(f"/rusak/?q={NIK}")
    assert response.status_code == 500
    page = response.content.decode()
    assert NIK not in page and "Traceback" not in page and "RuntimeError" not in page
    text = log.getvalue()
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    line = lines[0]
    assert "ERROR django.request: Internal Server Error: /rusak/" in line
    # the class and where it was raised, not the message nor any frame's values
    assert "[RuntimeError at pilkada/web/tests/error_urls.py:" in line and "in broken" in line
    assert NIK not in text and NIK[:12] not in text  # the message is not logged at all
    assert "Traceback" not in text and "must never reach a page" not in text
    assert "request" not in line.split("[", 1)[1]  # no local variable names or values


def test_the_filter_masks_niks_in_messages_and_arguments():
    record = logging.LogRecord(
        "pilkada.test", logging.WARNING, __file__, 1, "NIK %s, NKK %s, nomor %s", None, None
    )
    record.args = (NIK, int("6271010101010002"), "62.10.01.1001")
    assert PrivateDataFilter().filter(record) is True
    text = record.getMessage()
    assert text == f"NIK {mask(NIK)}, NKK 627101010101****, nomor 62.10.01.1001"
    assert mask_digits(f"x{NIK}1234y") == f"x{NIK[:12]}********y"  # longer runs too


def test_the_filter_drops_the_traceback_and_keeps_the_type_and_place():
    def inner(nik):
        raise KeyError(nik)

    try:
        inner(NIK)
    except KeyError:
        record = logging.LogRecord(
            "django.request", logging.ERROR, __file__, 1, "gagal", None, sys.exc_info()
        )
    PrivateDataFilter().filter(record)
    assert record.exc_info is None and record.exc_text is None
    text = logging.Formatter().format(record)
    assert text.startswith("gagal [KeyError at pilkada/core/tests/test_logging.py:")
    assert "in inner" in text and NIK not in text and NIK[:12] not in text
    # a second handler gets the same, once
    PrivateDataFilter().filter(record)
    assert logging.Formatter().format(record) == text


def test_a_database_error_keeps_its_first_line_masked():
    try:
        raise OperationalError(f"database is locked\nDETAIL: Key (nik)=({NIK}) Budi")
    except OperationalError as exc:
        summary = summarize(exc)
    assert summary.startswith("django.db.utils.OperationalError: database is locked at ")
    assert "Budi" not in summary and NIK not in summary


def test_a_refusal_logs_the_user_id_and_a_masked_path(client, django_user_model, election):
    user = django_user_model.objects.create_user("budi.santoso")
    client.force_login(user)
    with server_log() as log:
        refused = client.get(f"/pemilihan/uji/tps/{NIK}/")
    assert refused.status_code == 403
    text = log.getvalue()
    line = next(ln for ln in text.splitlines() if "pilkada.access: 403" in ln)
    assert f"user={user.pk}" in line and mask(NIK) in line
    assert NIK not in text and "budi" not in text.lower()
    assert "Traceback" not in text


def test_axes_names_the_address_not_the_user_name():
    text = axes_client_str("budi.santoso", "10.0.0.7", "Firefox", "/masuk/", None)
    assert text == '{ip_address: "10.0.0.7", path_info: "/masuk/"}'


@pytest.mark.parametrize("path", ["/admin/login/", "/masuk/"])
def test_a_failed_login_logs_no_user_name(client, db, path, settings):
    settings.AXES_FAILURE_LIMIT = 2
    try:
        with server_log() as log:
            for _ in range(3):
                client.post(path, {"username": "budi.santoso", "password": "salah"})
    finally:  # the failures count towards the address's login limit: not for other tests
        caches[settings.PILKADA_RATELIMIT_CACHE].clear()
    text = log.getvalue()
    assert "AXES" in text and "budi" not in text.lower() and "salah" not in text
