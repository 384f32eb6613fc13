"""Running Carteira on more than one machine (ADR 22, docs/deploy.md): the database roles
(a primary and an optional streaming replica), the task worker's liveness and reaping, and
the nightly jobs that run once per company however many hosts schedule them."""
