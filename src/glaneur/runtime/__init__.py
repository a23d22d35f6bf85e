"""How Glaneur runs: its task queues (and, in time, the scheduler, `serve`, `worker`)."""
