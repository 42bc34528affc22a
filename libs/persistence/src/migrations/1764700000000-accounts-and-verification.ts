import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Safe to deploy (issue 8):
 * - every account has a token version, moved by a trigger whenever its roles, units, password,
 *   commune or activity change, so tokens issued before stop being accepted;
 * - demo accounts are marked (a production API refuses to run beside active ones) — including
 *   those an earlier seed created without the mark;
 * - usernames are stored in their normalised form (lower case, trimmed), as sign-in looks them up;
 * - every result signature has an unguessable verification token, the only key of the public
 *   verification page (dossier codes are sequential).
 */
export class AccountsAndVerification1764700000000 implements MigrationInterface {
  name = 'AccountsAndVerification1764700000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE users
        ADD COLUMN token_version int NOT NULL DEFAULT 1,
        ADD COLUMN demo boolean NOT NULL DEFAULT false;
      -- The accounts earlier seeds created for the two demo communes, all with the published password.
      UPDATE users SET demo = true
       WHERE username ~ '^(motcua|lanhdao|tuphap|diachinh|ketoan|vanhoa|chinhsach|congan|quansu|yte|truonghoc|giamsat|quantri|dvcqg)\\.(26734|26737)$';
      UPDATE users SET username = lower(btrim(username)) WHERE username <> lower(btrim(username));
      ALTER TABLE users ADD CONSTRAINT users_username_normalised CHECK (username ~ '^[a-z0-9][a-z0-9._@-]{0,63}$');

      CREATE FUNCTION users_token_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.active IS DISTINCT FROM OLD.active OR NEW.roles IS DISTINCT FROM OLD.roles
           OR NEW.unit_kinds IS DISTINCT FROM OLD.unit_kinds OR NEW.commune_code IS DISTINCT FROM OLD.commune_code
           OR NEW.password_hash IS DISTINCT FROM OLD.password_hash OR NEW.username IS DISTINCT FROM OLD.username THEN
          NEW.token_version := OLD.token_version + 1;
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER users_token_version BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION users_token_version();

      ALTER TABLE result_signatures ADD COLUMN verification_token varchar(64);
      UPDATE result_signatures SET verification_token = replace(gen_random_uuid()::text, '-', '');
      ALTER TABLE result_signatures ALTER COLUMN verification_token SET NOT NULL;
      CREATE UNIQUE INDEX result_signatures_verification ON result_signatures (verification_token);
      CREATE INDEX result_signatures_dossier ON result_signatures (dossier_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX IF EXISTS result_signatures_dossier, result_signatures_verification;
      ALTER TABLE result_signatures DROP COLUMN verification_token;
      DROP TRIGGER IF EXISTS users_token_version ON users;
      DROP FUNCTION IF EXISTS users_token_version();
      ALTER TABLE users DROP CONSTRAINT users_username_normalised, DROP COLUMN demo, DROP COLUMN token_version;
    `);
  }
}
