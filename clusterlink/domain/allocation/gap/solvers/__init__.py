"""Back-ends: the only modules of the GAP engine that import OR-Tools or HiGHS (via SciPy)."""
