"""Language choice: ?lang=, then the visitor's earlier choice, then Accept-Language, then Dutch."""

from __future__ import annotations

from flask import Flask, current_app, request, session, url_for
from flask_babel import Babel, get_locale
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    asked = request.args.get("lang")
    if asked in languages:
        session["lang"] = asked
        return asked
    if session.get("lang") in languages:
        return session["lang"]
    return (
        request.accept_languages.best_match(languages) or current_app.config["BABEL_DEFAULT_LOCALE"]
    )


def url_for_language(language: str) -> str:
    """The current page in another language (keeps the path and other arguments)."""
    args = dict(request.view_args or {})
    args.update({key: value for key, value in request.args.items() if key != "lang"})
    args["lang"] = language
    return url_for(request.endpoint or "pages.index", **args)


def links_by_language() -> dict[str, str]:
    """:func:`url_for_language` for every language of the app, with one ``url_for``.

    The same links (the test compares them), built once with a placeholder for
    the language, which is a plain code that ``url_for`` leaves unescaped.
    """
    languages = current_app.config["LANGUAGES"]
    placeholder = "xx" + "lang" + "xx"
    link = url_for_language(placeholder)
    if link.count(placeholder) != 1:
        return {language: url_for_language(language) for language in languages}
    return {language: link.replace(placeholder, language) for language in languages}


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale)
    csrf.init_app(app)
    app.jinja_env.globals["url_for_language"] = url_for_language
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.filters["named"] = named


def named(entry) -> str:
    """A wave or department as the page's reader calls it (``{{ wave|named }}``)."""
    return entry.label(str(get_locale()))
