import sys
from pathlib import Path

# Lets tests import the shared test-file generators: ``from formats import ...``.
sys.path.insert(0, str(Path(__file__).parent))
