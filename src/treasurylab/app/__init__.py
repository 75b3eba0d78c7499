"""The dashboard (``treasurylab dashboard``): a Dash app over the store, the monitor and the scenario engine.

Modules: ``cards`` (a chart card with its source line and as-of date, or the reason it is empty),
``pages`` (the data pages, built from the store and cached per process), ``scenarios`` (the Scenarios
page: shipped or uploaded scenario, validated as the CLI does), ``jobs`` (the bounded background run
queue), ``server`` (the app, its routes and the loopback server).
"""
