"""How Glaneur runs: task queues, periodic jobs, worker leases, `demo`, `serve`, `worker`."""
