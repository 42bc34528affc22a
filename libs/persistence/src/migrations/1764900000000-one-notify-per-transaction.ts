import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One NOTIFY per transaction, not one per outbox row (issue 10): the trigger fires once per
 * insert statement, with an empty payload, and PostgreSQL folds identical notifications of one
 * transaction into one. The relay reads the outbox anyway; a notification only wakes it.
 */
export class OneNotifyPerTransaction1764900000000 implements MigrationInterface {
  name = 'OneNotifyPerTransaction1764900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('motcua_outbox', '');
        RETURN NULL;
      END $$;
      DROP TRIGGER outbox_after_insert ON outbox;
      CREATE TRIGGER outbox_after_insert AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('motcua_outbox', NEW.id::text);
        RETURN NULL;
      END $$;
      DROP TRIGGER outbox_after_insert ON outbox;
      CREATE TRIGGER outbox_after_insert AFTER INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION outbox_notify();
    `);
  }
}
