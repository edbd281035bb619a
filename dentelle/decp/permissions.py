"""Who may analyse DECP files and export the organisation's contracts (pages and API)."""

from dentelle.core.permissions import CAN_SEE_PROGRESS
from dentelle.core.roles import Role

# Reading published data is open to every staff role; exporting the organisation's contracts is for
# those who publish them.
CAN_ANALYSE_DECP = CAN_SEE_PROGRESS
CAN_EXPORT_DECP = {Role.DIRECTION, Role.PURCHASING_OFFICER, Role.BUYER}
