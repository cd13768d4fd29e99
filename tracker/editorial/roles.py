"""The two editorial roles and exactly what each may do.

Editors add and change content and submit it for review; they never publish and never manage
accounts. Publishers do everything an editor does, and publish, unpublish and retract.
Deleting and account management stay with superusers.
"""

from django.contrib.auth.models import Group, Permission

EDITOR = "Editor"
PUBLISHER = "Publisher"

CONTENT_MODELS = [
    "citation",
    "deployment",
    "designation",
    "finding",
    "source",
    "technology",
    "vendor",
    "vendoralias",
]
# Read-only for both roles: the country list comes from ISO; corrections come from readers,
# and editors only record what they decided.
READ_ONLY_MODELS = ["country"]
HANDLED_MODELS = ["correction"]


def editor_codenames():
    codenames = {f"{action}_{model}" for model in CONTENT_MODELS for action in ("add", "change")}
    codenames |= {f"view_{model}" for model in CONTENT_MODELS + READ_ONLY_MODELS}
    codenames |= {f"{action}_{model}" for model in HANDLED_MODELS for action in ("view", "change")}
    return codenames


ROLES = {
    EDITOR: editor_codenames(),
    PUBLISHER: editor_codenames() | {"publish_deployment"},
}


def setup_roles():
    """Create or reset both groups to exactly their permissions; safe to run again."""
    groups = {}
    for name, codenames in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = Permission.objects.filter(
            content_type__app_label="tracker", codename__in=codenames
        )
        group.permissions.set(permissions)
        groups[name] = group
    return groups
