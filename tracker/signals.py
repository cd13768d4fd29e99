"""Keep each deployment's search document in step with everything it is made of.

A deployment's searchable text includes its vendors' names and aliases, its technologies, its
citations and their sources, so a change to any of those refreshes the deployments concerned.
Fixture loading (raw saves) is included: loaddata must leave a searchable database.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from . import search
from .models import Citation, Deployment, Source, Technology, Vendor, VendorAlias


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
