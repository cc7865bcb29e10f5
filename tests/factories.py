import factory
from django.utils import timezone

from accounts.models import Position, Role, Unit, UnitLevel, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Faker("name", locale="vi_VN")
    password = factory.django.Password("mat-khau-thu-nghiem")


class UnitLevelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UnitLevel
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"level{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    rank = 1


class UnitFactory(factory.django.DjangoModelFactory):
    """Builds through treebeard so paths are real; pass `parent` for a child."""

    class Meta:
        model = Unit

    code = factory.Sequence(lambda n: f"U{n:05d}")
    name = factory.Sequence(lambda n: f"Đơn vị {n}")
    level = factory.SubFactory(UnitLevelFactory)

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.objects.add_root(kwargs)
        return model_class.objects.add_child(parent, kwargs)


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Role.OFFICER
    valid_from = factory.LazyFunction(timezone.localdate)
