"""Which buyer service each operation of an imported plan goes to, and whether the importing user may write it.

A row names its service by code or name, in the plan's organisation only; ``writable`` (the services the
user may write, None: all, as on the command line) and ``create`` (whether an unknown service may be
created) bound what a file may touch.
"""

from dentelle.accounts.models import BuyerService, Organisation
from dentelle.core.text import fold


def find_organisation(name):
    if not name:
        return None
    return Organisation.objects.filter(name__iexact=name).first()


def service_key(text):
    """A service's code or name as compared: without accents, case or repeated spaces."""
    return " ".join(fold(text).split())


def lookup_service(organisation, text):
    """The service of ``organisation`` whose code, else name, is ``text`` (« direction des lycees »
    finds « Direction des lycées »), or None."""
    found = (
        BuyerService.objects.filter(organisation=organisation, code__iexact=text).first()
        or BuyerService.objects.filter(organisation=organisation, name__iexact=text).first()
    )
    if found is not None:
        return found
    key = service_key(text)
    services = list(BuyerService.objects.filter(organisation=organisation).order_by("pk"))
    return next((s for s in services if service_key(s.code) == key), None) or next(
        (s for s in services if service_key(s.name) == key), None
    )


def find_service(organisation, text, report, line, default=None, create=True, writable=None, preview=False):
    """The buyer service a row names, looked up in ``organisation`` only.

    ``writable``: the services the importing user may write (None: all of the organisation, e.g. the
    CLI); a row naming another one is a row error. ``create``: whether an unknown service may be
    created (a warning says so; ``preview`` only announces it). Returns None after reporting an error.
    """
    text = (text or "").strip()
    if not text:
        return default
    service = lookup_service(organisation, text)
    if service is not None:
        if writable is not None and not writable.filter(pk=service.pk).exists():
            report.error(
                line,
                "direction/service",
                f"service « {text} » : votre rôle ne permet pas d'écrire dans la programmation de ce service.",
            )
            return None
        return service
    if not create:
        report.error(
            line,
            "direction/service",
            f"service « {text} » inconnu dans {organisation} : seuls la direction et les chargés des achats "
            "peuvent créer un service ; corriger la colonne ou choisir un service existant.",
        )
        return None
    if preview:
        report.warning(
            line,
            "direction/service",
            f"service « {text} » inconnu : il sera créé dans {organisation} à la confirmation de l'import.",
        )
        return None
    service = BuyerService.objects.create(organisation=organisation, name=text[:200], code=text[:40])
    report.warning(line, "direction/service", f"service « {text} » inconnu : créé dans {organisation}.")
    report.count("services créés")
    return service


def check_services(report, *, plan_data, organisation, writable=None, create=True):
    """Preview: report, without writing, the rows whose service is out of reach or would be created."""
    announced = {}  # service text (folded) → the service found, or None
    named = [(op.service, op.lots[0].line if op.lots else None) for op in plan_data.operations]
    # The rows refused for another cell: their service is checked too, so every bad cell is reported.
    named += [(text, line) for line, text in plan_data.refused_rows]
    for text, line in named:
        text = (text or "").strip()
        if not text or service_key(text) in announced:
            continue
        announced[service_key(text)] = find_service(
            organisation, text, report, line, create=create, writable=writable, preview=True
        )


def check_refused_services(report, *, plan_data, organisation, writable=None, create=True):
    """Import: the services the rows refused for another cell name, checked without creating any, so the
    failed import lists each bad cell as the preview does (errors only; each text once)."""
    seen = set()
    for line, text in plan_data.refused_rows:
        text = (text or "").strip()
        if not text or service_key(text) in seen:
            continue
        seen.add(service_key(text))
        problems = _Problems()
        find_service(organisation, text, problems, line, create=create, writable=writable, preview=True)
        for kind, column, reason in problems:
            if kind == "error":
                report.error(line, column, reason)


class ServiceResolver:
    """The buyer service of each operation, as ``find_service`` and the write check decide it, looked
    up once per distinct text; the row problems it raises are kept to be reported in the row order."""

    def __init__(self, organisation, default, writable, create):
        self.organisation, self.default, self.writable, self.create = organisation, default, writable, create
        self.by_text = {}  # text → (service or None, its problems), as find_service answered
        self.may_write = {}  # service pk → bool

    def resolve(self, data):
        """(service or None, [(kind, column, reason)]) for an ``OperationData``."""
        named = (data.service or "").strip()
        if not named:
            service, problems = self.default, []
        else:
            service, problems = self._named(named)
            problems = list(problems)  # the remembered ones stay as they are
        if service is None:
            if not named and not problems:
                problems.append(
                    ("error", "direction/service", "service acheteur absent (colonne ou option --service).")
                )
            return None, problems
        if service.organisation_id != self.organisation.pk or not self._writable(service):
            problems.append(
                (
                    "error",
                    "direction/service",
                    "votre rôle ne permet pas d'écrire dans la programmation de ce service.",
                )
            )
            return None, problems
        return service, problems

    def _writable(self, service):
        if self.writable is None:
            return True
        if service.pk not in self.may_write:
            self.may_write[service.pk] = self.writable.filter(pk=service.pk).exists()
        return self.may_write[service.pk]

    def _named(self, text):
        """``find_service`` once per text: its outcome (and its row problems) is reused for every row
        naming the same text, but for a service it just created (then the next row finds it)."""
        known = self.by_text.get(text)
        if known is not None:
            return known
        problems = _Problems()
        service = find_service(
            self.organisation, text, problems, None, create=self.create, writable=self.writable
        )
        if not any(kind == "count" for kind, _column, _reason in problems):
            self.by_text[text] = service, problems
        return service, problems


class _Problems(list):
    """A report that keeps (kind, column, reason), to be reported later on each row concerned."""

    def error(self, _line, column, reason):
        self.append(("error", column, reason))

    def warning(self, _line, column, reason):
        self.append(("warning", column, reason))

    def count(self, key, n=1):
        self.append(("count", key, n))
