"""Keep what is derived from a deployment in step with everything it is made of.

- Corroboration (``pair_sources``): a save of an entry, of its vendors or of its citations
  refreshes the entries sharing a supplier–country pair with it.
- Search: a deployment's searchable text includes its vendors' names and aliases, its
  technologies, its citations and their sources, so a change to any of those refreshes the
  deployments concerned.
- What readers saw change with each saved version of an entry (``/changes/``), worked out as
  the history record is written.
- The page cache (``tracker.ops.cache``): any saved, deleted or relinked public record makes
  every cached page out of date, on every app server. Drafts are included: telling whether a
  save touches what readers see would take a query per save, and a stale page is the worse
  mistake.

Fixture loading (raw saves) is included: loaddata must leave a consistent database.
"""

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_delete
from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

from .browse import search, tallies
from .editorial import corroboration, history
from .models import (
    Citation,
    Country,
    Deployment,
    Designation,
    Finding,
    SiteDataLoad,
    Source,
    Technology,
    Vendor,
    VendorAlias,
    VendorRelation,
)
from .ops import cache

# --- What readers saw change (/changes/) --------------------------------------------------------


@receiver(pre_create_historical_record, sender=Deployment.history.model)
def deployment_version_noted_for_readers(sender, history_instance, **kwargs):
    history.note_reader_change(history_instance)


# --- Corroboration: how many sources support each supplier–country pair ------------------------


@receiver(post_save, sender=Deployment)
def deployment_saved_for_pairs(sender, instance, **kwargs):
    corroboration.refresh(deployment_ids=[instance.pk])


@receiver(pre_delete, sender=Deployment)
def deployment_about_to_go_for_pairs(sender, instance, **kwargs):
    instance._pair_partners = partners(instance, instance.vendors.values_list("pk", flat=True))


@receiver(post_delete, sender=Deployment)
def deployment_deleted_for_pairs(sender, instance, **kwargs):
    if pair_partners := getattr(instance, "_pair_partners", None):
        corroboration.refresh(deployment_ids=pair_partners)


@receiver(m2m_changed, sender=Deployment.vendors.through)
def entry_vendors_changed_for_pairs(sender, instance, action, reverse, pk_set, **kwargs):
    if reverse:
        return
    if action in ("pre_remove", "pre_clear"):
        # The entries that shared a pair through the vendor being removed no longer share one
        # with this entry afterwards, so they are found now, while the link still exists, and
        # refreshed once it is gone.
        removed = (
            pk_set if action == "pre_remove" else instance.vendors.values_list("pk", flat=True)
        )
        instance._pair_partners = partners(instance, removed or [])
    elif action.startswith("post_"):
        former, instance._pair_partners = getattr(instance, "_pair_partners", []), []
        corroboration.refresh(deployment_ids=[instance.pk, *former])


def partners(entry, vendor_ids):
    """The other entries naming these vendors in the entry's country."""
    return list(
        Deployment.vendors.through.objects.filter(
            vendor_id__in=list(vendor_ids), deployment__country_id=entry.country_id
        )
        .exclude(deployment_id=entry.pk)
        .values_list("deployment_id", flat=True)
    )


@receiver(m2m_changed, sender=Citation.vendors.through)
def citation_vendors_changed_for_pairs(sender, instance, action, reverse, **kwargs):
    if action.startswith("post_") and not reverse:
        corroboration.refresh(deployment_ids=[instance.deployment_id])


@receiver(post_save, sender=Citation)
@receiver(post_delete, sender=Citation)
def citation_changed_for_pairs(sender, instance, **kwargs):
    # Also when the citation went with its entry: the refresh then finds nothing to do.
    corroboration.refresh(deployment_ids=[instance.deployment_id])


# --- Search ------------------------------------------------------------------------------------


@receiver(post_save, sender=Deployment)
def deployment_saved(sender, instance, **kwargs):
    search.refresh([instance.pk])


@receiver(m2m_changed, sender=Deployment.vendors.through)
@receiver(m2m_changed, sender=Deployment.technologies.through)
def deployment_relations_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        search.refresh([instance.pk])
    elif pk_set:
        search.refresh(pk_set)
    else:  # A vendor or technology cleared of all its deployments: nothing left to refresh.
        return


@receiver(post_save, sender=Citation)
@receiver(post_delete, sender=Citation)
def citation_changed(sender, instance, **kwargs):
    search.refresh([instance.deployment_id])


@receiver(post_save, sender=Vendor)
@receiver(post_save, sender=Technology)
def named_thing_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh(instance.deployments.values_list("pk", flat=True))


