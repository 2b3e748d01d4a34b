"""Clusters, enterprises, the product/process taxonomy and weekly free capacity."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusterlink.common.models import (
    TimeStampedModel,
    TranslatedNameMixin,
    check_ordered,
    in_active_language,
)
from clusterlink.directory.validators import (
    validate_credit_code,
    validate_monday,
    validate_pairs_maximum,
    validate_phone,
    validate_rmb,
)

REGION_CODE = RegexValidator(r"^\d{6}$", _("A GB/T 2260 region code has six digits."))


class Trade(models.TextChoices):
    FOOTWEAR = "footwear", _("Footwear")
    HOSIERY = "hosiery", _("Hosiery")


class Role(models.TextChoices):
    BRAND = "brand", _("Brand")
    OEM_FACTORY = "oem_factory", _("OEM factory")
    COMPONENT_MAKER = "component_maker", _("Component maker")
    MATERIAL_SUPPLIER = "material_supplier", _("Material supplier")
    ECOMMERCE_SELLER = "ecommerce_seller", _("E-commerce seller")
    RESEARCH_INSTITUTE = "research_institute", _("Research institute")
    TECHNOLOGY_PROVIDER = "technology_provider", _("Technology provider")
    LOGISTICS = "logistics", _("Logistics")


class Certification(TranslatedNameMixin):
    code = models.SlugField(
        _("code"),
        max_length=40,
        unique=True,
        help_text=_("Stable code, e.g. iso9001, bsci, oeko-tex."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")


class Category(TranslatedNameMixin):
    """A product category of a trade (sports shoes, cotton socks…); capacity is kept per category."""

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Stable code, e.g. sports-shoes.")
    )
    trade = models.CharField(
        _("trade"),
        max_length=20,
        choices=Trade.choices,
        help_text=_("Trade the category belongs to."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in lists.")
    )

    class Meta:
        ordering = ["trade", "position", "code"]
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")


class Process(TranslatedNameMixin):
    """A making process or technical capability (lasting, injection, 200-needle knitting…)."""

    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Stable code, e.g. injection.")
    )
    trade = models.CharField(
        _("trade"),
        max_length=20,
        choices=Trade.choices,
        help_text=_("Trade the process belongs to."),
    )
    position = models.PositiveSmallIntegerField(
        _("position"), default=0, help_text=_("Order in lists.")
    )

    class Meta:
        ordering = ["trade", "position", "code"]
        verbose_name = _("process")
        verbose_name_plural = _("processes")


class Cluster(TranslatedNameMixin, TimeStampedModel):
    slug = models.SlugField(
        _("slug"), max_length=60, unique=True, help_text=_("Short name used in addresses.")
    )
    region_code = models.CharField(
        _("region code"),
        max_length=6,
        validators=[REGION_CODE],
        help_text=_("GB/T 2260 administrative division code."),
    )
    region_zh = models.CharField(
        _("region (Chinese)"), max_length=100, help_text=_("Province, city and county in Chinese.")
    )
    region_en = models.CharField(
        _("region (English)"),
        max_length=100,
        blank=True,
        help_text=_("Province, city and county in English."),
    )
    region_ja = models.CharField(
        _("region (Japanese)"),
        max_length=100,
        blank=True,
        help_text=_("Province, city and county in Japanese."),
    )
    trade = models.CharField(
        _("trade"), max_length=20, choices=Trade.choices, help_text=_("Main trade of the cluster.")
    )
    lat = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Latitude of the cluster centre (WGS 84)."),
    )
    lng = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Longitude of the cluster centre (WGS 84)."),
    )
    firms_count = models.PositiveIntegerField(
        _("firms"),
        null=True,
        blank=True,
        help_text=_("Number of firms as published by the cluster."),
    )
    annual_pairs = models.PositiveBigIntegerField(
        _("annual output (pairs)"),
        null=True,
        blank=True,
        help_text=_("Pairs produced per year as published."),
    )
    output_value_rmb = models.DecimalField(
        _("annual output value (RMB)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_rmb],
        help_text=_("Output value per year in RMB."),
    )
    national_rank = models.PositiveSmallIntegerField(
        _("national rank"),
        null=True,
        blank=True,
        help_text=_("Rank in China for its main product, if published."),
    )
    titles_zh = models.CharField(
        _("titles (Chinese)"),
        max_length=300,
        blank=True,
        help_text=_("Honorary titles, e.g. 中国袜业名镇."),
    )
    titles_en = models.CharField(
        _("titles (English)"),
        max_length=300,
        blank=True,
        help_text=_("Honorary titles in English."),
    )
    titles_ja = models.CharField(
        _("titles (Japanese)"),
        max_length=300,
        blank=True,
        help_text=_("Honorary titles in Japanese."),
    )
    summary_zh = models.TextField(
        _("summary (Chinese)"), blank=True, help_text=_("Public description in Chinese.")
    )
    summary_en = models.TextField(
        _("summary (English)"), blank=True, help_text=_("Public description in English.")
    )
    summary_ja = models.TextField(
        _("summary (Japanese)"), blank=True, help_text=_("Public description in Japanese.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        constraints = [
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90),
                name="cluster_lat_range",
            ),
            models.CheckConstraint(
                condition=Q(lng__isnull=True) | Q(lng__gte=-180, lng__lte=180),
                name="cluster_lng_range",
            ),
        ]

    @property
    def region(self) -> str:
        return in_active_language(self.region_zh, self.region_en, self.region_ja)

    @property
    def titles(self) -> str:
        return in_active_language(self.titles_zh, self.titles_en, self.titles_ja)

    @property
    def summary(self) -> str:
        return in_active_language(self.summary_zh, self.summary_en, self.summary_ja)


SORT_NAME_LENGTH = 100


def display_name(legal_name: str, name_en: str) -> str:
    """A firm's name in the active language: the English name outside Chinese when it has one."""
    from django.utils.translation import get_language

    language = (get_language() or "zh-hans").lower()
    if not language.startswith("zh") and name_en:
        return name_en
    return legal_name or name_en


