"""Keep each deployment's search document in step with everything it is made of.

A deployment's searchable text includes its vendors' names and aliases, its technologies, its
citations and their sources, so a change to any of those refreshes the deployments concerned.
Fixture loading (raw saves) is included: loaddata must leave a searchable database.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver

from . import corroboration, search
from .models import Citation, Deployment, Source, Technology, Vendor, VendorAlias

# --- Corroboration: how many sources support each supplier–country pair ------------------------


@receiver(post_save, sender=Deployment)
def deployment_saved_for_pairs(sender, instance, **kwargs):
    corroboration.refresh([instance.country_id])


@receiver(m2m_changed, sender=Deployment.vendors.through)
@receiver(m2m_changed, sender=Citation.vendors.through)
def pair_links_changed(sender, instance, action, reverse, **kwargs):
    if action.startswith("post_") and not reverse:
        country_id = getattr(instance, "country_id", None)
        if country_id is None:  # a citation
            country_id = instance.deployment.country_id
        corroboration.refresh([country_id])


@receiver(post_save, sender=Citation)
@receiver(post_delete, sender=Citation)
def citation_changed_for_pairs(sender, instance, **kwargs):
    deployment = Deployment.objects.filter(pk=instance.deployment_id).only("country_id").first()
    if deployment is not None:
        corroboration.refresh([deployment.country_id])


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
