"""The person's API tokens on their account: create one (its secret shown once), see them, revoke one."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from interlocal.api.actions import api_token_create, api_token_revoke
from interlocal.api.models import ApiToken
from interlocal.portal.people import signed_in


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, label="Name", help_text="What will use the token, e.g. “GIS nightly sync”."
    )


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """The person's tokens, and a form to create one; after creating, the secret, this once."""
    form = TokenForm(request.POST or None)
    secret = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, secret = api_token_create(acting_user=signed_in(request), name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.filter(owner=signed_in(request))
    response = render(request, "api/tokens.html", {"form": form, "tokens": tokens, "secret": secret})
    if secret:
        response["Cache-Control"] = "no-store"  # the secret must not linger in a cache or the back button
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's own tokens; another's is a 404."""
    token = get_object_or_404(ApiToken.objects.filter(owner=signed_in(request)), pk=pk)
    try:
        api_token_revoke(acting_user=signed_in(request), token=token)
        messages.success(request, f"{token.name} was revoked; programs using it are refused from now on.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("api_tokens:list")
