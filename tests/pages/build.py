"""Lay the labelled articles of `articles.py` out as news pages: `<lang>.html` and
`labels.json` (the true fields). Run from the repository root:

    .venv/bin/python tests/pages/build.py

Four layouts, after the markup of real news sites: a wire-copy page like Al Jazeera's
(JSON-LD, figure, related list, closing credit), a WordPress theme (microdata, `tag-...`
classes on the article, a comment list, a sidebar), an OpenGraph-only page with
`<time>`, and a React-style page of anonymous `css-...` classes with JSON-LD `@graph`.
"""

from __future__ import annotations

import json
import sys
from html import escape
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from articles import ARTICLES  # noqa: E402

BASE = "https://news.example.org"
# In-text furniture, in each page's language: "read also" boxes and advertisement slots.
READ_ALSO = {"ar": "اقرأ أيضا", "fa": "بیشتر بخوانید", "he": "עוד באתר", "tr": "Bunlar da ilginizi çekebilir",
             "ru": "Читайте также", "zh": "相关阅读", "fr": "À lire aussi", "es": "Lee también", "en": "Read more", "ur": "یہ بھی پڑھیں", "ja": "関連記事"}
ADVERT = {"ar": "إعلان", "fa": "تبلیغات", "he": "פרסומת", "tr": "Reklam", "ru": "Реклама", "zh": "广告",
          "fr": "Publicité", "es": "Publicidad", "en": "Advertisement", "ur": "اشتہار", "ja": "広告"}


def _e(text: str) -> str:
    return escape(text, quote=True)


def _slug(a: dict) -> str:
    return f"{BASE}/{a['lang']}/{a['published'][:10].replace('-', '/')}/story-{a['lang']}"


def _image_url(a: dict) -> str:
    return f"{BASE}/images/{a['lang']}-lead.jpg"


def _credit_line(a: dict) -> str:
    return f"<p>{_e(a['credit_line'])}</p>" if a["credit_style"] == "closing" else ""


def _jsonld(a: dict, graph: bool = False) -> str:
    article = {
        "@context": "https://schema.org", "@type": "NewsArticle",
        "headline": a["title"], "datePublished": a["published"],
        "mainEntityOfPage": {"@type": "WebPage", "@id": _slug(a)},
        "image": {"@type": "ImageObject", "url": _image_url(a), "width": 1200, "height": 675},
        "publisher": {"@type": "Organization", "name": a["site"]},
        "articleSection": a["section"], "keywords": ", ".join(a["tags"]),
        "inLanguage": a["lang"], "isAccessibleForFree": True,
    }
    if a.get("modified"):
        article["dateModified"] = a["modified"]
    if a.get("author"):
        article["author"] = [{"@type": "Person", "name": a["author"]}]
    if a["credit_style"] == "jsonld":
        article["creditText"] = a["credit"]
    data = {"@context": "https://schema.org", "@graph": [
        {"@type": "WebSite", "name": a["site"], "url": BASE}, article]} if graph else article
    return f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False, indent=1)}</script>'


def _nav(a: dict, cls: str = "main-nav") -> str:
    items = "".join(f'<li><a href="{BASE}/{i}">{_e(n)}</a></li>' for i, n in enumerate(a["nav"]))
    return f'<nav class="{cls}"><ul>{items}</ul></nav>'


def _related(a: dict, cls: str = "related-articles") -> str:
    items = "".join(
        f'<li class="teaser"><a href="{BASE}/r{i}"><h3>{_e(t)}</h3></a><p>{_e(s)}</p></li>'
        for i, (t, s) in enumerate(a["related"]))
    return f'<section class="{cls}"><h2>…</h2><ul>{items}</ul></section>'


def _comments(a: dict) -> str:
    items = "".join(
        f'<li class="comment" id="comment-{i}"><div class="comment-author">user{i}</div>'
        f'<div class="comment-body"><p>{_e(c)}</p></div><a class="reply" href="#">↩</a></li>'
        for i, c in enumerate(a["comments"]))
    return f'<div id="comments" class="comments-area"><ol class="commentlist">{items}</ol></div>'


def _figure(a: dict) -> str:
    return (f'<figure class="article-featured-image"><img src="{_image_url(a)}" alt="{_e(a["image_description"])}">'
            f'<figcaption>{_e(a["image_caption"])}</figcaption></figure>')


def _paras(a: dict, tag: str = "p", attrs: str = "") -> str:
    return "".join(f"<{tag}{attrs}>{_e(p)}</{tag}>" for p in a["paragraphs"])


def _head(a: dict, extra: str) -> str:
    return (f'<head><meta charset="utf-8"><title>{_e(a["title"])} | {_e(a["site"])}</title>'
            f'<link rel="canonical" href="{_slug(a)}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">{extra}'
            f'<script>window.dataLayer=[{{"page":"article"}}];</script>'
            f'<style>.hidden{{display:none}}</style></head>')


