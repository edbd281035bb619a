"""The référentiel as data: trade families and legal thresholds (TOML), with organisation overrides.

Pure accessors live in ``loader`` and ``thresholds`` (no Django import) so that the screening and the
hours estimator can use them; ``services.rules_for(organisation)`` adds the database overrides.
"""

from dentelle.rules.loader import (  # noqa: F401
    Param,
    Rules,
    RulesError,
    TradeFamily,
    apply_overrides,
    default_rules,
    families_for_text,
    family_for_cpv,
    load_rules,
)
from dentelle.rules.thresholds import ThresholdSet, thresholds_at  # noqa: F401
