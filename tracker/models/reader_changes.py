"""What readers saw change with each saved version of an entry, stored with that version.

/changes/ lists one page of the entries' history records that readers saw change (a
publication, an edit of a published entry, a retraction, an unpublishing). Working that out
when the page is read takes each record's predecessor, so every request would read the whole
history table (seconds at a million records). It is worked out once instead, when the record is
written (``tracker.editorial.history.note_reader_change``), and kept on the record, so a page of
changes is a range of one small index.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ReaderChange(models.TextChoices):
    """What a history record is to a reader, from the entry's state before and after it."""

    NONE = "", _("nothing readers saw")
    PUBLISHED = "published", _("published")
    REPUBLISHED = "republished", _("published again")
    CHANGED = "changed", _("changed")
    RETRACTED = "retracted", _("retracted")
    UNPUBLISHED = "unpublished", _("unpublished")


class ReaderChangeFields(models.Model):
    """The fields each historical deployment carries besides the entry's own."""

    reader_change = models.CharField(
        _("what readers saw change"),
        max_length=12,
        choices=ReaderChange,
        blank=True,
        default=ReaderChange.NONE,
        editable=False,
    )
    # Names of the fields an edit changed that readers see, comma-separated, in name order;
    # their labels are looked up when shown, so renaming a label relabels past edits too.
    changed_fields = models.TextField(blank=True, default="", editable=False)

    class Meta:
        abstract = True


class DeploymentHistory(HistoricalRecords):
    """django-simple-history for deployments, with the index /changes/ reads."""

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["indexes"] = [
            # /changes/: the records readers saw change, newest first. A page (and an older
            # page, from ?before=) is a range of this index, whatever the size of the history.
            models.Index(
                models.F("history_date").desc(),
                models.F("history_id").desc(),
                name="deployment_reader_changes_idx",
                condition=~models.Q(reader_change=ReaderChange.NONE),
            ),
        ]
        return options
