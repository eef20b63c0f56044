"""Team notes and person codes the server cannot read (ADR 010), as the desk pages show them."""

from django import template

from outreach.rules.sealed import is_envelope, is_pseudonym

register = template.Library()


@register.filter
def sealed(value) -> bool:
    """True for an envelope the coordinator's browser opens (js/desk-notes.js)."""
    return is_envelope(value)


@register.filter
def code_mark(value: str) -> str:
    """A person code, or for a pseudonym a short stable mark of it (the same person, the same
    mark): the code itself never reaches the server."""
    return f"#{value[4:10]}" if is_pseudonym(value) else value
