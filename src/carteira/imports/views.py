"""Upload → preview and map columns → validate (dry run) → commit → result."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from carteira.accounts.capabilities import MANAGEMENT
from carteira.accounts.policy import policy
from carteira.imports.access import access_import_run, check_can_import
from carteira.imports.fields import fields_help
from carteira.imports.forms import KIND_LABELS, MappingForm, UploadForm
from carteira.imports.messages import KEY_LABELS, problem_message
from carteira.imports.models import ColumnMapping, ImportRun
from carteira.imports.progress import (
    do_fail_abandoned_runs,
    do_fail_if_abandoned,
    read_progress,
)
from carteira.imports.reading import (
    Reading,
    do_enqueue_reading,
    do_fail_if_reading_abandoned,
)
from carteira.imports.services import do_import, error_report_path, stored_report
from carteira.imports.storage import (
    IngestError,
    check_header,
    preview_rows,
    store_upload,
    stored_path,
)
from carteira.imports.tasks import do_enqueue_commit
from carteira_core.ingest import map_headers


@policy(MANAGEMENT)
@require_http_methods(["GET", "POST"])
def upload(request):
    check_can_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        kind, upload_file = form.cleaned_data["kind"], form.cleaned_data["file"]
        name = upload_file.name[-255:]
        try:
            sha256, info = store_upload(upload_file, kind=kind, name=name)
        except IngestError as error:
            refused = problem_message(error)
        else:
            saved = form.cleaned_data["mapping"]
            run = ImportRun.objects.create(
                kind=kind, file_name=name, sha256=sha256, size=upload_file.size,
                encoding=info.encoding or "", separator=info.separator or "",
                mapping=saved.mapping if saved else {}, created_by=request.user,
                status=ImportRun.Status.UPLOADED,
            )  # fmt: skip
            return redirect("imports:preview", run_id=run.pk)
    do_fail_abandoned_runs()  # the list below never shows a dead import as running
    recent = ImportRun.objects.filter(created_by=request.user)[:10]
    context = {"form": form, "refused": refused, "recent": recent, "nav": "imports"}
    return render(request, "imports/upload.html", context, status=422 if refused else 200)


# A reload of the preview shows the report of the last validation (or failed import).
SHOWN_AGAIN = frozenset({ImportRun.Status.DRY_RUN, ImportRun.Status.FAILED})


def _mapping_form(run: ImportRun, info_header, data=None) -> MappingForm:
    header_map = map_headers(run.kind, info_header, run.mapping or None)
    return MappingForm(data, kind=run.kind, columns=info_header, initial_fields=header_map.fields)


@policy("object:import_run")
@require_http_methods(["GET", "POST"])
def preview(request, run_id: int):
    """GET: what was detected, the first rows, the mapping. POST: validate (dry run)."""
    run = access_import_run(request.user, run_id)
    do_fail_if_abandoned(run)
    if run.status == ImportRun.Status.COMMITTED or run.in_progress:
        return redirect("imports:result", run_id=run.pk)  # validating now would relabel it
    path = stored_path(run.sha256)
    info, rows = preview_rows(path, name=run.file_name)
    form = _mapping_form(run, info.header, request.POST or None)
    context = {"run": run, "info": info, "rows": rows, "form": form,
               "report": stored_report(run) if run.status in SHOWN_AGAIN else None,
               "kind_label": KIND_LABELS[run.kind], "key_label": KEY_LABELS[run.kind],
               "fields_help": fields_help(run.kind), "nav": "imports",
               "mapper": _mapper_rows(form, rows)}  # fmt: skip
    if request.method == "POST" and form.is_valid():
        mapping = form.mapping()
        try:
            check_header(run.kind, path, name=run.file_name, mapping=mapping)
        except IngestError as error:
            context.update(header_errors=error.errors or [error], report=None)
        else:
            _save_mapping(request, run.kind, form.cleaned_data["save_as"], mapping)
            run, report = do_import(run.kind, path, name=run.file_name, actor=request.user,
                                    dry_run=True, mapping=mapping, run=run)  # fmt: skip
            context.update(run=run, report=report)
    template = "imports/preview.html"
    if request.htmx and request.method == "POST":
        template += "#report"
    return render(request, template, context)


def _mapper_rows(form: MappingForm, rows) -> list[tuple]:
    """(the select of each column, the column's value on the file's first row)."""
    first = list(rows[0].values) if rows else []
    fields = form.column_fields()
    first += [None] * (len(fields) - len(first))
    return list(zip(fields, first[: len(fields)], strict=True))


def _save_mapping(request, kind: str, name: str, mapping) -> None:
    if not name.strip():
        return
    ColumnMapping.objects.update_or_create(
        kind=kind, name=name.strip(), defaults={"mapping": mapping, "created_by": request.user}
    )
    messages.success(request, _("Column mapping “%(name)s” saved.") % {"name": name.strip()})


@policy("object:import_run")
@require_POST
def commit(request, run_id: int):
    """Queue the import for the worker; the result page follows its progress."""
    run = access_import_run(request.user, run_id)
    do_fail_if_abandoned(run)  # a dead run may be started again at once
    if run.status == ImportRun.Status.COMMITTED or run.in_progress:
        return redirect("imports:result", run_id=run.pk)
    do_enqueue_commit(run, skip_invalid=request.POST.get("skip_invalid") == "on")
    return redirect("imports:result", run_id=run.pk)


@policy("object:import_run")
def result(request, run_id: int):
    run = access_import_run(request.user, run_id)
    do_fail_if_abandoned(run)
    do_fail_if_reading_abandoned(run)
    context = {"run": run, "kind_label": KIND_LABELS[run.kind], "nav": "imports",
               "key_label": KEY_LABELS[run.kind],
               "report": stored_report(run) if not run.in_progress else None,
               "progress": read_progress(run) if run.in_progress else None}  # fmt: skip
    return render(request, "imports/result.html", context)


@policy("object:import_run")
def reading(request, run_id: int):
    """HTMX, every 2 s while the portfolio reading after the import runs: its step."""
    run = access_import_run(request.user, run_id)
    do_fail_if_reading_abandoned(run)
    return render(request, "imports/result.html#reading", {"run": run})


@policy("object:import_run")
@require_POST
def read_again(request, run_id: int):
    """Queue the reading again (after a failed one)."""
    run = access_import_run(request.user, run_id)
    do_fail_if_reading_abandoned(run)
    if run.reading_status not in Reading.IN_PROGRESS:
        do_enqueue_reading(run)
    return redirect("imports:result", run_id=run.pk)


@policy("object:import_run")
def progress(request, run_id: int):
    """HTMX, every second while the run is queued or running: the bar; once it ended,
    a full reload of the result page (the report)."""
    run = access_import_run(request.user, run_id)
    do_fail_if_abandoned(run)
    if not run.in_progress:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"
        return response
    context = {"run": run, "progress": read_progress(run)}
    return render(request, "imports/result.html#progress", context)


@policy("object:import_run")
def error_report(request, run_id: int):
    run = access_import_run(request.user, run_id)
    path = error_report_path(run)
    if path is None:
        raise Http404
    filename = f"rejeitadas-{run.kind}-{run.pk}.csv"
    return FileResponse(open(path, "rb"), as_attachment=True, filename=filename,
                        content_type="text/csv; charset=utf-8")  # fmt: skip
