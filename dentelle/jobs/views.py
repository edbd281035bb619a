"""Jobs pages: the list of the organisation's jobs, one job (state, progress, result; refreshed while it
runs), its state as JSON (for a script), and the file an export job wrote."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render

from dentelle.core.downloads import download_response
from dentelle.core.permissions import CAN_SEE_PROGRESS, require_role
from dentelle.jobs.models import JobFile
from dentelle.jobs.permissions import visible_jobs

PAGE_SIZE = 50


@login_required
def job_list(request):
    require_role(request.user, CAN_SEE_PROGRESS)
    jobs = visible_jobs(request.user).select_related("created_by", "organisation")
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    refresh = any(not job.finished for job in page.object_list)
    return render(
        request, "jobs/job_list.html", {"page": page, "refresh": refresh, "title": "Travaux de fond"}
    )


@login_required
def job_detail(request, pk):
    require_role(request.user, CAN_SEE_PROGRESS)
    job = get_object_or_404(visible_jobs(request.user).select_related("created_by"), pk=pk)
    output = JobFile.objects.filter(job=job, role=JobFile.OUTPUT).only("name", "size").first()
    return render(
        request,
        "jobs/job_detail.html",
        {"job": job, "output": output, "refresh": not job.finished, "title": job.label},
    )


@login_required
def job_state(request, pk):
    require_role(request.user, CAN_SEE_PROGRESS)
    job = visible_jobs(request.user).filter(pk=pk).first()
    if job is None:  # a script polls this: JSON, not the HTML 404 page
        return JsonResponse({"error": "Travail introuvable (ou hors de vos droits)."}, status=404)
    return JsonResponse(
        {
            "id": job.pk,
            "type": job.kind,
            "state": job.state,
            "step": job.step,
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "result": job.result,
            "error": job.error,
        },
        json_dumps_params={"ensure_ascii": False},
    )


@login_required
def job_download(request, pk):
    require_role(request.user, CAN_SEE_PROGRESS)
    job = get_object_or_404(visible_jobs(request.user), pk=pk)
    if job.created_by_id != request.user.pk and not request.user.is_superuser:
        raise PermissionDenied("Seule la personne qui a demandé cet export peut le télécharger.")
    stored = get_object_or_404(JobFile, job=job, role=JobFile.OUTPUT)
    # The type the job stored with the file; failing that, the one of its name's suffix.
    return download_response(bytes(stored.data), stored.name, content_type=stored.content_type or None)
