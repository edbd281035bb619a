"""The insertion job: purge the beneficiaries kept beyond the retention period (aggregates stay)."""

from dentelle.insertion.privacy import purge as purge_beneficiaries
from dentelle.insertion.privacy import purge_due
from dentelle.jobs.handlers import handles
from dentelle.jobs.models import JobKind


@handles(JobKind.PURGE)
def purge(job, progress):
    progress.step("Recherche des bénéficiaires au-delà de la durée de conservation")
    purged = purge_beneficiaries(purge_due())
    return {"message": f"{purged} bénéficiaire(s) purgé(s) ; agrégats conservés.", "purged": purged}
