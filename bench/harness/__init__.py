"""The benchmark harness behind bench/run.py: processes, wrk, seeding, scenarios, report."""
