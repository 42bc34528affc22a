import { CommuneRepository } from '../tenancy';

/**
 * Gap-free counters taken inside the command's transaction: the row lock serialises two desks
 * of one office, and a rolled-back intake gives its number back. The counters belong to the
 * office's commune.
 */
export class SequenceRepository extends CommuneRepository {
  /** Next dossier number of `officeCode` on `day` (YYYY-MM-DD). */
  async nextDossierNumber(officeCode: string, day: string): Promise<number> {
    const rows = await this.sql<{ last_value: number }[]>(
      `INSERT INTO dossier_code_sequences (commune_code, office_code, day, last_value) VALUES ($1, $2, $3, 1)
       ON CONFLICT (office_code, day) DO UPDATE SET last_value = dossier_code_sequences.last_value + 1
         WHERE dossier_code_sequences.commune_code = $1
       RETURNING last_value`,
      [officeCode, day],
    );
    return counted(rows, officeCode);
  }

  /** Next entry of the office's tracking book (Sổ theo dõi hồ sơ) for `year`; one book a year. */
  async nextBookEntry(officeCode: string, year: number): Promise<number> {
    const rows = await this.sql<{ last_value: number }[]>(
      `INSERT INTO tracking_book_sequences (commune_code, office_code, year, last_value) VALUES ($1, $2, $3, 1)
       ON CONFLICT (office_code, year) DO UPDATE SET last_value = tracking_book_sequences.last_value + 1
         WHERE tracking_book_sequences.commune_code = $1
       RETURNING last_value`,
      [officeCode, year],
    );
    return counted(rows, officeCode);
  }
}

function counted(rows: { last_value: number }[], officeCode: string): number {
  if (rows.length === 0) throw new Error(`office ${officeCode} counts in another commune`);
  return rows[0].last_value;
}
