"""The steps of `dentelle demo`, in order. Each app adds its own step here (one line each).

A step is a callable ``step(stdout)``; it must be idempotent and fast when already done.
"""

DEMO_STEPS = [
    "dentelle.referentials.demo.load_referentials",
    "dentelle.accounts.demo.load_demo_organisation",
    "dentelle.siaes.demo.load_demo_siaes",
    "dentelle.accounts.demo.link_demo_siae_member",
    "dentelle.rules.demo.load_demo_overrides",
    "dentelle.purchases.demo.load_demo_plan",
    "dentelle.insertion.demo.load_insertion_demo",
]
