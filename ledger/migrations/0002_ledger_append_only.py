"""The erasure ledger is append-only at the database (PostgreSQL): UPDATE is refused always,
DELETE unless the transaction is the retention purge (``ledger.services.ledger_purge_expired``
sets ``ledger.purge`` for its own transaction only). Runs on the ledger database alone."""

from django.db import migrations

TABLES = ("ledger_ledgerentry", "ledger_ledgeridentifier")
CREATE = """
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('ledger.purge', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION '%% is append-only (%% refused; only the retention purge deletes)', TG_TABLE_NAME, TG_OP;
END;
$$ LANGUAGE plpgsql;
""" + "".join(f"""
DROP TRIGGER IF EXISTS ledger_append_only ON {t};
CREATE TRIGGER ledger_append_only BEFORE UPDATE OR DELETE ON {t}
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
""" for t in TABLES)
DROP = "".join(f"DROP TRIGGER IF EXISTS ledger_append_only ON {t};\n" for t in TABLES) + \
    "DROP FUNCTION IF EXISTS ledger_append_only();\n"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]
    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP),
                                       hints={"ledger_tables": True})]
