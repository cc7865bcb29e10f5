"""The register screens: each register by year, its .xlsx, and a document issued on paper.

Thin: the unit comes from the person's own units (another unit's register is a 404), the rows
from the selectors, the writes from the services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.errors import ActionForbidden
from core.files import XLSX, file_response
from core.pagination import CappedPaginator
from core.ui import add_service_errors, forbidden

from . import selectors, services
from .exports import incoming_xlsx, outgoing_xlsx
from .forms import PaperDocumentForm, YearForm
from .rules import may_register_paper

PAGE_SIZE = 50


def _unit(request, pk):
    return get_object_or_404(selectors.register_units(request.user), pk=pk)


def _outgoing_choice(request, unit):
    form = YearForm(request.GET or None, issuers=selectors.issuers_of(unit))
    return form, form.chosen_year(), form.chosen_issuer()


def _paper_issuers(user, unit):
    return [issuer for issuer in selectors.issuers_of(unit) if may_register_paper(user, unit, issuer[2])]


@login_required
def registers_home(request):
    unit = selectors.register_units(request.user).first()
    if unit is None:
        raise Http404(_("You hold no position in a unit."))
    return redirect("registers:outgoing", pk=unit.pk)


@login_required
def outgoing(request, pk):
    unit = _unit(request, pk)
    form, year, (issuer, issuer_name, _department) = _outgoing_choice(request, unit)
    page = CappedPaginator(selectors.outgoing_of(issuer, year), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registers/outgoing.html", {
        "unit": unit, "form": form, "year": year, "issuer": issuer, "issuer_name": issuer_name, "page": page,
        "years": selectors.outgoing_years(issuer, shown=year), "can_register": bool(_paper_issuers(request.user, unit)),
        "export_query": urlencode({"year": year, "issuer": issuer}),
    })


@login_required
def outgoing_download(request, pk):
    unit = _unit(request, pk)
    _form, year, (issuer, issuer_name, _department) = _outgoing_choice(request, unit)
    content = outgoing_xlsx(selectors.outgoing_of(issuer, year), issuer_name=issuer_name, year=year)
    return file_response(content, f"so-van-ban-di-{year}.xlsx", XLSX)


@login_required
def incoming(request, pk):
    unit = _unit(request, pk)
    form = YearForm(request.GET or None)
    year = form.chosen_year()
    page = CappedPaginator(selectors.incoming_of(unit, year), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registers/incoming.html", {
        "unit": unit, "form": form, "year": year, "page": page, "years": selectors.incoming_years(unit, shown=year),
        "export_query": urlencode({"year": year}),
    })


@login_required
def incoming_download(request, pk):
    unit = _unit(request, pk)
    year = YearForm(request.GET or None).chosen_year()
    content = incoming_xlsx(selectors.incoming_of(unit, year), unit_name=unit.name, year=year)
    return file_response(content, f"so-van-ban-den-{year}.xlsx", XLSX)


@login_required
def outgoing_paper(request, pk):
    unit = _unit(request, pk)
    if not _paper_issuers(request.user, unit):
        return forbidden(request, _("You may not register documents issued by %(issuer)s.") % {"issuer": unit.name})
    form = PaperDocumentForm(request.POST or None, unit=unit)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            entry = services.outgoing_register_paper(
                unit=unit, by=request.user, kind=data["kind"], subject=data["subject"], issued_on=data["issued_on"],
                signer=data["signer"], recipients=data["recipients"], reason=data["reason"],
                department=data["department"])
        except ActionForbidden as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Registered as %(number)s.") % {"number": entry.number})
            query = urlencode({"year": entry.year, "issuer": entry.issuer})
            return redirect(f"{reverse('registers:outgoing', args=[unit.pk])}?{query}")
    return render(request, "registers/paper.html", {"unit": unit, "form": form})
