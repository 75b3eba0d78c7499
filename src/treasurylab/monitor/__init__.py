"""The monitor: the commentary's indicators read from the store (``indicators``), alert rules over them
(``rules``, ``treasurylab watch``) and the weekly foreign-demand reading (``demand``).

Sits above the data layer only: it reads datasets and parameters, never runs the model.
"""
