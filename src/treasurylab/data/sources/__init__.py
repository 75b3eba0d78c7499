"""One module per publisher/source; each defines ``DATASETS: list[Dataset]`` (see data.catalog)."""
