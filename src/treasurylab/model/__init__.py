"""MODEL layer: pure numpy float64 kernels over arrays shaped (paths, ...); no I/O, no pandas in loops."""
