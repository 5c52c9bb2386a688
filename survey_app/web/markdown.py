"""Markdown for workshop notes, rendered safely: no raw HTML, no javascript: links."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markupsafe import Markup

_renderer = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def render_markdown(text: str | None) -> Markup:
    """HTML for ``text``; raw HTML in the input is shown as text, never run.

    >>> str(render_markdown("**ja** <script>x</script>"))
    '<p><strong>ja</strong> &lt;script&gt;x&lt;/script&gt;</p>\\n'
    """
    return Markup(_renderer.render(text or ""))
