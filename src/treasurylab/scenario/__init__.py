"""SCENARIO layer: the scenario spec, the runner that couples the kernels, ensembles, sweeps, and calibration targets."""