class ClusterStatus(models.TextChoices):
    """Where a firm stands with its cluster. Membership is granted by the cluster's operators
    (the platform admin for a firm with no cluster), never declared: until a firm is approved
    it sees what the public sees, is not listed, and takes part in no match run, event
    suggestion or pool."""

    PENDING = "pending", _("Awaiting approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# Firms anyone may see in the directory and that take part in the cluster's work: listed by
# their owners, not merged away as duplicates, and approved by the cluster's operators.
LISTED = Q(is_listed=True, merged_into__isnull=True, cluster_status=ClusterStatus.APPROVED)


class EnterpriseQuerySet(models.QuerySet["Enterprise"]):
    def approved(self) -> EnterpriseQuerySet:
        """Firms whose cluster membership an operator granted."""
        return self.filter(cluster_status=ClusterStatus.APPROVED)

    def listed(self) -> EnterpriseQuerySet:
        """Firms shown to everyone (see LISTED)."""
        return self.filter(LISTED)


class Enterprise(TimeStampedModel):
    ClusterStatus = ClusterStatus

    class Size(models.TextChoices):
        MICRO = "micro", _("Micro (< 20)")
        SMALL = "small", _("Small (20–299)")
        MEDIUM = "medium", _("Medium (300–999)")
        LARGE = "large", _("Large (≥ 1000)")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by hand")
        IMPORT = "import", _("Spreadsheet import")
        OSH = "osh", _("Open Supply Hub")
        API = "api", _("API")

    legal_name = models.CharField(
        _("legal name"),
        max_length=200,
        db_index=True,
        help_text=_("Registered name, usually in Chinese."),
    )
    name_en = models.CharField(
        _("English name"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Name used in English."),
    )
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
        help_text=_("18-character code of GB 32100-2015; its check character is verified."),
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="enterprises",
        verbose_name=_("cluster"),
        help_text=_("Cluster the firm belongs to, if any."),
    )
    address = models.CharField(
        _("address"),
        max_length=300,
        blank=True,
        help_text=_("Street address as written by the firm."),
    )
    lat = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Latitude (WGS 84)."),
    )
    lng = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        help_text=_("Longitude (WGS 84)."),
    )
    employees = models.PositiveIntegerField(
        _("employees"), null=True, blank=True, help_text=_("Number of employees.")
    )
    size = models.CharField(
        _("size"),
        max_length=10,
        choices=Size.choices,
        blank=True,
        help_text=_("Size class by employees."),
    )
    description = models.TextField(
        _("description"), blank=True, help_text=_("Public description of the firm.")
    )
    website = models.URLField(_("website"), blank=True, help_text=_("Public website."))
    contact_name = models.CharField(
        _("contact person"),
        max_length=100,
        blank=True,
        help_text=_("Private: visible to members, the cluster's operators and partners."),
    )
    contact_phone = models.CharField(
        _("contact phone"),
        max_length=40,
        blank=True,
        validators=[validate_phone],
        help_text=_("Private: visible to members, the cluster's operators and partners."),
    )
    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Private: visible to members, the cluster's operators and partners."),
    )
    is_listed = models.BooleanField(
        _("listed publicly"), default=True, help_text=_("Shown in the public directory.")
    )
    source = models.CharField(
        _("source"),
        max_length=10,
        choices=Source.choices,
        default=Source.MANUAL,
        help_text=_("Where the record came from."),
    )
    cluster_status = models.CharField(
        _("membership status"),
        max_length=10,
        choices=ClusterStatus.choices,
        default=ClusterStatus.PENDING,
        db_index=True,
        help_text=_(
            "Whether the cluster's operators approved the firm; only approved firms are listed "
            "and take part in match runs, events and pools."
        ),
    )
    cluster_request_note = models.CharField(
        _("note to the operators"),
        max_length=500,
        blank=True,
        help_text=_("What the firm told the operators when it asked to join the cluster."),
    )
    cluster_reviewed_at = models.DateTimeField(
        _("reviewed"),
        null=True,
        blank=True,
        help_text=_("When an operator approved or rejected the firm's membership."),
    )
    cluster_reviewed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
        help_text=_("The operator who approved or rejected the firm's membership."),
    )
    cluster_review_reason = models.CharField(
        _("reason"),
        max_length=500,
        blank=True,
        help_text=_("Why the membership was rejected, shown to the firm."),
    )
    search_keys = models.TextField(
        _("search keys"),
        blank=True,
        editable=False,
        help_text=_(
            "Search tokens of the names and address (Chinese, pinyin, initials, English), "
            "space-separated; a search term matches the prefix of a token."
        ),
    )
    sort_name = models.CharField(
        _("sort name"),
        max_length=SORT_NAME_LENGTH,
        blank=True,
        editable=False,
        help_text=_("The distinctive part of the name in pinyin; the directory is sorted by it."),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
        help_text=_("Set when this record was merged into another as a duplicate."),
    )
    certifications = models.ManyToManyField(
        Certification,
        blank=True,
        related_name="enterprises",
        verbose_name=_("certifications"),
        help_text=_("Certifications held."),
    )
    categories = models.ManyToManyField(
        Category,
        blank=True,
        related_name="enterprises",
        verbose_name=_("products"),
        help_text=_("Product categories made or sold."),
    )
    processes = models.ManyToManyField(
        Process,
        blank=True,
        related_name="enterprises",
        verbose_name=_("processes"),
        help_text=_("Processes and technical capabilities."),
    )

    objects = EnterpriseQuerySet.as_manager()

    # Search fields are derived from the names and address, which the history already keeps.
    history = HistoricalRecords(excluded_fields=["search_keys", "sort_name"])

    class Meta:
        ordering = ["legal_name", "id"]
        # The directory's order; a broad search walks this index to its first page.
        indexes = [models.Index(fields=["sort_name", "id"], name="enterprise_sort_order")]
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"],
                condition=~Q(credit_code=""),
                name="enterprise_credit_code_unique",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True) | Q(lat__gte=-90, lat__lte=90),
                name="enterprise_lat_range",
            ),
            models.CheckConstraint(
                condition=Q(lng__isnull=True) | Q(lng__gte=-180, lng__lte=180),
                name="enterprise_lng_range",
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lng__isnull=True)
                | Q(lat__isnull=False, lng__isnull=False),
                name="enterprise_lat_lng_together",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name(self.legal_name, self.name_en)

    @property
    def role_codes(self) -> list[str]:
        return sorted(r.role for r in self.roles.all())