def aljazeera(a: dict) -> str:
    # Body paragraphs with an in-text picture in the middle, like the site's wysiwyg block.
    paras = a["paragraphs"]
    mid = len(paras) // 2
    body = f"<p>{_e(paras[0])}</p>"
    body += (f'<div class="more-on"><h3>{_e(READ_ALSO[a["lang"]])}</h3><ul>'
             + "".join(f'<li><a href="{BASE}/m{i}">{_e(t)}</a></li>' for i, (t, _) in enumerate(a["related"])) + "</ul></div>")
    body += "".join(f"<p>{_e(p)}</p>" for p in paras[1:mid])
    body += (f'<div class="article-inline-image"><img src="{BASE}/images/{a["lang"]}-2.jpg" alt="">'
             f'<p class="caption">{_e(a["image_caption"])}</p></div>')
    body += "".join(f"<p>{_e(p)}</p>" for p in paras[mid:]) + _credit_line(a)
    return (f'<!DOCTYPE html><html lang="{a["lang"]}" dir="{a["dir"]}">'
            + _head(a, f'<meta property="og:title" content="{_e(a["title"])}">'
                       f'<meta property="og:image" content="{_image_url(a)}">'
                       f'<meta property="og:site_name" content="{_e(a["site"])}">' + _jsonld(a))
            + f'<body><header class="site-header"><a class="logo" href="/">{_e(a["site"])}</a>{_nav(a)}</header>'
            f'<div class="breadcrumbs"><a href="/">{_e(a["nav"][0])}</a> / <a href="/s">{_e(a["section"])}</a></div>'
            f'<main id="main-content"><article><header class="article-header"><h1>{_e(a["title"])}</h1>'
            f'<div class="article-dates"><span class="date-simple">{a["published"][:10]}</span></div></header>'
            f'{_figure(a)}<div class="wysiwyg wysiwyg--all-content">{body}</div>'
            f'<div class="article-tags">{"".join(f"<a href=/t>{_e(t)}</a>" for t in a["tags"])}</div>'
            f'<div class="share-bar"><a href="#">Facebook</a><a href="#">X</a><a href="#">WhatsApp</a></div>'
            f'</article>{_related(a, "more-on")}</main>'
            f'<footer class="site-footer"><p>© 2025 {_e(a["site"])}</p>{_nav(a, "footer-nav")}</footer></body></html>')


def wordpress(a: dict) -> str:
    author = f'<span class="byline">By <a rel="author" href="/author">{_e(a["author"])}</a></span>' if a.get("author") else ""
    return (f'<!DOCTYPE html><html lang="{a["lang"]}" dir="{a["dir"]}">'
            + _head(a, f'<meta property="og:type" content="article"><meta property="og:title" content="{_e(a["title"])} - {_e(a["site"])}">'
                       f'<meta property="og:image" content="{_image_url(a)}"><meta property="og:image:alt" content="{_e(a["image_description"])}">'
                       f'<meta property="article:published_time" content="{a["published"]}">'
                       + (f'<meta property="article:modified_time" content="{a["modified"]}">' if a.get("modified") else "")
                       + f'<meta property="article:section" content="{_e(a["section"])}">'
                       + "".join(f'<meta property="article:tag" content="{_e(t)}">' for t in a["tags"])
                       + f'<meta name="author" content="{_e(a["author"] or "")}">')
            + f'<body class="post-template-default single single-post postid-881 single-format-standard">'
            f'<div id="page" class="site"><a class="skip-link screen-reader-text" href="#content">Skip</a>'
            f'<header id="masthead" class="site-header">{_nav(a, "main-navigation")}</header>'
            f'<div id="content" class="site-content"><div id="primary" class="content-area"><main id="main" class="site-main">'
            f'<article id="post-881" class="post-881 post type-post status-publish has-post-thumbnail hentry category-news '
            f'{" ".join("tag-" + str(i) for i in range(len(a["tags"])))}">'
            f'<header class="entry-header"><h1 class="entry-title">{_e(a["title"])}</h1>'
            f'<div class="entry-meta"><time class="entry-date published" datetime="{a["published"]}">{a["published"][:10]}</time>{author}</div></header>'
            f'<div class="post-thumbnail">{_figure(a)}</div>'
            f'<div class="entry-content"><p>{_e(a["paragraphs"][0])}</p>'
            f'<p><strong>{_e(READ_ALSO[a["lang"]])}:</strong> <a href="{BASE}/w1">{_e(a["related"][0][0])}</a></p>'
            f'{"".join(f"<p>{_e(p)}</p>" for p in a["paragraphs"][1:])}{_credit_line(a)}'
            f'<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a href="#">Twitter</a></li><li><a href="#">Facebook</a></li></ul></div>'
            f'</div><footer class="entry-footer"><span class="tags-links">{"".join(f"<a href=/t rel=tag>{_e(t)}</a>" for t in a["tags"])}</span></footer>'
            f'</article>{_comments(a)}</main></div>'
            f'<aside id="secondary" class="widget-area"><section class="widget widget_recent_entries"><h2 class="widget-title">Recent</h2>'
            f'<ul>{"".join(f"<li><a href=/x>{_e(t)}</a></li>" for t, _ in a["related"])}</ul></section></aside></div>'
            f'<footer id="colophon" class="site-footer"><div class="site-info">{_e(a["site"])}</div></footer></div></body></html>')


