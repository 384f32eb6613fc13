#!/bin/sh
# The replica connects as the application's owner over the compose network (replication
# needs its own line in pg_hba.conf). Use a dedicated replication role in production.
echo "host replication carteira all scram-sha-256" >> "$PGDATA/pg_hba.conf"
