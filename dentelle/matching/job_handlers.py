"""The matching job: the weekly letter of opportunities to the structures."""

from dentelle.jobs.handlers import handles
from dentelle.jobs.models import JobKind
from dentelle.matching.digest import run_digest


@handles(JobKind.DIGEST)
def digest(job, progress):
    progress.step("Préparation et envoi de la lettre")
    summary = run_digest(wet_run=True)
    return {
        "message": f"Lettre envoyée à {summary['sent']} structure(s) ({summary['pairs']} opportunités) ; "
        f"{summary['without_address']} sans adresse, {summary['opted_out']} désinscrite(s).",
        **{key: summary[key] for key in ("sent", "pairs", "without_address", "opted_out")},
    }