def og(a: dict) -> str:
    # No JSON-LD: OpenGraph and <time> only.
    return (f'<!DOCTYPE html><html dir="{a["dir"]}">'
            + _head(a, f'<meta property="og:title" content="{_e(a["title"])}"><meta property="og:locale" content="{a.get("locale") or a["lang"] + "_" + a["lang"].upper()}">'
                       f'<meta property="og:image" content="{_image_url(a)}"><meta property="og:url" content="{_slug(a)}">'
                       f'<meta property="og:site_name" content="{_e(a["site"])}"><meta name="keywords" content="{_e(", ".join(a["tags"]))}">')
            + f'<body><div class="top-bar"><div class="container">{_nav(a, "menu")}<div class="search"><form><input name="q"></form></div></div></div>'
            f'<div class="container"><div class="row"><div class="col-md-8">'
            f'<article class="news-detail"><h1 class="news-title">{_e(a["title"])}</h1>'
            f'<div class="news-info"><span class="author">{_e(a["author"] or "")}</span> '
            f'<time datetime="{a["published"]}" itemprop="datePublished">{a["published"][:16].replace("T", " ")}</time></div>'
            f'{_figure(a)}<div class="news-text"><p>{_e(a["paragraphs"][0])}</p>'
            f'<div class="ad-slot"><span class="ad-label">{_e(ADVERT[a["lang"]])}</span><div id="div-gpt-ad-1"></div></div>'
            f'<div class="inline-related"><strong>{_e(READ_ALSO[a["lang"]])}</strong> <a href="{BASE}/o1">{_e(a["related"][1][0])}</a></div>'
            f'{"".join(f"<p>{_e(p)}</p>" for p in a["paragraphs"][1:])}{_credit_line(a)}</div>'
            f'<div class="newsletter-box"><p>Subscribe to our newsletter to get the most important stories of the day in your inbox every morning.</p></div>'
            f'</article>{_comments(a)}</div>'
            f'<div class="col-md-4 sidebar">{_related(a, "most-read")}</div></div></div>'
            f'<footer><div class="container"><p>{_e(a["site"])} — all rights reserved. Reproduction without permission is prohibited.</p></div></footer></body></html>')


def react(a: dict) -> str:
    blocks = [f'<div data-component="text-block" class="css-83cqas"><p class="css-1q2w3e">{_e(p)}</p></div>' for p in a["paragraphs"]]
    blocks.insert(1, f'<div data-component="ad-slot" class="css-9ad"><span>{_e(ADVERT[a["lang"]])}</span></div>'
                     f'<div data-component="related-links" class="css-7rl"><h2 class="css-h2">{_e(READ_ALSO[a["lang"]])}</h2><ul>'
                     + "".join(f'<li><a href="{BASE}/q{i}">{_e(t)}</a></li>' for i, (t, _) in enumerate(a["related"])) + "</ul></div>")
    paras = "".join(blocks)
    return (f'<!DOCTYPE html><html lang="{a["lang"]}" dir="{a["dir"]}">'
            + _head(a, f'<meta property="og:title" content="{_e(a["title"])}"><meta property="og:image" content="{_image_url(a)}">' + _jsonld(a, graph=True))
            + f'<body><div id="__next"><div class="css-0"><header class="css-h1x">{_nav(a, "css-nav")}</header>'
            f'<div class="css-a1"><div class="css-a2"><h1 class="css-t1">{_e(a["title"])}</h1>'
            f'<div class="css-m1"><span>{_e(a["author"] or "")}</span><span>{a["published"][:10]}</span></div>'
            f'<div data-component="image-block">{_figure(a)}</div>{paras}{_credit_line(a)}'
            f'<div data-component="links-block" class="css-rel"><ul>{"".join(f"<li><a href=/y>{_e(t)}</a></li>" for t, _ in a["related"])}</ul></div>'
            f'</div><div class="css-grid">{"".join(f"<div class=css-card><a href=/z><span>{_e(t)}</span></a><p>{_e(s)}</p></div>" for t, s in a["related"])}</div>'
            f'</div><footer class="css-f">{_nav(a, "css-fnav")}</footer></div></div></body></html>')


LAYOUTS = {"aljazeera": aljazeera, "wordpress": wordpress, "og": og, "react": react}


def label(a: dict) -> dict:
    return {
        "file": f"{a['lang']}.html", "url": _slug(a), "language": a["lang"], "layout": a["layout"],
        "title": a["title"], "body": "\n\n".join(a["paragraphs"]), "published": a["published"],
        "modified": a.get("modified"), "authors": [a["author"]] if a.get("author") else [],
        "attribution": a["credit"], "image_url": _image_url(a),
        "image_description": a["image_description"], "image_caption": a["image_caption"],
        "section": a["section"], "tags": a["tags"],
    }


def main() -> None:
    labels = []
    for a in ARTICLES:
        (HERE / f"{a['lang']}.html").write_text(LAYOUTS[a["layout"]](a), encoding="utf-8")
        labels.append(label(a))
    (HERE / "labels.json").write_text(json.dumps(labels, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
