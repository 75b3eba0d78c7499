"""Every PNG chart the README documents (`treasurylab data show ... --plot FILE.png`) is written through
the CLI as a real picture: a PNG signature, the figure's size in pixels, tens of kilobytes, and drawn
content (not a blank canvas). PNGs are drawn with matplotlib (a main dependency, Agg backend), so a
fresh install needs nothing else (no browser or kaleido)."""

from __future__ import annotations

import re
import shlex
import struct
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from treasurylab.cli.main import app

README = Path(__file__).resolve().parents[2] / "README.md"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def documented_png_commands() -> list[list[str]]:
    """The README's `treasurylab ... --plot NAME.png` command lines, as argument lists."""
    cmds = []
    for line in README.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("treasurylab ") and re.search(r"--plot \S+\.png\b", line):
            cmds.append(shlex.split(line, comments=True)[1:])      # a trailing "# ..." is a comment
    return cmds


def check_png(path: Path, min_bytes: int = 20_000) -> tuple[int, int]:
    """Assert ``path`` is a decodable PNG with drawn content; returns (width, height) in pixels."""
    import matplotlib.image as mpimg

    raw = path.read_bytes()
    assert raw[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert len(raw) >= min_bytes, f"{path.name} is only {len(raw)} bytes"
    assert raw[12:16] == b"IHDR"
    width, height = struct.unpack(">II", raw[16:24])
    pixels = mpimg.imread(path)
    assert pixels.shape[:2] == (height, width)
    # a chart: mostly background, but lines, text and axes in many other colours
    colours = np.unique((pixels[..., :3] * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 50, f"{path.name} looks blank ({len(colours)} colours)"
    return width, height


def test_the_readme_documents_png_plots():
    assert len(documented_png_commands()) >= 2


@pytest.mark.parametrize("argv", documented_png_commands(), ids=lambda a: " ".join(a[:3]))
def test_documented_png_plot_writes_a_png(argv, tmp_path):
    i = argv.index("--plot")
    out = tmp_path / argv[i + 1]
    argv = [*argv[: i + 1], str(out), *argv[i + 2 :]]
    res = CliRunner().invoke(app, argv)
    assert res.exit_code == 0, (res.stdout, res.stderr)
    width, height = check_png(out)
    assert (width, height) == (1100, 638)          # figsize (10, 5.8) at 110 dpi (cli/data_cmd.write_plot)


def test_demo_charts_write_a_png(tmp_path):
    from treasurylab.cli.demo_cmd import write_charts

    (png,) = [Path(p) for p in write_charts(tmp_path) if p.endswith(".png")]
    check_png(png)


def test_a_chart_writes_no_matplotlib_folder_into_the_users_config(tmp_path):
    """matplotlib creates ~/.config/matplotlib when it is first imported: `treasurylab demo` and
    `data show --plot` left that folder in a new user's home, outside --out and the cache folders
    (docs/reliability.md s2). A user who has one keeps it (their matplotlibrc is read as before)."""
    import os
    import subprocess
    import sys

    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    env["HOME"] = str(home)
    png = tmp_path / "china.png"
    done = subprocess.run([sys.executable, "-m", "treasurylab.cli.main", "data", "show", "tic.holdings",
                           "--country", "china", "--start", "2025-01", "--plot", str(png)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert png.exists()
    assert sorted(p.name for p in home.iterdir()) in ([], [".cache"]), sorted(home.rglob("*"))


def test_data_show_chart_says_which_date_is_the_last_observation_and_which_the_files(tmp_path):
    # the footer's one 'as of 2025-12' was the last month observed, while the command prints 'files as of
    # <download date>': a reader took the month for the date of the data
    from typer.testing import CliRunner

    from treasurylab import data
    from treasurylab.cli.main import app

    out = tmp_path / "h.html"
    res = CliRunner().invoke(app, ["data", "show", "tic.holdings", "--country", "china", "--start", "2024-01",
                                   "--plot", str(out)])
    assert res.exit_code == 0, res.stderr
    html = out.read_text()
    last = data.series("tic.holdings", country="china")["date"].max()
    assert f"last observation {str(last)[:7]}" in html
    assert f"files as of {data.get('tic.holdings').retrieved}" in html
    assert "; as of 2025" not in html
