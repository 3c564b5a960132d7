"""matplotlib for the benchmark charts, from bench/.venv when it is not
installed system-wide (Debian's python3 has no matplotlib)."""
import subprocess
import sys
from pathlib import Path

VENV = Path(__file__).resolve().parent / ".venv"


def have_matplotlib(rerun):
    """True when matplotlib imports in this interpreter. Otherwise runs
    `rerun` (a script and its arguments) with the venv's Python, making the
    venv first, and returns False: the caller has nothing left to do."""
    try:
        import matplotlib  # noqa: F401
        return True
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "matplotlib"], check=True)
    subprocess.run([str(python)] + [str(a) for a in rerun], check=True)
    return False
