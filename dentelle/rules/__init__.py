"""The référentiel as data: trade families and legal thresholds (TOML), with organisation overrides.

Pure accessors live in ``types``, ``validation``, ``loader``, ``lookups`` and ``thresholds`` (no Django
model) so that the screening and the hours estimator can use them; ``services.rules_for(organisation)`` adds the database overrides.
"""

from dentelle.rules.loader import default_rules, load_rules  # noqa: F401
from dentelle.rules.lookups import apply_overrides, families_for_text, family_for_cpv  # noqa: F401
from dentelle.rules.thresholds import ThresholdSet, thresholds_at  # noqa: F401
from dentelle.rules.types import Param, Rules, RulesError, TradeFamily  # noqa: F401