class EnterpriseRole(models.Model):
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("enterprise"),
        help_text=_("The firm."),
    )
    role = models.CharField(
        _("role"),
        max_length=30,
        choices=Role.choices,
        help_text=_("A role the firm plays in the cluster."),
    )

    class Meta:
        ordering = ["role"]
        verbose_name = _("enterprise role")
        verbose_name_plural = _("enterprise roles")
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "role"], name="enterprise_role_unique")
        ]

    def __str__(self) -> str:
        return self.get_role_display()


class CapacityWeek(models.Model):
    """Free pairs a factory offers for one product category in one ISO week (private data)."""

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="capacity_weeks",
        verbose_name=_("enterprise"),
        help_text=_("The factory."),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="capacity_weeks",
        verbose_name=_("category"),
        help_text=_("Product category the capacity is for."),
    )
    week = models.DateField(
        _("week"), validators=[validate_monday], help_text=_("Monday of the ISO week.")
    )
    free_pairs = models.PositiveIntegerField(
        _("free pairs"),
        validators=[validate_pairs_maximum],
        help_text=_("Pairs the factory can still take this week."),
    )
    reserved_pairs = models.PositiveIntegerField(
        _("reserved pairs"),
        default=0,
        help_text=_("Pairs reserved by accepted matches; never above free pairs."),
    )
    unit_price_min_rmb = models.DecimalField(
        _("lowest unit price (RMB)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_rmb],
        help_text=_("Lowest price per pair quoted for this week."),
    )
    unit_price_max_rmb = models.DecimalField(
        _("highest unit price (RMB)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_rmb],
        help_text=_("Highest price per pair quoted for this week."),
    )
    min_lot_pairs = models.PositiveIntegerField(
        _("minimum lot (pairs)"),
        default=0,
        validators=[validate_pairs_maximum],
        help_text=_("Smallest order the factory accepts."),
    )
    lead_time_days = models.PositiveSmallIntegerField(
        _("lead time (days)"),
        default=0,
        validators=[MaxValueValidator(365)],
        help_text=_("Days from order to first delivery."),
    )
    updated_at = models.DateTimeField(
        _("updated at"), auto_now=True, help_text=_("When the row last changed.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["enterprise_id", "category_id", "week"]
        verbose_name = _("capacity week")
        verbose_name_plural = _("capacity weeks")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "category", "week"], name="capacity_week_unique"
            ),
            models.CheckConstraint(
                condition=Q(reserved_pairs__lte=F("free_pairs")),
                name="capacity_week_reserved_within_free",
            ),
            models.CheckConstraint(
                condition=Q(unit_price_min_rmb__isnull=True)
                | Q(unit_price_max_rmb__isnull=True)
                | Q(unit_price_min_rmb__lte=F("unit_price_max_rmb")),
                name="capacity_week_price_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(unit_price_min_rmb__isnull=True) | Q(unit_price_min_rmb__gte=0),
                name="capacity_week_price_min_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(week__iso_week_day=1), name="capacity_week_is_monday"
            ),
        ]

    def __str__(self) -> str:
        from clusterlink.common.clock import iso_week_label

        return f"{self.enterprise} · {self.category} · {iso_week_label(self.week)}"

    def clean(self) -> None:
        check_ordered(
            self.unit_price_min_rmb,
            self.unit_price_max_rmb,
            field="unit_price_max_rmb",
            message=_("The highest price cannot be below the lowest price."),
        )

    @property
    def available_pairs(self) -> int:
        return self.free_pairs - self.reserved_pairs


class DuplicateCandidate(TimeStampedModel):
    """A pair of directory records that may be the same firm, waiting for an operator's decision."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        CONFIRMED = "confirmed", _("Same firm")
        REJECTED = "rejected", _("Different firms")
        MERGED = "merged", _("Merged")

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="duplicate_candidates",
        verbose_name=_("new record"),
        help_text=_("The record that may duplicate another."),
    )
    existing = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="duplicate_of_candidates",
        verbose_name=_("existing record"),
        help_text=_("The record it may duplicate."),
    )
    score = models.DecimalField(
        _("score"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("Confidence from 0 to 1 that both are the same firm."),
    )
    reasons = models.JSONField(
        _("reasons"), default=list, blank=True, help_text=_("Why the records look alike.")
    )
    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        db_index=True,
        help_text=_("Order-independent hash of both records; decisions are remembered by it."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        help_text=_("Review state."),
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        help_text=_("Operator who decided."),
    )
    decided_at = models.DateTimeField(
        _("decided at"), null=True, blank=True, help_text=_("When the decision was taken.")
    )

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "existing"], name="duplicate_candidate_pair_unique"
            ),
            models.CheckConstraint(
                condition=~Q(enterprise=F("existing")), name="duplicate_candidate_distinct"
            ),
        ]

    @property
    def reasons_text(self) -> list[str]:
        """The reasons in the reader's language: the engine stores stable codes
        (domain.resolution.score.reasons_of), "name:same-core", "address:0.83", "distance:1.2km"."""
        return [describe_reason(code) for code in self.reasons]


_NAME_REASONS = {
    "name:same-core": _("Same name once place, trade and company form are set aside"),
    "name:similar": _("Very similar names"),
    "name:different-region": _("The names mention different places"),
}


def describe_reason(code: str) -> str:
    """One duplicate reason code in words; an unknown code is shown as it is."""
    if code in _NAME_REASONS:
        return str(_NAME_REASONS[code])
    kind, _sep, value = code.partition(":")
    try:
        if kind == "address":
            return _("Addresses %(percent)s %% alike") % {"percent": round(float(value) * 100)}
        if kind == "distance" and value.endswith("km"):
            return _("%(km)s km apart") % {
                "km": formats.number_format(float(value[:-2]), 1, force_grouping=True)
            }
    except ValueError:
        pass
    return code


class DuplicateDecision(models.Model):
    """A remembered confirm/reject decision, so that re-importing the same list asks nothing again."""

    class Decision(models.TextChoices):
        SAME = "same", _("Same firm")
        DIFFERENT = "different", _("Different firms")

    fingerprint = models.CharField(
        _("fingerprint"),
        max_length=64,
        unique=True,
        help_text=_("Order-independent hash of the two records."),
    )
    decision = models.CharField(
        _("decision"),
        max_length=10,
        choices=Decision.choices,
        help_text=_("What the operator decided."),
    )
    decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
        help_text=_("Operator who decided."),
    )
    decided_at = models.DateTimeField(_("decided at"), help_text=_("When the decision was taken."))

    class Meta:
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")

    def __str__(self) -> str:
        return f"{self.get_decision_display()} ({self.fingerprint[:12]})"


class ImportJob(TimeStampedModel):
    """One upload of a spreadsheet: its validation report and what was written."""

    class Kind(models.TextChoices):
        ENTERPRISES = "enterprises", _("Enterprises")
        CAPACITY = "capacity", _("Capacity weeks")
        DEMANDS = "demands", _("Demands")
        OSH = "osh", _("Open Supply Hub facility list")

    class Status(models.TextChoices):
        REJECTED = "rejected", _("Rejected: nothing written")
        IMPORTED = "imported", _("Imported")
        PARTIAL = "partial", _("Good rows imported")

    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, help_text=_("What the file holds.")
    )
    file_name = models.CharField(
        _("file name"), max_length=255, help_text=_("Name of the uploaded file.")
    )
    uploaded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("uploaded by"),
        help_text=_("Who uploaded the file."),
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_jobs",
        verbose_name=_("cluster"),
        help_text=_("Cluster the rows were imported into."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, help_text=_("Outcome.")
    )
    rows_total = models.PositiveIntegerField(_("rows"), default=0, help_text=_("Data rows read."))
    rows_written = models.PositiveIntegerField(
        _("rows written"), default=0, help_text=_("Rows created or updated.")
    )
    report = models.JSONField(
        _("report"),
        default=dict,
        blank=True,
        help_text=_("Errors by row and column, duplicates found."),
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
