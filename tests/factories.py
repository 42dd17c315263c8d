import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from accounts.models import User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "correct horse battery staple")

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create:
            names = list(extracted or ["citizen"])
            self.groups.add(*[Group.objects.get_or_create(name=n)[0] for n in names])
            self.save()
