"""Match runs: the operator's allocation of open orders to factories, and what came of it.

A MatchRun holds its scope, the weights it ran with, its progress and its result. The result
is stored as rows: placements (order × factory × week), unplaced pairs with their reason,
and one Proposal per (order, factory) with the engine's explanation. Brand and factory each
decide on a proposal; when both accept, an agreement (cooperation intention) is created and
the factory's weeks are reserved (Reservation rows say which, so they can be released).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from clusterlink.common.models import TimeStampedModel
from clusterlink.directory.models import CapacityWeek, Category, Cluster, Enterprise
from clusterlink.directory.validators import validate_monday, validate_rmb
from clusterlink.market.models import Demand

# Demands a run places and a proposal may still be accepted for; a cancelled or closed order
# takes no new proposal and no acceptance.
RUNNABLE_STATUSES = (Demand.Status.OPEN, Demand.Status.MATCHED)


class MatchRun(TimeStampedModel):
    class Scope(models.TextChoices):
        SELECTED = "selected", _("Selected demands")
        CLUSTER = "cluster", _("All open demands of a cluster")
        ALL = "all", _("All open demands")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        FINISHED = "finished", _("Finished")
        CANCELLED = "cancelled", _("Cancelled")
        FAILED = "failed", _("Failed")

    class SolverStatus(models.TextChoices):
        """The engine's SolveStatus, as people read it."""

        # The engine calls a plan optimal once it lies within 2/10,000 RMB per placed pair
        # (plus a fen) of the proven bound: costs enter its models rounded down to 1/10,000
        # RMB (domain/allocation/solve.py). The words say so, since the page shows both.
        OPTIMAL = (
            "OPTIMAL",
            _("Optimal within rounding: at most 0.0002 RMB per pair above the proven bound"),
        )
        FEASIBLE = "FEASIBLE", _("Feasible: not proven optimal")
        INFEASIBLE = "INFEASIBLE", _("Infeasible")
        TIME_LIMIT = "TIME_LIMIT", _("Stopped at the time limit")
        CANCELLED = "CANCELLED", _("Cancelled")

    operator = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        related_name="match_runs",
        verbose_name=_("operator"),
        help_text=_("Who started the run."),
    )
    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="match_runs",
        verbose_name=_("cluster"),
        help_text=_("Cluster whose demands the run places; empty for a platform-wide run."),
    )
    scope = models.CharField(
        _("scope"),
        max_length=10,
        choices=Scope.choices,
        help_text=_("Which demands the run places."),
    )
    demands = models.ManyToManyField(
        Demand,
        blank=True,
        related_name="match_runs",
        verbose_name=_("demands"),
        help_text=_("The orders the run places (fixed when it starts)."),
    )
    factories = models.ManyToManyField(
        Enterprise,
        blank=True,
        related_name="match_runs_as_factory",
        verbose_name=_("factories"),
        help_text=_("Factories the run may use; empty means every factory with free capacity."),
    )
    repair_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="repairs",
        verbose_name=_("repair of"),
        help_text=_("The run whose accepted placements this run keeps fixed."),
    )
    first_week = models.DateField(
        _("first week"),
        validators=[validate_monday],
        help_text=_("Monday of the run's first week (period 0)."),
    )
    weeks = models.PositiveSmallIntegerField(
        _("weeks"),
        validators=[MinValueValidator(1), MaxValueValidator(104)],
        help_text=_("How many weeks the run plans over."),
    )
    transport_rmb_per_pair_km = models.DecimalField(
        _("transport rate (RMB per pair and km)"),
        max_digits=10,
        decimal_places=6,
        validators=[MinValueValidator(0)],
        help_text=_("Transport cost per pair and kilometre."),
    )
    unplaced_penalty_rmb = models.DecimalField(
        _("penalty per unplaced pair (RMB)"),
        max_digits=10,
        decimal_places=2,
        validators=[validate_rmb],
        help_text=_("Cost of leaving one pair unplaced."),
    )
    quality_rmb = models.DecimalField(
        _("quality weight (RMB per pair)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[validate_rmb],
        help_text=_("Surcharge per pair times (1 − factory quality)."),
    )
    large_firm_rmb = models.DecimalField(
        _("large firm surcharge (RMB per pair)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[validate_rmb],
        help_text=_("Surcharge per pair at firms that are not small: spreads load to small firms."),
    )
    same_cluster_rmb = models.DecimalField(
        _("same cluster surcharge (RMB per pair)"),
        max_digits=10,
        decimal_places=2,
        default=0,
        validators=[validate_rmb],
        help_text=_("Surcharge per pair when order and factory share a cluster: favours docking."),
    )
    time_limit_s = models.PositiveIntegerField(
        _("time limit (seconds)"),
        validators=[MinValueValidator(1), MaxValueValidator(600)],
        help_text=_("Longest the solver may run."),
    )
    seed = models.PositiveIntegerField(
        _("seed"), default=0, help_text=_("Random seed: the same seed gives the same plan.")
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.QUEUED,
        help_text=_("Where the run stands."),
    )
    cancel_requested = models.BooleanField(
        _("cancel requested"), default=False, help_text=_("The operator asked the run to stop.")
    )
    progress_objective_rmb = models.DecimalField(
        _("best plan so far (RMB)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Cost of the best plan found so far."),
    )
    progress_bound_rmb = models.DecimalField(
        _("bound so far (RMB)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Proven lower bound so far: no plan can cost less."),
    )
    progress_phase = models.CharField(
        _("phase"), max_length=20, blank=True, help_text=_("Solver phase last reported.")
    )
    progress_seconds = models.FloatField(
        _("seconds so far"), default=0, help_text=_("Solver time at the last report.")
    )
    solver_status = models.CharField(
        _("solver status"),
        max_length=20,
        blank=True,
        choices=SolverStatus.choices,
        help_text=_("Whether the plan is proven optimal, or why the search stopped."),
    )
    objective_rmb = models.DecimalField(
        _("total cost (RMB)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Production + transport + penalty + weighted terms of the plan."),
    )
    lower_bound_rmb = models.DecimalField(
        _("lower bound (RMB)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Proven lower bound of the total cost."),
    )
    gap = models.FloatField(_("gap"), null=True, blank=True, help_text=_("(cost − bound) / bound."))
    seconds = models.FloatField(
        _("seconds"), null=True, blank=True, help_text=_("Solver wall-clock time.")
    )
    production_rmb = models.DecimalField(
        _("production (RMB)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Production cost of the plan."),
    )
    transport_rmb = models.DecimalField(
        _("transport (RMB)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Transport cost of the plan."),
    )
    penalty_rmb = models.DecimalField(
        _("unplaced penalty (RMB)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Penalty for unplaced pairs."),
    )
    weighted_rmb = models.DecimalField(
        _("weighted terms (RMB)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Quality, spreading and cross-cluster terms of the plan."),
    )
    error = models.TextField(_("error"), blank=True, help_text=_("Why a failed run failed."))
    started_at = models.DateTimeField(
        _("started at"), null=True, blank=True, help_text=_("When the solver started.")
    )
    finished_at = models.DateTimeField(
        _("finished at"), null=True, blank=True, help_text=_("When the run ended.")
    )

    history = HistoricalRecords(excluded_fields=["progress_seconds", "updated_at"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("match run")
        verbose_name_plural = _("match runs")
        constraints = [
            models.CheckConstraint(
                condition=Q(time_limit_s__gte=1) & Q(time_limit_s__lte=600),
                name="match_run_time_limit_range",
            ),
            models.CheckConstraint(condition=Q(weeks__gte=1), name="match_run_weeks_positive"),
            models.CheckConstraint(
                condition=Q(transport_rmb_per_pair_km__gte=0)
                & Q(unplaced_penalty_rmb__gte=0)
                & Q(quality_rmb__gte=0)
                & Q(large_firm_rmb__gte=0)
                & Q(same_cluster_rmb__gte=0),
                name="match_run_weights_non_negative",
            ),
            models.CheckConstraint(
                condition=~Q(scope="cluster") | Q(cluster__isnull=False),
                name="match_run_cluster_scope_has_cluster",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)


class MatchPlacement(models.Model):
    """Pairs of one order made at one factory in one week."""

    run = models.ForeignKey(
        MatchRun,
        on_delete=models.CASCADE,
        related_name="placements",
        verbose_name=_("match run"),
        help_text=_("The run that planned it."),
    )
    proposal = models.ForeignKey(
        "Proposal",
        on_delete=models.CASCADE,
        related_name="placements",
        verbose_name=_("proposal"),
        help_text=_("The proposal (order × factory) it belongs to."),
    )
    week = models.DateField(
        _("week"), validators=[validate_monday], help_text=_("Monday of the production week.")
    )
    pairs = models.PositiveIntegerField(
        _("pairs"), validators=[MinValueValidator(1)], help_text=_("Pairs made that week.")
    )

    class Meta:
        ordering = ["proposal_id", "week"]
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "week"], name="match_placement_unique_week"
            ),
            models.CheckConstraint(
                condition=Q(pairs__gte=1), name="match_placement_pairs_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.week} · {self.pairs}"


class UnplacedPairs(models.Model):
    class Reason(models.TextChoices):
        NO_FACTORY_FOR_CATEGORY = "no_factory_for_category", _("No factory makes this category")
        MISSING_PROCESS = (
            "no_factory_with_required_processes",
            _("No factory has the required processes"),
        )
        MISSING_CERTIFICATION = (
            "no_factory_with_required_certifications",
            _("No factory holds the required certifications"),
        )
        ALL_CAPABLE_EXCLUDED = (
            "every_capable_factory_declined",
            _("Every factory that can make it declined it"),
        )
        NO_CAPACITY_BEFORE_DUE = "no_capacity_before_due", _("No free capacity before the due week")
        BELOW_MIN_LOT = "below_min_lot", _("Rest is below the minimum lot")
        CAPACITY_EXHAUSTED = "capacity_exhausted", _("Capacity taken by orders that save more")
        PENALTY_CHEAPER = (
            "penalty_cheaper_than_production",
            _("Making it costs more than the unplaced penalty"),
        )
        FACTORY_LIMIT_REACHED = "factory_limit_reached", _("Factory limit reached")
        # Not the engine's: the run's writer drops its plan for an order that changed while it
        # solved, so that two runs never order the same pairs twice.
        ORDER_CHANGED = (
            "order_changed_while_solving",
            _(
                "The order changed while the run solved (accepted, cancelled or planned by a "
                "newer run)"
            ),
        )

    run = models.ForeignKey(
        MatchRun,
        on_delete=models.CASCADE,
        related_name="unplaced",
        verbose_name=_("match run"),
        help_text=_("The run."),
    )
    demand = models.ForeignKey(
        Demand,
        on_delete=models.PROTECT,
        related_name="unplaced_pairs",
        verbose_name=_("demand"),
        help_text=_("The order."),
    )
    pairs = models.PositiveIntegerField(
        _("pairs"), validators=[MinValueValidator(1)], help_text=_("Pairs left unplaced.")
    )
    reason = models.CharField(
        _("reason"),
        max_length=50,
        choices=Reason.choices,
        help_text=_("The first cause that applies."),
    )

    class Meta:
        ordering = ["run_id", "demand_id"]
        verbose_name = _("unplaced pairs")
        verbose_name_plural = _("unplaced pairs")
        constraints = [
            models.UniqueConstraint(fields=["run", "demand"], name="unplaced_pairs_unique"),
            models.CheckConstraint(condition=Q(pairs__gte=1), name="unplaced_pairs_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.demand_id} · {self.pairs} · {self.reason}"


class Decision(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")


class RunnerUpReason(models.TextChoices):
    """The engine's RunnerUpReason: why a cheaper factory is left unused for an order."""

    CAPACITY_TAKEN = (
        "capacity_taken",
        _("its weeks before the due date are taken by other orders that save more there"),
    )
    BELOW_MIN_LOT = (
        "below_min_lot",
        _("the room it has left before the due date is less than the order's minimum lot"),
    )
    FACTORY_LIMIT = "factory_limit", _("the order already uses as many factories as it allows")
    PLAN_COST = (
        "plan_cost",
        _("moving pairs there would raise the cost of other placements by more"),
    )


class Proposal(TimeStampedModel):
    """The engine proposes that `factory` makes `pairs` of `demand`, with its reasons."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted by both")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded by a repair run")
        WITHDRAWN = "withdrawn", _("Withdrawn: its agreement was cancelled")

    run = models.ForeignKey(
        MatchRun,
        on_delete=models.CASCADE,
        related_name="proposals",
        verbose_name=_("match run"),
        help_text=_("The run that proposed it."),
    )
    demand = models.ForeignKey(
        Demand,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("demand"),
        help_text=_("The brand's order."),
    )
    factory = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("factory"),
        help_text=_("The proposed factory."),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("category"),
        help_text=_("Category whose capacity the proposal uses."),
    )
    pairs = models.PositiveIntegerField(
        _("pairs"), validators=[MinValueValidator(1)], help_text=_("Pairs proposed in total.")
    )
    unit_cost_rmb = models.DecimalField(
        _("unit cost (RMB)"),
        max_digits=10,
        decimal_places=2,
        validators=[validate_rmb],
        help_text=_("Factory's price per pair used by the engine."),
    )
    transport_rmb_per_pair = models.DecimalField(
        _("transport per pair (RMB)"),
        max_digits=10,
        decimal_places=4,
        help_text=_("Transport cost per pair at the run's rate."),
    )
    distance_km = models.FloatField(_("distance (km)"), help_text=_("Great-circle distance."))
    rank = models.PositiveSmallIntegerField(
        _("rank"), help_text=_("Rank of this factory by landed cost among the able ones.")
    )
    eligible_factories = models.PositiveIntegerField(
        _("able factories"), help_text=_("Factories able to make the order.")
    )
    runner_up = models.ForeignKey(
        Enterprise,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("runner-up"),
        help_text=_("Cheapest able factory the order does not use."),
    )
    runner_up_extra_rmb_per_pair = models.DecimalField(
        _("runner-up extra cost per pair (RMB)"),
        max_digits=10,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("How much more a pair would cost at the runner-up (negative: cheaper)."),
    )
    runner_up_reason = models.CharField(
        _("why the cheaper runner-up is unused"),
        max_length=20,
        choices=RunnerUpReason.choices,
        blank=True,
        default="",
        help_text=_("The engine's reason, when the runner-up is cheaper; empty otherwise."),
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        help_text=_("Where the proposal stands."),
    )
    brand_decision = models.CharField(
        _("brand's decision"),
        max_length=10,
        choices=Decision.choices,
        default=Decision.PENDING,
        help_text=_("What the brand decided."),
    )
    brand_decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("brand decided by"),
        help_text=_("Who decided for the brand."),
    )
    brand_decided_at = models.DateTimeField(
        _("brand decided at"), null=True, blank=True, help_text=_("When the brand decided.")
    )
    factory_decision = models.CharField(
        _("factory's decision"),
        max_length=10,
        choices=Decision.choices,
        default=Decision.PENDING,
        help_text=_("What the factory decided."),
    )
    factory_decided_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("factory decided by"),
        help_text=_("Who decided for the factory."),
    )
    factory_decided_at = models.DateTimeField(
        _("factory decided at"), null=True, blank=True, help_text=_("When the factory decided.")
    )
    expires_at = models.DateTimeField(
        _("expires at"), help_text=_("An open proposal lapses at this time.")
    )
    agreement = models.OneToOneField(
        "agreements.Agreement",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="match_proposal",
        verbose_name=_("agreement"),
        help_text=_("The cooperation intention created when both accepted."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["run_id", "demand_id", "factory_id"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "demand", "factory"], name="proposal_unique_per_run"
            ),
            models.CheckConstraint(condition=Q(pairs__gte=1), name="proposal_pairs_positive"),
            models.CheckConstraint(
                condition=~Q(status="accepted")
                | (Q(brand_decision="accepted") & Q(factory_decision="accepted")),
                name="proposal_accepted_by_both",
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(agreement__isnull=False),
                name="proposal_accepted_has_agreement",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.demand} → {self.factory}"

    @property
    def landed_rmb_per_pair(self) -> Decimal:
        return self.unit_cost_rmb + self.transport_rmb_per_pair

    @property
    def runner_up_saving_rmb_per_pair(self) -> Decimal | None:
        """How much less a pair would cost at the runner-up when it is the cheaper one: it is
        left out because the plan as a whole costs less without it (its weeks serve other
        orders, or its lead time or lots do not fit). None when the runner-up is dearer."""
        extra = self.runner_up_extra_rmb_per_pair
        return -extra if extra is not None and extra < 0 else None


class Reservation(models.Model):
    """Pairs of a factory week reserved by a mutually accepted proposal."""

    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("proposal"),
        help_text=_("The accepted proposal."),
    )
    capacity_week = models.ForeignKey(
        CapacityWeek,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("capacity week"),
        help_text=_("The factory week reserved."),
    )
    pairs = models.PositiveIntegerField(
        _("pairs"), validators=[MinValueValidator(1)], help_text=_("Pairs reserved.")
    )
    released_at = models.DateTimeField(
        _("released at"), null=True, blank=True, help_text=_("When the reservation was freed.")
    )
    created_at = models.DateTimeField(
        _("created at"), auto_now_add=True, help_text=_("When it was reserved.")
    )

    class Meta:
        ordering = ["proposal_id", "capacity_week_id"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "capacity_week"], name="reservation_unique_week"
            ),
            models.CheckConstraint(condition=Q(pairs__gte=1), name="reservation_pairs_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.proposal_id} · {self.capacity_week_id} · {self.pairs}"
