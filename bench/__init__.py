"""listenpost's benchmark harness: `python -m bench` (or `make bench`).

Benchmarks print figures side by side, measured in one run on one machine, because ratios
measured together survive a noisy machine where absolute times do not. They assert nothing;
tests/test_bench_smoke.py only checks that the harness runs end to end and prints every row.
"""
