"""Who may register a document issued on paper: whoever issues in the issuer's name."""

from django.utils.translation import gettext as _

from core.errors import ActionForbidden


def _issue_permission(department) -> str:
    # A department that numbers its own documents (the inspection committee) issues them through
    # those who issue its conclusions (inspections.rules "issue_conclusion"); a unit through
    # those who issue its plans (plans.rules "issue": the clerk).
    if department is not None and department.issues_own_documents:
        return "accounts.approve_inspections"
    return "accounts.issue_plans"


def may_register_paper(user, unit, department) -> bool:
    return user.has_perm(_issue_permission(department), unit)


def require_register_paper(user, unit, department) -> None:
    if not may_register_paper(user, unit, department):
        raise ActionForbidden(_("You may not register documents issued by %(issuer)s.") % {
            "issuer": department.name if department is not None and department.issues_own_documents
            else unit.name})
