import { EntityManager } from 'typeorm';

/**
 * Gap-free counters taken inside the command's transaction: the row lock serialises two desks
 * of one office, and a rolled-back intake gives its number back.
 */
export class SequenceRepository {
  constructor(private readonly m: EntityManager) {}

  /** Next dossier number of `officeCode` on `day` (YYYY-MM-DD). */
  async nextDossierNumber(communeCode: string, officeCode: string, day: string): Promise<number> {
    const rows = (await this.m.query(
      `INSERT INTO dossier_code_sequences (commune_code, office_code, day, last_value) VALUES ($1, $2, $3, 1)
       ON CONFLICT (office_code, day) DO UPDATE SET last_value = dossier_code_sequences.last_value + 1
       RETURNING last_value`,
      [communeCode, officeCode, day],
    )) as { last_value: number }[];
    return rows[0].last_value;
  }

  /** Next entry of the office's tracking book (Sổ theo dõi hồ sơ) for `year`; one book a year. */
  async nextBookEntry(communeCode: string, officeCode: string, year: number): Promise<number> {
    const rows = (await this.m.query(
      `INSERT INTO tracking_book_sequences (commune_code, office_code, year, last_value) VALUES ($1, $2, $3, 1)
       ON CONFLICT (office_code, year) DO UPDATE SET last_value = tracking_book_sequences.last_value + 1
       RETURNING last_value`,
      [communeCode, officeCode, year],
    )) as { last_value: number }[];
    return rows[0].last_value;
  }
}
