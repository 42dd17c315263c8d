from .roles import Role, user_roles


def roles(request):
    held = user_roles(getattr(request, "user", None))
    return {"user_roles": held, "ROLES": {r.name: r.value for r in Role}}
