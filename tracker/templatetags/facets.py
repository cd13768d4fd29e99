"""The facet checkboxes of the deployment list (templates/includes/facet.html).

Built here rather than in a template loop: at 100,000 entries the sidebar holds about a
thousand options (500+ vendors), and the loop's ten variable lookups each were most of the
list's rendering time (docs/performance.md).
"""

from html import escape

from django import template
from django.utils.safestring import mark_safe
from django.utils.text import slugify

register = template.Library()


@register.simple_tag
def facet_options(options, name):
    """A checkbox per option: its label, the count choosing it would give, ticked if chosen;
    dimmed when it would give nothing and is not chosen. Values and labels are escaped here
    (html.escape, as Django's escape does; format_html per option cost 60 µs each)."""
    name = escape(name)
    rows = []
    for option in options:
        value, checked, count = option["value"], option["checked"], option["count"]
        dom_id = f"f-{name}-{slugify(value)}"
        rows.append(
            f'<label class="option{"" if count or checked else " dim"}" for="{dom_id}">'
            f'<input id="{dom_id}" type="checkbox" name="{name}" value="{escape(str(value))}"'
            f'{" checked" if checked else ""}> <span class="option-label">'
            f'{escape(str(option["label"]))}</span> <span class="count">{int(count)}</span></label>'
        )
    return mark_safe("\n".join(rows))  # every value from the data is escaped above
