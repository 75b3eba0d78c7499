"""REPORT layer: plotly figure builders (pure: data -> Figure) and self-contained HTML reports."""
