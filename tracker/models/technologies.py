"""The controlled vocabulary of surveillance technologies."""

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class TechnologyManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Technology(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)

    objects = TechnologyManager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "technologies"

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("technology-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)
