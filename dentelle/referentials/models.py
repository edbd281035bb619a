from django.db import models


class Region(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    zone = models.CharField("zone", max_length=10, blank=True)

    class Meta:
        verbose_name = "région"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Department(models.Model):
    code = models.CharField("code", max_length=3, primary_key=True)
    name = models.CharField("nom", max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departments")
    zone = models.CharField("zone", max_length=10, blank=True)

    class Meta:
        verbose_name = "département"
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Grouping(models.Model):
    """An EPCI à fiscalité propre or an EPT of the Métropole du Grand Paris."""

    class Kind(models.TextChoices):
        EPCI = "EPCI", "EPCI"
        EPT = "EPT", "Établissement public territorial (EPT)"

    siren = models.CharField("SIREN", max_length=9, primary_key=True)
    name = models.CharField("nom", max_length=200)
    kind = models.CharField("nature", max_length=4, choices=Kind.choices)
    legal_type = models.CharField("type", max_length=10, blank=True, help_text="CC, CA, CU, METRO, EPT…")
    population = models.IntegerField("population", null=True, blank=True)

    class Meta:
        verbose_name = "intercommunalité"
        ordering = ["name"]

    def __str__(self):
        return self.name


class Commune(models.Model):
    insee_code = models.CharField("code INSEE", max_length=5, primary_key=True)
    name = models.CharField("nom", max_length=100)
    kind = models.CharField("type", max_length=4, help_text="COM, COMD, COMA, ARM")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="communes")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="communes")
    parent_code = models.CharField("commune parente", max_length=5, blank=True)
    postcodes = models.CharField("codes postaux", max_length=200, blank=True, help_text="séparés par |")
    other_names = models.CharField(
        "autres noms", max_length=500, blank=True, help_text="communes déléguées de même code, séparées par |"
    )
    population = models.IntegerField("population", null=True, blank=True)
    epci = models.ForeignKey(
        Grouping, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes_epci"
    )
    ept = models.ForeignKey(
        Grouping, null=True, blank=True, on_delete=models.SET_NULL, related_name="communes_ept"
    )
    latitude = models.FloatField("latitude", null=True, blank=True)
    longitude = models.FloatField("longitude", null=True, blank=True)

    class Meta:
        verbose_name = "commune"
        ordering = ["insee_code"]
        indexes = [models.Index(fields=["name"])]

    def __str__(self):
        return f"{self.name} ({self.department_id})"


class CpvCode(models.Model):
    code = models.CharField("code", max_length=8, primary_key=True)
    check_digit = models.CharField("clé", max_length=1)
    level = models.CharField("niveau", max_length=16)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    label_fr = models.CharField("libellé", max_length=400)
    label_en = models.CharField("libellé anglais", max_length=400, blank=True)
    search_text = models.CharField(
        max_length=900, blank=True, help_text="libellé sans accents, en minuscules"
    )

    class Meta:
        verbose_name = "code CPV"
        verbose_name_plural = "codes CPV"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code}-{self.check_digit} {self.label_fr}"

    @property
    def full_code(self):
        return f"{self.code}-{self.check_digit}"


class NafCode(models.Model):
    code = models.CharField("code", max_length=8, primary_key=True, help_text="A, 81, 81.3, 81.30, 81.30Z")
    level = models.CharField("niveau", max_length=16)
    label = models.CharField("libellé", max_length=300)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )

    class Meta:
        verbose_name = "code NAF"
        verbose_name_plural = "codes NAF"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.label}"


class ReferentialLoad(models.Model):
    """Which version of which reference file was loaded, and when (shown on the home page)."""

    name = models.CharField("référentiel", max_length=40, unique=True)
    version = models.CharField("version", max_length=100)
    source_file = models.CharField("fichier", max_length=400)
    row_count = models.IntegerField("lignes")
    loaded_at = models.DateTimeField("chargé le", auto_now=True)

    class Meta:
        verbose_name = "chargement de référentiel"

    def __str__(self):
        return f"{self.name} {self.version}"


# The referential tables, by the name their loads are recorded under (ReferentialLoad.name); status.py
# counts them, the loaders' tests check that a refused load leaves them all unchanged.
REFERENTIAL_TABLES = {
    "cpv": CpvCode,
    "regions": Region,
    "departments": Department,
    "communes": Commune,
    "groupings": Grouping,
    "naf": NafCode,
}
