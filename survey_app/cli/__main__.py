"""``python -m survey_app.cli``: the same as the ``klimaatpeil`` console script."""

from survey_app.cli import cli

cli()
