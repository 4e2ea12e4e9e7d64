"""Markdown to safe HTML, done once when a text is written.

markdown-it-py renders with raw HTML off; nh3 then keeps only an allow-list of tags and
attributes, so nothing a member types can run script, carry htmx attributes or load from
another host. Images are never embedded (a remote image is a tracking pixel): they become links.
"""

import importlib
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s",
    "code", "pre", "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}

_cleaner = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    url_schemes={"http", "https", "mailto"},
    link_rel="nofollow ugc noopener noreferrer",
    strip_comments=True,
)


def _image_as_link(renderer: RendererHTML, tokens, idx, options, env) -> str:
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = renderer.renderInlineAsText(token.children or [], options, env) or src
    return f'<a href="{escapeHtml(src)}">{escapeHtml(alt)}</a>'


# A table row shorter than its header is filled out with empty cells. markdown-it caps that
# filling at 65,536 cells per table, which a 20,000-character text reaches with 30 columns and
# empty rows: 200,000 tokens and over a second of CPU for one preview, while every other
# request in the worker waits for the interpreter. No table a member writes needs more than a
# few hundred filled cells; past the cap the rest of the text is read as plain paragraphs.
# (The module is looked up by name: the package exports a function of the same name.)
MAX_FILLED_TABLE_CELLS = 1_000
_table_rule = importlib.import_module("markdown_it.rules_block.table")
_table_rule.MAX_AUTOCOMPLETED_CELLS = MAX_FILLED_TABLE_CELLS

_md = MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])
_md.add_render_rule("image", _image_as_link)


# The last few texts rendered, so that a post can be rendered before its request takes the
# database's write lock and stored, inside it, without rendering again (forum/posting/views.py).
# At most 20,000 characters each, a few hundred kilobytes of HTML at worst.
RECENT_RENDERS = 16


@lru_cache(maxsize=RECENT_RENDERS)
def render_markdown(text: str, heading_offset: int = 0) -> str:
    """Sanitised HTML for a Markdown text.

    `heading_offset` moves headings down the outline: in a post, "# Title" must not compete
    with the page's own h1 and h2, so members' posts are rendered with an offset of 2.
    """
    env: dict = {}
    tokens = _md.parse(text, env)
    if heading_offset:
        for token in tokens:
            if token.type in ("heading_open", "heading_close"):
                token.tag = f"h{min(6, int(token.tag[1]) + heading_offset)}"
    return _cleaner.clean(_md.renderer.render(tokens, _md.options, env))
