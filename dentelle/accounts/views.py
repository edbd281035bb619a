from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from dentelle.accounts.models import ApiToken


@login_required
def api_keys(request):
    new_key = None
    if request.method == "POST":
        name = (request.POST.get("name") or "clé API").strip()[:100]
        _, new_key = ApiToken.issue(request.user, name=name)
        messages.success(request, "Clé créée. Copiez-la maintenant : elle ne sera plus affichée.")
    tokens = request.user.api_tokens.order_by("-created_at")
    return render(
        request, "accounts/api_keys.html", {"tokens": tokens, "new_key": new_key, "title": "Clés d'API"}
    )


@login_required
@require_POST
def revoke_api_key(request, pk):
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token.revoke()
    messages.success(request, f"Clé {token.key_prefix}… révoquée.")
    return redirect("accounts:api_keys")
