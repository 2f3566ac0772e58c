#!/bin/sh
# Temporal's persistence and SQL visibility schemas on PostgreSQL, made or
# brought up to date by temporal-sql-tool; safe to run again on every start.
# docker-compose.yml runs it in temporalio/admin-tools (where the tool and the
# schema files are); the cluster tier (test/cluster) runs it with the ones
# scripts/install-gotools.sh built and copied (SQL_TOOL, SCHEMA_DIR).
# Connection: SQL_HOST, SQL_PORT, SQL_USER, SQL_PASSWORD (the tool's own variables).
set -eu
SQL_TOOL=${SQL_TOOL:-temporal-sql-tool}
SCHEMA_DIR=${SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}
export SQL_PLUGIN=postgres12

for pair in temporal:temporal temporal_visibility:visibility; do
  db=${pair%%:*}
  schema=${pair#*:}
  # A database that exists already has its base schema: only the update runs.
  if "$SQL_TOOL" --db "$db" create-database; then
    "$SQL_TOOL" --db "$db" setup-schema -v 0.0
  fi
  "$SQL_TOOL" --db "$db" update-schema -d "$SCHEMA_DIR/$schema/versioned"
done
echo "setup-schema: temporal and temporal_visibility are up to date"
