# ruff: noqa: E501  (the matrix is a table: one row per route, one column per role)
"""The authorization matrix: every route of the project × role × the relation of the object's unit
to the person's unit → the expected answer. tests/security/test_authz_matrix.py generates one
test per cell and fails when a route of the project is missing here (or listed and gone).

Reading a row: the route's URL name, the subject (tests/security/subjects.py: which object fills
the URL, and whose unit owns it), the method (GET; POST for action routes, with a minimal body
that passes the forms' required fields), the action slug of `<slug:action>` routes, a query
string, then one outcome per role in the order of ROLES. The relation of each cell follows from
the subject's unit and the role's unit (province / Mường Ảng / Tuần Giáo): the province's
people see Mường Ảng's objects as a child's, Mường Ảng's people see the province's plan as their
parent's and their own objects as their own, Tuần Giáo (the outsider) sees Mường Ảng's as a
sibling's; the test ids name it.

Outcomes: 200/201/204 answered; 302 a redirect elsewhere than the login page (a form's answer,
a refusal told as a message on the object's page: the test then checks nothing changed);
400/409 the request reached the rule and was refused by validation or state, not by permission;
401/403/404 refused (404: the object is not even visible); "login" sent to the login page.
A POST or DELETE outcome ends in "*" when the request changed rows (the action was done); one
without "*" is checked to have changed nothing at all, so a refusal told as a message or a 302
cannot hide a half-done write.
"""

import shutil
from pathlib import Path
from typing import NamedTuple

ROLES = ("province_leader", "province_officer", "department_head", "clerk", "inspector", "inspection_chair",
         "muong_ang_officer", "muong_ang_secretary", "tuan_giao_officer", "anonymous")

LOGIN = "login"
DONE = "*"
#: Outcomes in which the person was let through to the rule (allowed, or refused for state/validation).
ALLOWED = {200, 201, 204, 302, 400, 409} | {f"{code}{DONE}" for code in (200, 201, 204, 302)}


class Entry(NamedTuple):
    route: str
    subject: str
    method: str
    action: str | None
    query: str | None
    outcomes: dict


def _row(route, subject, method, cells, *, action=None, query=None):
    values = cells.split()
    assert len(values) == len(ROLES), f"{route}: {len(values)} outcomes for {len(ROLES)} roles"
    outcomes = {role: (value if not value.isdigit() else int(value)) for role, value in zip(ROLES, values, strict=True)}
    return Entry(route, subject, method, action, query, outcomes)


#: Routes left out of the matrix, each with why: public by design, or Django's own machinery.
EXCLUDED = {
    "healthz": "public liveness probe for the load balancer; answers no data (tests/core/test_health_and_settings.py)",
    "favicon": "public redirect to a static file",
    "set_language": "Django's language switch; public so the login page can offer it; stores a cookie only",
    "javascript-catalog": "Django's JavaScript translation catalogue; public, no data",
    "api-schema": "OpenAPI schema; login-only by its own permission class, tested by the sessions/tokens part",
    "api-docs": "Swagger UI over the schema; login_required, tested by the sessions/tokens part",
}
#: Route prefixes left out: the admin has its own staff login and Django's model permissions.
EXCLUDED_PREFIXES = {
    "admin/": "Django admin: is_staff login and model permissions of its own (tests/core/test_pages.py)",
}

# Whether this machine can make PDFs (core.pdf, settings.SOFFICE_PATH's default): CI installs LibreOffice.
_PDF = Path("/usr/bin/soffice").is_file() or shutil.which("soffice") is not None
_PDF_API, _PDF_WEB = ("200", "200") if _PDF else ("503", "302")
_PNG = "200" if _PDF and shutil.which("pdftoppm") else "503"

