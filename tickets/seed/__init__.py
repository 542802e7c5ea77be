"""Realistic tickets for demos and benchmarks: the `seed_tickets` command's parts.

`vocabulary` and `proportions` say what seeded tickets look like; `users`, `tickets` and
`history` make the accounts and the rows; `loading` and `indexes` write them on PostgreSQL;
`seeder` runs it all. The data depend only on `--seed`, `--end` and `--batch` (and the ids
already in use), not on `--jobs`: two runs with the same options write the same tickets.
"""
