"""No lost updates: a deployment saved from a form that is out of date is refused.

The change form carries, hidden, the id of the entry's latest history record when it was
opened (``loaded_version``). If someone saved the entry since (another editor, a publisher's
list action, an import), the save is refused with a message naming who changed which fields,
and the form comes back holding the editor's own text. Saving that form again is then a
deliberate choice to put those values over the other changes; reloading starts from the
current version.

The check runs in the admin's transaction and locks the row (SELECT … FOR UPDATE on
PostgreSQL), so two saves arriving together cannot both pass it.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from ..models import Citation, Deployment

# Changed by every save; naming them would say nothing.
BOOKKEEPING = ["updated_at", "created_at", "published_at", "retracted_at", "last_verified_by"]


def latest_version(pk):
    record = Deployment.history.filter(id=pk).order_by("-history_id").first()
    return record.history_id if record else 0


def changes_since(pk, version):
    """What changed since ``version``: [“title, summary (alice, 29 Nov 11:32 UTC)”, “citations”]."""
    records = list(Deployment.history.filter(id=pk, history_id__gt=version).order_by("history_id"))
    names = {field.name: str(field.verbose_name) for field in Deployment._meta.fields}
    parts = []
    for record in records:
        previous = record.prev_record
        fields = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=BOOKKEEPING)
            fields = [names.get(name, name) for name in delta.changed_fields]
        parts.append((record, fields))
    loaded = Deployment.history.filter(history_id=version).first()
    citations = Citation.history.filter(deployment_id=pk)
    if loaded is not None:
        citations = citations.filter(history_date__gt=loaded.history_date)
    described = []
    for record, fields in parts:
        who = (
            record.history_user.get_username()
            if record.history_user
            else gettext("an import or script")
        )
        when = date_format(timezone.localtime(record.history_date), "d M H:i T")
        what = ", ".join(fields) or gettext("saved without field changes")
        described.append(
            gettext("%(fields)s (%(who)s, %(when)s)") % {"fields": what, "who": who, "when": when}
        )
    if citations.exists():
        described.append(gettext("citations"))
    return described


class VersionedDeploymentForm(forms.ModelForm):
    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = latest_version(self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        # Holds the row until the admin's transaction ends: the next save waits, then sees ours.
        Deployment.objects.select_for_update().filter(pk=self.instance.pk).exists()
        loaded = cleaned.get("loaded_version") or 0
        current = latest_version(self.instance.pk)
        if loaded and loaded != current:
            changes = changes_since(self.instance.pk, loaded)
            # Saving this form again will apply it over those changes, knowingly.
            self.data = self.data.copy()
            self.data[self.add_prefix("loaded_version")] = str(current)
            raise ValidationError(
                gettext(
                    "Not saved: this entry was changed by someone else after you opened it. "
                    "Changed meanwhile: %(changes)s. Your edits are still in this form: reload "
                    "the page to see the current version (and redo your edits there), or save "
                    "again to replace those changes with what this form holds."
                ),
                code="stale",
                params={"changes": "; ".join(changes) or gettext("the entry")},
            )
        return cleaned
