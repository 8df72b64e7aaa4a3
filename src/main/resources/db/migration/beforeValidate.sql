-- Runs before Flyway validates the schema history, at every start (a Flyway SQL callback).
--
-- Databases created before the baseline script B12__schema.sql went through the scripts V1 to V12,
-- which this version no longer has. One that reached V12 has the baseline's schema: its history of
-- those twelve scripts is replaced by the row that `flyway baseline` writes at version 12, so that
-- Flyway validates it as strictly as any other (no missing scripts to ignore) and applies V13 and
-- later to it as usual. One that stopped short of V12 cannot be taken further by this version.
DO $$
DECLARE
    reached integer;
BEGIN
    -- Two statements: PL/pgSQL plans the second only when the table exists.
    IF to_regclass('flyway_schema_history') IS NULL THEN
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM flyway_schema_history WHERE type = 'SQL' AND version = '1') THEN
        RETURN;
    END IF;
    SELECT max(version::integer) INTO reached
      FROM flyway_schema_history
     WHERE type = 'SQL' AND success AND version ~ '^[0-9]+$' AND version::integer <= 12;
    IF reached < 12 THEN
        RAISE EXCEPTION 'This database is at schema version %, and this version of Paybridge starts from version 12', reached
            USING HINT = 'Start a Paybridge release from before the schema baseline (commit 4e697d5 or earlier) '
                         'on it once, to take it to version 12, then this one.';
    END IF;
    DELETE FROM flyway_schema_history
     WHERE type = 'SQL' AND version ~ '^[0-9]+$' AND version::integer <= 12;
    INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by,
                                       execution_time, success)
    VALUES (1, '12', '<< Flyway Baseline >>', 'BASELINE', '<< Flyway Baseline >>', NULL, current_user, 0, true);
    RAISE NOTICE 'Schema history of V1 to V12 recorded as a baseline at version 12 (B12__schema.sql)';
END
$$;
