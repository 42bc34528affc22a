import { Client } from 'pg';
import { PG_ADMIN_URL } from './env';

export default async function globalTeardown(): Promise<void> {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "motcua_tpl_${process.env.MOTCUA_TEST_RUN}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
