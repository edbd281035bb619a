# pure: no database
"""Plausibility ceiling on proposed insertion hours (pure: stdlib and ``dentelle.rules`` data only).

The standard chain is linear in the amount: on a very large works operation it proposes volumes that no
documented real case reaches (domain.md §1, §4.4). ``rules/data/plausibility.toml`` gives, per nature,
a sourced ceiling; above it the finding proposes the capped volume and keeps the chain's figure visible.
"""

from dataclasses import dataclass

from dentelle.core.formatting import grouped_int


@dataclass(frozen=True)
class Plausible:
    hours: int | None  # the volume to propose
    chain_hours: int | None  # what the calculation chain gave
    reason: str = ""  # French explanation when capped
    ceiling_source: str = ""

    @property
    def capped(self):
        return bool(self.reason)

    def figures(self):
        if not self.capped:
            return {}
        return {
            "chain_hours": {
                "value": self.chain_hours,
                "source": "Chaîne de calcul des heures (paramètres des métiers, par lot ou par corps d'état)",
            },
            "plausibility_ceiling": {"value": self.hours, "source": self.ceiling_source},
        }


def plausible_hours(hours, nature, rules):
    """The volume to propose for ``hours`` estimated on a lot of this nature (works, services, supplies)."""
    ceiling = getattr(rules, "plausibility", {}).get(nature)
    if hours is None or ceiling is None or ceiling.hours.value is None or hours <= ceiling.hours.value:
        return Plausible(hours, hours)
    cap = int(ceiling.hours.value)
    reason = (
        f"Volume plafonné à {grouped_int(cap)} h (la chaîne de calcul donne {grouped_int(hours)} h) : "
        f"{ceiling.rationale} ; à calibrer avec le facilitateur."
    )
    return Plausible(cap, hours, reason, ceiling.hours.source)
