"""The export and import pages every CSV transfer shares (issue 15; core/transfer.py does the work).

Import in three steps, all on one URL: GET shows the upload form; POST with a file reads it,
runs the import as a dry run and shows the preview (nothing written); POST "Doorvoeren" (the
stored upload's hash and the preview's fingerprint) reads the same file again, plans again and
writes everything in one transaction, or nothing. Between preview and apply the file is kept
privately (core/uploads.py, content-addressed under the organisation's folder), never in the
page. When the stored data changed after the preview (someone else's save), the fingerprint
differs: nothing is written, the new preview is shown and says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from hashlib import sha256
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import uploads
from core.tenancy import PortalRequest
from core.transfer import (
    MAX_BYTES,
    MAX_ROWS,
    Action,
    FileProblem,
    Importer,
    Preview,
    export_response,
    plan_import,
    read_table,
    run_import,
)

HASH = re.compile(r"^[0-9a-f]{64}$")
ImporterFactory = Callable[..., Importer]


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        error_messages={
            "required": gettext_lazy("Choose a CSV file to upload."),
            "empty": gettext_lazy(
                "The file is empty. Upload a CSV file with a header row and one row per line."
            ),
            "invalid": gettext_lazy("Choose a CSV file to upload."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv,text/plain"}),
    )


def export_view(request: PortalRequest, importer: ImporterFactory, stem: str) -> HttpResponse:
    filename = f"{stem}-{timezone.localdate():%Y-%m-%d}.csv"
    return export_response(importer(organisation=request.organisation, by=request.user), filename)


def _folder(request: PortalRequest) -> str:
    return f"imports/{request.organisation.pk}"


def _preview(importer: Importer, data: bytes) -> Preview:
    table = read_table(data, importer.columns)
    preview = plan_import(importer, table)
    run_import(importer, preview, apply=False)
    return preview


def import_view(
    request: PortalRequest,
    *,
    importer: ImporterFactory,
    template: str,
    done_url: str,
    context: dict[str, Any],
) -> HttpResponse:
    columns = importer(organisation=request.organisation, by=request.user).columns
    page: dict[str, Any] = {
        **context,
        "columns": columns,
        "max_mb": MAX_BYTES // 1_048_576,
        "max_rows": MAX_ROWS,
        "form": ImportForm(),
    }
    if request.method != "POST":
        return render(request, template, page)
    upload_key = request.POST.get("upload", "")
    stale = False
    if upload_key:
        if not HASH.match(upload_key):
            page["problems"] = [_("The uploaded file was not found. Upload it again.")]
            return render(request, template, page, status=400)
        try:
            data = uploads.read(f"{_folder(request)}/{upload_key}.csv")
        except (FileNotFoundError, OSError):
            page["problems"] = [_("The uploaded file was not found. Upload it again.")]
            return render(request, template, page, status=400)
        try:
            work = importer(organisation=request.organisation, by=request.user)
            table = read_table(data, work.columns)
        except FileProblem as exc:
            page["problems"] = exc.messages
            return render(request, template, page, status=400)
        preview = plan_import(work, table)
        if preview.fingerprint == request.POST.get("fingerprint", ""):
            if run_import(work, preview, apply=True):
                uploads.private_storage().delete(f"{_folder(request)}/{upload_key}.csv")
                messages.success(
                    request,
                    _("CSV import done: %(created)s created, %(changed)s changed, %(unchanged)s unchanged.")
                    % {
                        "created": preview.count(Action.CREATE),
                        "changed": preview.count(Action.CHANGE),
                        "unchanged": preview.count(Action.UNCHANGED),
                    },
                )
                return redirect(done_url)
        else:
            stale = True
            # Show the new preview with the services' refusals, as the first one did.
            run_import(importer(organisation=request.organisation, by=request.user), preview, apply=False)
    else:
        form = ImportForm(request.POST, request.FILES)
        page["form"] = form
        if not form.is_valid():
            return render(request, template, page, status=400)
        upload = form.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            page["problems"] = [
                _(
                    "The file is %(size)s MB; at most %(limit)s MB can be imported at once. Split it into smaller files."
                )
                % {
                    "size": f"{upload.size / 1_048_576:.1f}".replace(".", ","),
                    "limit": MAX_BYTES // 1_048_576,
                }
            ]
            return render(request, template, page, status=400)
        data = upload.read()
        try:
            preview = _preview(importer(organisation=request.organisation, by=request.user), data)
        except FileProblem as exc:
            page["problems"] = exc.messages
            return render(request, template, page, status=400)
        upload_key = sha256(data).hexdigest()
        uploads.store(_folder(request), f"{upload_key}.csv", data)
    page.update(
        preview=preview,
        stale=stale,
        upload=upload_key,
        rows=[row for row in preview.rows if row.action != Action.UNCHANGED],
    )
    status = 409 if stale else (200 if preview.ok else 400)
    return render(request, template, page, status=status)
