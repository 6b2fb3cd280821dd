import os

# One BLAS thread per process: after a multi-threaded matrix product OpenBLAS's idle threads
# spin and made the next USE query encoding 10x slower (18 ms -> 225 ms, measured in
# benchmarks/matching.py). Web workers run one per core anyway. Only effective when set before
# numpy is first imported, which Django's app loading does after this package.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
