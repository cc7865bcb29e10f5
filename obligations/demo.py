"""The demo province's quarterly briefing (giao ban): every district-level unit reports each quarter."""

from django.db import transaction

from accounts.models import Department, Unit, UnitLevel, User

from .models import Frequency, ReportSchedule

BRIEFING = "Báo cáo giao ban quý"


@transaction.atomic
def demo_obligations_seed() -> ReportSchedule:
    province = Unit.objects.get(code="TDDB")
    people = User.objects.in_bulk(["truongban", "lanhdao", "vanthu"], field_name="username")
    schedule = ReportSchedule.objects.filter(issuing_unit=province, name=BRIEFING).first()
    if schedule is None:
        schedule = ReportSchedule(
            name=BRIEFING, issuing_unit=province, department=Department.objects.get(code="TDDB-XDD"),
            recipient_level=UnitLevel.objects.get(code="district"), frequency=Frequency.QUARTERLY,
            # Decree 09/2019: data to the 14th of the quarter's last month; the request a week
            # before, the report three working days after the cut-off.
            cutoff_day=14, lead_days=7, submission_day=3,
            subject_template="Báo cáo kết quả công tác Đoàn và phong trào thanh thiếu nhi {period} "
                             "(phục vụ giao ban)",
            body="Đề nghị các huyện, thị, thành đoàn và đoàn trực thuộc báo cáo kết quả công tác Đoàn và "
                 "phong trào thanh thiếu nhi {period}; phương hướng, nhiệm vụ trọng tâm quý tới; "
                 "đề xuất, kiến nghị. Số liệu tính đến ngày chốt số liệu của kỳ.",
            reviewed_by=people["truongban"], approved_by=people["lanhdao"], issued_by=people["vanthu"],
        )
        schedule.full_clean()
        schedule.save()
    # No request is made here: beat's obligations.tasks.generate_due issues each quarter's on time.
    return schedule
