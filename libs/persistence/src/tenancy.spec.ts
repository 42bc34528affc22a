import fc from 'fast-check';
import { assertCommuneScoped, UnscopedQueryError } from './tenancy';

describe("a commune's repository refuses SQL that could reach another commune", () => {
  it('accepts statements filtering on the commune bound as $1, and inserts of it', () => {
    for (const sql of [
      'SELECT * FROM dossiers WHERE id = $2 AND commune_code = $1',
      'SELECT w.id FROM work_items w JOIN dossiers d ON d.id = w.dossier_id WHERE w.commune_code = $1',
      'UPDATE work_items SET due_at = $3 WHERE commune_code = $1 AND id = $2',
      'SELECT d.* FROM dossiers d WHERE d.receiving_commune_code = $1',
      'INSERT INTO outbox (commune_code, queue) VALUES ($1, $2), ($1, $3)',
    ]) {
      expect(() => assertCommuneScoped(sql)).not.toThrow();
    }
  });

  it('refuses a statement without the filter, or filtering on another parameter', () => {
    for (const sql of [
      'SELECT * FROM dossiers WHERE id = $1',
      'SELECT * FROM dossiers WHERE commune_code = $12',
      'UPDATE work_items SET status = $2 WHERE id = $1',
      'INSERT INTO outbox (queue, commune_code) VALUES ($2, $1)',
      'DELETE FROM notifications',
    ]) {
      expect(() => assertCommuneScoped(sql)).toThrow(UnscopedQueryError);
    }
  });

  it('refuses any select on an id alone, whatever the table and column', () => {
    const ident = fc.stringMatching(/^[a-z][a-z_]{0,20}$/).filter((s) => !s.includes('commune_code'));
    fc.assert(fc.property(ident, ident, (table, column) => {
      expect(() => assertCommuneScoped(`SELECT * FROM ${table} WHERE ${column} = $1`)).toThrow(UnscopedQueryError);
    }));
  });
});
