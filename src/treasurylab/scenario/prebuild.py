"""Build the compiled kernels ahead of time for this machine: ``python -m treasurylab.scenario.prebuild``.

``make`` runs it once after installing (a minute or two: numba compiles every kernel, then
``numba.pycc`` builds them into one extension module, model/prebuilt.py); later processes load that
module instead of starting numba (~0.8 s and ~115 MiB a process saved). The signatures built are those
the shipped scenarios call for: each is run for a few paths with one worker, as ``treasurylab run``
runs a block. A build that matches the model's sources is kept (nothing to do). Nothing is written but the user's cache folder of prebuilt kernels; a failure leaves
the kernels to numba's JIT (same numbers, slower start) and says why.
"""

from __future__ import annotations

import sys
import time

PATHS = 16      # paths a scenario is run for while the signatures are recorded (types do not depend on it)


def exercise() -> None:
    """Run every shipped scenario for :data:`PATHS` paths, in this process."""
    from treasurylab.scenario import runner
    from treasurylab.scenario.spec import shipped

    for name in shipped():
        runner.run(name, paths=PATHS, workers=1)


def main(argv: list[str] | None = None) -> int:
    from treasurylab.model import compiled, prebuilt

    if prebuilt.disabled():
        print("prebuilt kernels are off (TREASURYLAB_PREBUILT_DIR=off or NUMBA_DISABLE_JIT): nothing built")
        return 0
    if prebuilt.load():
        print(f"prebuilt kernels: {prebuilt.folder()} (up to date)")
        return 0
    t0 = time.perf_counter()
    try:
        where = compiled.build_prebuilt(exercise)
    except Exception as e:      # noqa: BLE001 - any failure leaves the JIT in charge, which is not an error
        print(f"prebuilt kernels not built ({type(e).__name__}: {e}); numba compiles them on first use instead",
              file=sys.stderr)
        return 0
    print(f"prebuilt kernels: {where} ({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