@receiver(pre_delete, sender=Vendor)
@receiver(pre_delete, sender=Technology)
def named_thing_about_to_go(sender, instance, **kwargs):
    # Deleting a vendor removes its links to deployments without an m2m_changed signal, and
    # once it is gone nothing says which deployments named it: note them while we still can.
    instance._deployments_to_refresh = list(instance.deployments.values_list("pk", flat=True))


@receiver(post_delete, sender=Vendor)
@receiver(post_delete, sender=Technology)
def named_thing_deleted(sender, instance, **kwargs):
    search.refresh(getattr(instance, "_deployments_to_refresh", []))


@receiver(post_save, sender=VendorAlias)
@receiver(post_delete, sender=VendorAlias)
def alias_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh(instance.vendor.deployments.values_list("pk", flat=True))


@receiver(post_save, sender=Source)
def source_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        search.refresh(
            Citation.objects.filter(source=instance).values_list("deployment_id", flat=True)
        )


# --- Facet facts and tallies: what the list's facets, the map and the totals count ----------


@receiver(post_save, sender=Deployment)
@receiver(post_save, sender=Citation)
@receiver(post_delete, sender=Citation)
def entry_or_citation_saved_for_tallies(sender, instance, **kwargs):
    tallies.refresh([instance.pk if sender is Deployment else instance.deployment_id])


@receiver(pre_delete, sender=Deployment)
def deployment_about_to_go_for_tallies(sender, instance, **kwargs):
    # Its facts and their pairs go now: Django deletes the facts before the entry without a
    # signal, and the pairs, kept by difference, would keep counting it.
    instance._tallied = list(tallies.withdraw([instance.pk]))


@receiver(post_delete, sender=Deployment)
def deployment_deleted_for_tallies(sender, instance, **kwargs):
    # Its citations went first, and their signals wrote its facts again (it still existed).
    tallies.forget([instance.pk], getattr(instance, "_tallied", []))


@receiver(m2m_changed, sender=Deployment.vendors.through)
@receiver(m2m_changed, sender=Deployment.technologies.through)
@receiver(m2m_changed, sender=Deployment.origin_countries.through)
def entry_links_changed_for_tallies(sender, instance, action, reverse, pk_set, **kwargs):
    if action == "pre_clear" and reverse:
        # A vendor (technology, country) cleared of its entries: which ones is known only now.
        links = sender.objects.filter(**{f"{sender_column(sender)}": instance.pk})
        instance._tally_entries = list(links.values_list("deployment_id", flat=True))
    elif action.startswith("post_"):
        entries = (pk_set or getattr(instance, "_tally_entries", [])) if reverse else [instance.pk]
        tallies.refresh(entries)


def sender_column(through):
    """The column of a link table naming the vendor, technology or country."""
    return next(f.attname for f in through._meta.concrete_fields
                if f.is_relation and f.related_model is not Deployment)  # fmt: skip


@receiver(post_delete, sender=Vendor)
@receiver(post_delete, sender=Technology)
def named_thing_deleted_for_tallies(sender, instance, **kwargs):
    tallies.refresh(getattr(instance, "_deployments_to_refresh", []))


@receiver(post_save, sender=Source)
def source_saved_for_tallies(sender, instance, raw=False, **kwargs):
    # Becoming a dataset (or ceasing to be one) moves its entries in the dataset facet.
    if not raw:
        tallies.refresh(
            Citation.objects.filter(source=instance).values_list("deployment_id", flat=True)
        )


# --- The page cache ----------------------------------------------------------------------------


def public_models():
    """What readers see is made of these. Not readers' corrections, history rows (each shadows
    a save below) or counts derived from these (they change when these do). A data load's date
    is shown too: on home ("added since the last import") and on /methods/."""
    return [
        Citation,
        Country,
        Deployment,
        Designation,
        Finding,
        SiteDataLoad,
        Source,
        Technology,
        Vendor,
        VendorAlias,
        VendorRelation,
    ]


def public_data_changed(sender, **kwargs):
    cache.bump()


def relations_changed(sender, action, **kwargs):
    if action.startswith("post_") and sender._meta.app_label == "tracker":
        cache.bump()


# Per model, not for every sender: a post_delete receiver for all models would stop Django
# deleting the link rows of a deleted entry in one query. Links are covered by m2m_changed.
for _model in public_models():
    post_save.connect(public_data_changed, sender=_model, dispatch_uid=f"cache-save-{_model}")
    post_delete.connect(public_data_changed, sender=_model, dispatch_uid=f"cache-del-{_model}")
m2m_changed.connect(relations_changed, dispatch_uid="cache-m2m")


@receiver(post_migrate)
def schema_changed(sender, **kwargs):
    # A deploy runs migrate: pages rendered by the previous code are not kept.
    if sender.label == "tracker":
        cache.bump()
