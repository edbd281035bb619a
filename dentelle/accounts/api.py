from ninja import Router, Schema

router = Router(tags=["compte"])


class MeOut(Schema):
    username: str
    role: str
    role_label: str
    organisation: str | None
    buyer_service: str | None


@router.get("/me", response=MeOut, summary="L'utilisateur authentifié et son rôle")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "role": user.role,
        "role_label": user.role_label,
        "organisation": str(user.organisation) if user.organisation_id else None,
        "buyer_service": str(user.buyer_service) if user.buyer_service_id else None,
    }
