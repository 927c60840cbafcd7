"""Lex Heller's comparative dashboards (Dash 4), shared by hubs and nodes.

    from dashboards.app import create_dash
    from dashboards.data import DataSource, FrameSource

    create_dash(flask_app, source, title="…", level="national", url_base_pathname="/")

Layout: data.py (the DataSource protocol), bounds.py (honest bounds for suppressed cells),
filters.py (view state in the URL), measures.py (what is measured), figures/ (pure figure
builders), pages/ (one module per page), app.py (shell, routing, callbacks), format.py and
i18n.py (Swedish first, English available), assets/ (CSS and an accessibility fix).
"""
