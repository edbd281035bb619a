from dentelle.accounts.roles import Role, capabilities_of


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"user_role_label": "", "user_capabilities": []}
    role = Role(user.role) if user.role else None
    return {
        "user_role_label": role.label if role else ("Administrateur" if user.is_superuser else ""),
        "user_capabilities": capabilities_of(role, user.is_superuser),
    }