# PL province leader, PO province officer, DH department head, CL clerk, IN inspector, CH inspection chair,
# MAo / MAs Mường Ảng's officer / secretary, TG Tuần Giáo's officer (the outsider), anon not signed in.
# Columns:                                                          PL   PO   DH   CL   IN   CH   MAo  MAs  TG   anon
MATRIX = [
    _row('api-me', '-', 'GET',                                     '200  200  200  200  200  200  200  200  200  401'),
    _row('api-tokens', '-', 'GET',                                 '200  200  200  200  200  200  200  200  200  401'),
    _row('api-token', 'token', 'DELETE',                           '404  404  404  404  404  404  204* 404  404  401'),
    _row('unit-list', '-', 'GET',                                  '200  200  200  200  200  200  200  200  200  401'),
    _row('unit-list.<format>', '-', 'GET',                         '200  200  200  200  200  200  200  200  200  401'),
    _row('unit-detail', 'unit', 'GET',                             '200  200  200  200  200  200  200  200  200  401'),
    _row('unit-detail.<format>', 'unit', 'GET',                    '200  200  200  200  200  200  200  200  200  401'),
    _row('api-root', '-', 'GET',                                   '200  200  200  200  200  200  200  200  200  401'),
    _row('api-root.<format>', '-', 'GET',                          '200  200  200  200  200  200  200  200  200  401'),
    _row('api-plan-indicators', 'plan', 'GET',                     '200  200  200  200  200  200  200  200  200  401'),
    _row('api-plan-indicator', 'indicator', 'GET',                 '200  200  200  200  200  200  200  200  200  401'),
    _row('api-plan-indicator-summary', 'plan', 'GET',              '200  200  200  200  200  200  404  404  404  401'),
    _row('api-plan-indicator-xlsx', 'plan', 'GET',                 '200  200  200  200  200  200  404  404  404  401'),
    _row('api-plan-indicator-docx', 'plan', 'GET',                 '200  200  200  200  200  200  404  404  404  401'),
    _row('api-plan-issuer-values', 'plan', 'GET',                  '200  200  200  200  200  200  404  404  404  401'),
    _row('api-assignment-indicator-values', 'assignment', 'GET',   '200  200  200  200  200  200  200  200  404  401'),
    _row('api-assignment-indicator-template', 'assignment', 'GET', '200  200  200  200  200  200  200  200  404  401'),
    _row('api-plan-list', '-', 'GET',                              '200  200  200  200  200  200  200  200  200  401'),
    _row('api-plan-detail', 'plan', 'GET',                         '200  200  200  200  200  200  200  200  200  401'),
    _row('api-plan-detail', 'district_plan', 'GET',                '404  404  404  404  404  404  200  200  404  401'),
    _row('api-plan-approve', 'plan', 'POST',                       '409  403  403  403  403  403  403  403  403  401'),
    _row('api-plan-bulk', 'plan', 'POST',                          '400  400  400  400  400  400  404  404  404  401'),
    _row('api-plan-history', 'plan', 'GET',                        '200  200  200  200  200  200  200  200  200  401'),
    _row('api-plan-issue', 'plan', 'POST',                         '403  403  403  409  403  403  403  403  403  401'),
    _row('api-plan-progress', 'plan', 'GET',                       '200  200  200  200  200  200  404  404  404  401'),
    # The official document (issue 13): anyone who sees the plan; a PDF needs LibreOffice on the server,
    # without it the API answers 503 and the page sends back with the reason (_PDF_API / _PDF_WEB).
    _row('api-plan-document-docx', 'plan', 'GET',                  '200  200  200  200  200  200  200  200  200  401'),
    _row('api-plan-document-docx', 'district_plan', 'GET',         '404  404  404  404  404  404  200  200  404  401'),
    _row('api-plan-document-pdf', 'plan', 'GET',                   f'{_PDF_API}  {_PDF_API}  {_PDF_API}  {_PDF_API}  {_PDF_API}  {_PDF_API}  {_PDF_API}  {_PDF_API}  {_PDF_API}  401'),
    _row('api-plan-document-pdf', 'district_plan', 'GET',          f'404  404  404  404  404  404  {_PDF_API}  {_PDF_API}  404  401'),
    _row('api-plan-signatures', 'plan', 'GET',                     '200  200  200  200  200  200  200  200  200  401'),
    _row('api-plan-signatures', 'district_plan', 'GET',            '404  404  404  404  404  404  200  200  404  401'),
    _row('api-plan-sign', 'plan', 'POST',                         '400  403  403  403  403  403  403  403  403  401'),
    _row('api-plan-sign', 'district_plan', 'POST',                '404  404  404  404  404  404  403  403  404  401'),
    _row('api-plan-return', 'plan', 'POST',                        '409  403  403  403  403  403  403  403  403  401'),
    _row('api-plan-review', 'plan', 'POST',                        '403  403  409  403  403  403  403  403  403  401'),
    _row('api-plan-revoke', 'plan', 'POST',                        '200* 403  403  403  403  403  403  403  403  401'),
    _row('api-plan-submit', 'district_plan', 'POST',               '404  404  404  404  404  404  200* 200* 404  401'),
    _row('api-assignment-list', '-', 'GET',                        '200  200  200  200  200  200  200  200  200  401'),
    _row('api-assignment-detail', 'assignment', 'GET',             '200  200  200  200  200  200  200  200  404  401'),
    _row('api-assignment-accept', 'assignment', 'POST',            '200* 200* 200* 403  403  403  403  403  404  401'),
    _row('api-assignment-history', 'assignment', 'GET',            '200  200  200  200  200  200  200  200  404  401'),
    _row('api-assignment-receive', 'assignment', 'POST',           '403  403  403  403  403  403  409  409  404  401'),
    _row('api-assignment-report', 'assignment', 'POST',            '403  403  403  403  403  403  409  409  404  401'),
    _row('api-assignment-return', 'assignment', 'POST',            '200* 200* 200* 403  403  403  403  403  404  401'),
    _row('api-report-list', '-', 'GET',                            '200  200  200  200  200  200  200  200  200  401'),
    _row('api-report-detail', 'report', 'GET',                     '200  200  200  200  200  200  200  200  404  401'),
    _row('api-conclusion-docx', 'conclusion', 'GET',               '200  404  404  404  200  200  200  200  404  401'),
    _row('api-conclusion-pdf', 'conclusion', 'GET',                f'{_PDF_API}  404  404  404  {_PDF_API}  {_PDF_API}  {_PDF_API}  {_PDF_API}  404  401'),
    _row('api-inspection-dashboard', '-', 'GET',                   '200  404  404  404  200  200  404  404  404  401', query='unit={province}&year=2024'),
    _row('api-inspection-programme-list', '-', 'GET',              '200  200  200  200  200  200  200  200  200  401'),
    _row('api-inspection-programme-detail', 'programme', 'GET',    '200  404  404  404  200  200  404  404  404  401'),
    _row('api-inspection-list', '-', 'GET',                        '200  200  200  200  200  200  200  200  200  401'),
    _row('api-inspection-detail', 'inspection', 'GET',             '200  404  404  404  200  200  200  200  200  401'),
    _row('api-inspection-approve', 'inspection', 'POST',           '409  404  404  404  403  409  403  403  403  401'),
    _row('api-inspection-history', 'inspection', 'GET',            '200  404  404  404  200  200  200  200  200  401'),
    _row('api-inspection-return', 'inspection', 'POST',            '409  404  404  404  403  409  403  403  403  401'),
    _row('api-inspection-submit', 'inspection', 'POST',            '403  404  404  404  409  409  403  403  403  401'),
    _row('api-inspection-target-list', '-', 'GET',                 '200  200  200  200  200  200  200  200  200  401'),
    _row('api-inspection-target-detail', 'target', 'GET',          '200  404  404  404  200  200  200  200  404  401'),
    _row('api-inspection-target-detail', 'tuan_giao_target', 'GET', '200  404  404  404  200  200  404  404  200  401'),
    _row('api-inspection-target-conclusion', 'target', 'GET',      '200  404  404  404  200  200  200  200  404  401'),
    _row('api-inspection-target-conclusion-approve', 'target', 'POST', '409  404  404  404  403  409  403  403  404  401'),
    _row('api-inspection-target-conclusion-issue', 'target', 'POST', '409  404  404  404  403  409  403  403  404  401'),
    _row('api-inspection-target-conclusion-return', 'target', 'POST', '409  404  404  404  403  409  403  403  404  401'),
    _row('api-inspection-target-conclusion-submit', 'target', 'POST', '403  404  404  404  400  403  403  403  404  401'),
    _row('api-inspection-target-findings', 'target', 'GET',        '200  404  404  404  200  200  200  200  404  401'),
    _row('api-inspection-target-self-report', 'tuan_giao_target', 'POST', '403  404  404  404  403  403  404  404  200* 401'),
    _row('api-finding-detail', 'finding', 'GET',                   '200  404  404  404  200  200  200  200  404  401'),
    _row('api-conclusion-detail', 'conclusion', 'GET',             '200  404  404  404  200  200  200  200  404  401'),
    _row('api-conclusion-history', 'conclusion', 'GET',            '200  404  404  404  200  200  200  200  404  401'),
    _row('api-remediation-list', '-', 'GET',                       '200  200  200  200  200  200  200  200  200  401'),
    _row('api-remediation-detail', 'remediation', 'GET',           '200  404  404  404  200  200  200  200  404  401'),
    _row('api-remediation-history', 'remediation', 'GET',          '200  404  404  404  200  200  200  200  404  401'),
    _row('api-remediation-reopen', 'remediation', 'POST',          '403  404  404  404  409  409  403  403  404  401'),
    _row('api-remediation-report', 'remediation', 'POST',          '403  404  404  404  403  403  201* 201* 404  401'),
    _row('api-remediation-verify', 'remediation', 'POST',          '403  404  404  404  409  409  403  403  404  401'),
    _row('attachment-download', 'attachment', 'GET',               '200  200  200  200  200  200  200  200  404  login'),
    _row('audit-export', '-', 'GET',                               '403  403  403  403  403  403  403  403  403  login'),
    _row('audit-export-object', 'plan', 'GET',                     '200  200  200  200  200  200  404  404  404  login'),
    _row('audit-export-object', 'assignment', 'GET',               '200  200  200  200  200  200  200  200  404  login'),
    _row('audit-export-object', 'report', 'GET',                   '200  200  200  200  200  200  200  200  404  login'),
    _row('workflows:inbox', '-', 'GET',                            '200  200  200  200  200  200  200  200  200  login'),
    _row('plans:list', '-', 'GET',                                 '200  200  200  200  200  200  200  200  200  login'),
    _row('plans:create', '-', 'GET',                               '200  200  200  403  403  403  200  200  200  login'),
    _row('plans:detail', 'plan', 'GET',                            '200  200  200  200  200  200  200  200  200  login'),
    _row('plans:detail', 'district_plan', 'GET',                   '404  404  404  404  404  404  200  200  404  login'),
    _row('plans:document-docx', 'plan', 'GET',                     '200  200  200  200  200  200  200  200  200  login'),
    _row('plans:document-docx', 'district_plan', 'GET',            '404  404  404  404  404  404  200  200  404  login'),
    _row('plans:document-pdf', 'plan', 'GET',                      f'{_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  login'),
    _row('plans:document-pdf', 'district_plan', 'GET',             f'404  404  404  404  404  404  {_PDF_WEB}  {_PDF_WEB}  404  login'),
    _row('plans:document-preview', 'plan', 'GET',                  f'{_PNG}  {_PNG}  {_PNG}  {_PNG}  {_PNG}  {_PNG}  {_PNG}  {_PNG}  {_PNG}  login'),
    _row('plans:document-preview', 'district_plan', 'GET',         f'404  404  404  404  404  404  {_PNG}  {_PNG}  404  login'),
    _row('plans:document-upload', 'plan', 'POST',                  '302  302  302  302  302  302  302  302  302  login'),
    _row('plans:document-upload', 'district_plan', 'POST',         '404  404  404  404  404  404  302  302  404  login'),
    _row('plans:edit', 'plan', 'GET',                              '302  302  302  302  302  302  302  302  302  login'),
    _row('plans:edit', 'district_plan', 'GET',                     '404  404  404  404  404  404  200  200  404  login'),
    _row('plans:action', 'plan', 'POST',                           '302* 302  302  302  302  302  302  302  302  login', action='revoke'),
    _row('plans:action', 'district_plan', 'POST',                  '404  404  404  404  404  404  302* 302* 404  login', action='submit'),
    _row('plans:bulk', 'plan', 'GET',                              '200  200  200  200  200  200  404  404  404  login'),
    _row('plans:assignment', 'assignment', 'GET',                  '200  200  200  200  200  200  200  200  404  login'),
    _row('plans:assignment-action', 'assignment', 'POST',          '302* 302* 302* 302  302  302  302  302  404  login', action='accept'),
    _row('plans:assignment-report', 'assignment', 'POST',          '302  302  302  302  302  302  302  302  404  login'),
    _row('plans:implement', 'assignment', 'GET',                   '302  302  302  302  302  302  302  302  404  login'),
    _row('plans:report', 'report', 'GET',                          '200  200  200  200  200  200  200  200  404  login'),
    _row('plans:indicators', 'plan', 'GET',                        '200  200  200  200  200  200  200  200  200  login'),
    _row('plans:indicator-add', 'plan', 'GET',                     '302  302  302  302  302  302  302  302  302  login'),
    _row('plans:indicator-edit', 'indicator', 'GET',               '302  302  302  302  302  302  302  302  302  login'),
    _row('plans:indicator-delete', 'indicator', 'POST',            '302  302  302  302  302  302  302  302  302  login'),
    _row('plans:indicator-import', 'plan', 'POST',                 '302  302  302  302  302  302  302  302  302  login'),
    _row('plans:indicator-results', 'plan', 'GET',                 '200  200  200  200  200  200  404  404  404  login'),
    _row('plans:indicator-results-xlsx', 'plan', 'GET',            '200  200  200  200  200  200  404  404  404  login'),
    _row('plans:indicator-results-docx', 'plan', 'GET',            '200  200  200  200  200  200  404  404  404  login'),
    _row('plans:issuer-figures', 'plan', 'POST',                   '302  302  302  302  302  302  404  404  404  login'),
    _row('plans:assignment-figures', 'assignment', 'POST',         '302  302  302  302  302  302  302  302  404  login'),
    _row('plans:assignment-figures-template', 'assignment', 'GET', '200  200  200  200  200  200  200  200  404  login'),
    _row('plans:assignment-figures-upload', 'assignment', 'POST',  '200  200  200  200  200  200  200  200  404  login'),
    _row('inspections:programmes', '-', 'GET',                     '200  200  200  200  200  200  200  200  200  login'),
    _row('inspections:dashboard', '-', 'GET',                      '200  200  200  200  200  200  200  200  200  login'),
    _row('inspections:dashboard-xlsx', '-', 'GET',                 '200  404  404  404  200  200  404  200  404  login'),
    _row('inspections:programme', 'programme', 'GET',              '200  404  404  404  200  200  404  404  404  login'),
    _row('inspections:inspection-create', 'programme', 'GET',      '403  404  404  404  200  200  404  404  404  login'),
    _row('inspections:inspection', 'inspection', 'GET',            '200  404  404  404  200  200  200  200  200  login'),
    _row('inspections:inspection-edit', 'inspection', 'GET',       '302  404  404  404  302  302  302  302  302  login'),
    _row('inspections:inspection-action', 'inspection', 'POST',    '302  404  404  404  403  302  403  403  403  login', action='approve'),
    _row('inspections:target', 'target', 'GET',                    '200  404  404  404  200  200  200  200  404  login'),
    _row('inspections:target', 'tuan_giao_target', 'GET',          '200  404  404  404  200  200  404  404  200  login'),
    _row('inspections:target-action', 'target', 'POST',            '302  404  404  404  403  302  403  403  404  login', action='issue'),
    _row('inspections:finding-record', 'target', 'POST',           '403  404  404  404  200  403  403  403  404  login'),
    _row('inspections:conclusion-edit', 'target', 'GET',           '403  404  404  404  302  403  403  403  404  login'),
    _row('inspections:finding-edit', 'finding', 'GET',             '403  404  404  404  302  403  403  403  404  login'),
    _row('inspections:conclusion-docx', 'conclusion', 'GET',       '200  404  404  404  200  200  200  200  404  login'),
    _row('inspections:conclusion-pdf', 'conclusion', 'GET',        f'{_PDF_WEB}  404  404  404  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  404  login'),
    _row('inspections:remediation', 'remediation', 'GET',          '200  404  404  404  200  200  200  200  404  login'),
    _row('inspections:remediation-action', 'remediation', 'POST',  '403  404  404  404  302  302  403  403  404  login', action='verify'),
    _row('notifications:list', '-', 'GET',                         '200  200  200  200  200  200  200  200  200  login'),
    _row('notifications:open', 'notification', 'GET',              '404  404  404  404  404  404  302  404  404  login'),
    _row('notifications:read-all', '-', 'POST',                    '302* 302* 302* 302* 302* 302* 302* 302* 302* login'),
    _row('notifications:settings', '-', 'GET',                     '200  200  200  200  200  200  200  200  200  login'),
    _row('dashboards:overview', '-', 'GET',                        '200  200  200  200  200  200  200  200  200  login'),
    _row('dashboards:overview-xlsx', '-', 'GET',                   '200  200  200  200  200  200  200  200  200  login'),
    _row('dashboards:on-time', '-', 'GET',                         '200  200  200  200  200  200  200  200  200  login'),
    _row('dashboards:on-time-xlsx', '-', 'GET',                    '200  200  200  200  200  200  200  200  200  login'),
    _row('dashboards:matrix', '-', 'GET',                          '200  200  200  200  200  200  200  200  200  login'),
    _row('dashboards:unit-work', '-', 'GET',                       '200  200  200  200  200  200  200  200  200  login'),
    # Registers (sổ văn bản): a unit's own people only; the province's people do not read Mường Ảng's.
    _row('registers:home', '-', 'GET',                             '302  302  302  302  302  302  302  302  302  login'),
    _row('registers:outgoing', 'unit', 'GET',                      '404  404  404  404  404  404  200  200  404  login'),
    _row('registers:outgoing-xlsx', 'unit', 'GET',                 '404  404  404  404  404  404  200  200  404  login'),
    _row('registers:incoming', 'unit', 'GET',                      '404  404  404  404  404  404  200  200  404  login'),
    _row('registers:incoming-xlsx', 'unit', 'GET',                 '404  404  404  404  404  404  200  200  404  login'),
    _row('registers:outgoing-paper', 'unit', 'GET',                '404  404  404  404  404  404  403  403  404  login'),
    _row('registers:outgoing-paper', 'unit', 'POST',               '404  404  404  404  404  404  403  403  404  login'),
    _row('home', '-', 'GET',                                       '200  200  200  200  200  200  200  200  200  login'),
    _row('delegation-create', '-', 'POST',                         '302  302  302  302  302  302  302  302  302  login'),
    _row('login', '-', 'GET',                                      '302  302  302  302  302  302  302  302  302  200'),
    _row('two-factor-verify', '-', 'GET',                          '302  302  302  302  302  302  302  302  302  login'),
    _row('two-factor-enrol', '-', 'GET',                           '200  200  200  200  200  200  200  200  200  login'),
    _row('logout', '-', 'POST',                                    'login login login login login login login login login login'),
    _row('api-tokens-page', '-', 'GET',                            '200  200  200  200  200  200  200  200  200  login'),
    _row('api-token-revoke-page', 'token', 'POST',                 '302  302  302  302  302  302  302* 302  302  login'),
    # Restructuring (issue 14): a unit's page and history for every signed-in person (the tree is not secret);
    # the form, the preview and the apply for administrators (is_staff) only, and no role of the world is one.
    _row('restructuring:unit', 'unit', 'GET',                      '200  200  200  200  200  200  200  200  200  login'),
    _row('restructuring:new', '-', 'GET',                          '403  403  403  403  403  403  403  403  403  login'),
    _row('restructuring:new', '-', 'POST',                         '403  403  403  403  403  403  403  403  403  login'),
    _row('api-unit-change-list', '-', 'GET',                       '200  200  200  200  200  200  200  200  200  401'),
    _row('api-unit-change-list', '-', 'GET',                       '200  200  200  200  200  200  200  200  200  401', query='unit={muong_ang}'),
    _row('api-unit-change-detail', 'unit_change', 'GET',           '200  200  200  200  200  200  200  200  200  401'),
    _row('api-unit-change-list', '-', 'POST',                      '403  403  403  403  403  403  403  403  403  401'),
    _row('api-unit-change-preview', '-', 'POST',                   '403  403  403  403  403  403  403  403  403  401'),
    # Emulation (issue 15): the organiser's people see its emulation, a unit its own sheet and its cluster's when
    # it heads one (Mường Ảng heads the world's cluster, so its own sheet is verified by the province's officers);
    # Tuần Giáo is in no cluster. A unit assesses (its officers and secretary), the organiser's officers verify
    # the head's sheet, its leader approves or returns, its clerk issues the decision.
    _row('emulation:list', '-', 'GET',                             '200  200  200  200  200  200  200  200  200  login'),
    _row('emulation:table-template', '-', 'GET',                   '200  200  200  200  200  200  200  200  200  login'),
    _row('emulation:table-import', '-', 'GET',                     '200  200  200  403  403  403  200  200  200  login'),
    _row('emulation:table-import', '-', 'POST',                    '200  200  200  403  403  403  200  200  200  login'),
    _row('emulation:open', 'open_table', 'GET',                    '200  200  200  403  403  403  404  404  404  login'),
    _row('emulation:open', 'open_table', 'POST',                   '200  200  200  403  403  403  404  404  404  login'),
    _row('emulation:detail', 'emulation', 'GET',                   '200  200  200  200  200  200  200  200  404  login'),
    _row('emulation:ranking-xlsx', 'emulation', 'GET',             '200  200  200  200  200  200  200  200  404  login'),
    _row('emulation:decision-docx', 'emulation', 'GET',            '200  200  200  200  200  200  200  200  404  login'),
    _row('emulation:decision-pdf', 'emulation', 'GET',             f'{_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  {_PDF_WEB}  404  login'),
    _row('emulation:decide', 'emulation', 'POST',                  '403  403  403  302  403  403  403  403  404  login'),
    _row('emulation:sheet', 'sheet', 'GET',                        '200  200  200  200  200  200  200  200  404  login'),
    _row('emulation:sheet-action', 'sheet', 'POST',                '403  403  403  403  403  403  302  302  404  login', action='save'),
    _row('emulation:sheet-action', 'sheet', 'POST',                '403  403  403  403  403  403  200  200  404  login', action='submit'),
    _row('emulation:sheet-action', 'sheet', 'POST',                '200  200  200  403  403  403  403  403  404  login', action='verify'),
    _row('emulation:sheet-action', 'sheet', 'POST',                '200  403  403  403  403  403  403  403  404  login', action='approve'),
    _row('emulation:sheet-action', 'sheet', 'POST',                '200  403  403  403  403  403  403  403  404  login', action='return'),
    _row('api-emulation-list', '-', 'GET',                         '200  200  200  200  200  200  200  200  200  401'),
    _row('api-emulation-list', '-', 'POST',                        '400  400  400  400  400  400  400  400  400  401'),
    _row('api-emulation-detail', 'emulation', 'GET',               '200  200  200  200  200  200  200  200  404  401'),
    _row('api-emulation-standings', 'emulation', 'GET',            '200  200  200  200  200  200  200  200  404  401'),
    _row('api-emulation-decide', 'emulation', 'POST',              '403  403  403  400  403  403  403  403  404  401'),
    _row('api-score-sheet-list', '-', 'GET',                       '200  200  200  200  200  200  200  200  200  401'),
    _row('api-score-sheet-detail', 'sheet', 'GET',                 '200  200  200  200  200  200  200  200  404  401'),
    _row('api-score-sheet-assess', 'sheet', 'POST',                '403  403  403  403  403  403  400  400  404  401'),
    _row('api-score-sheet-evidence', 'sheet', 'POST',              '403  403  403  403  403  403  400  400  404  401'),
    _row('api-score-sheet-submit', 'sheet', 'POST',                '403  403  403  403  403  403  400  400  404  401'),
    _row('api-score-sheet-verify', 'sheet', 'POST',                '409  409  409  403  403  403  403  403  404  401'),
    _row('api-score-sheet-approve', 'sheet', 'POST',               '409  403  403  403  403  403  403  403  404  401'),
    _row('api-score-sheet-return', 'sheet', 'POST',                '409  403  403  403  403  403  403  403  404  401'),
    # The API's write methods on the same routes: the minimal body as JSON (PUT/PATCH) or a form (POST).
    _row('api-tokens', '-', 'POST',                                '201* 201* 201* 201* 201* 201* 201* 201* 201* 401'),
    _row('api-plan-detail', 'plan', 'PATCH',                       '400  400  400  403  403  403  403  403  403  401'),
    _row('api-plan-detail', 'district_plan', 'PATCH',              '404  404  404  404  404  404  200  200  404  401'),
    _row('api-plan-indicators', 'plan', 'POST',                    '400  400  400  400  400  400  400  400  400  401'),
    _row('api-plan-indicator', 'indicator', 'PATCH',               '400  400  400  403  403  403  403  403  403  401'),
    _row('api-plan-indicator', 'indicator', 'DELETE',              '400  400  400  403  403  403  403  403  403  401'),
    _row('api-plan-issuer-values', 'plan', 'PUT',                  '400  400  400  400  400  400  404  404  404  401'),
    _row('api-assignment-indicator-values', 'assignment', 'PUT',   '400  400  400  400  400  400  400  400  404  401'),
    _row('api-inspection-detail', 'inspection', 'PATCH',           '403  404  404  404  400  400  403  403  403  401'),
    _row('api-inspection-target-findings', 'target', 'POST',       '400  404  404  404  400  400  400  400  404  401'),
    _row('api-inspection-target-conclusion', 'target', 'PUT',      '403  404  404  404  400  403  403  403  404  401'),
    _row('api-finding-detail', 'finding', 'PATCH',                 '403  404  404  404  400  403  403  403  404  401'),
]
