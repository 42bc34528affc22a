import type { EntityManager } from 'typeorm';
import { DossierEntity } from '../entities/dossier.entity';

/** Columns of a dossier row at intake (the chain head is written by the event append). */
export type NewDossier = Omit<DossierEntity, 'lastSeq' | 'lastHash' | 'createdAt' | 'updatedAt'>;

/** Dossier rows. Reads are scoped by commune (STYLE.md habit 6) except the code lookup of the public page. */
export class DossierRepository {
  constructor(private readonly m: EntityManager) {}

  /** Inserts the row with an empty chain (seq 0); the first event moves the head. */
  async insert(d: NewDossier): Promise<void> {
    await this.m
      .createQueryBuilder()
      .insert()
      .into(DossierEntity)
      .values({ ...d, lastSeq: 0, lastHash: '0'.repeat(64) })
      .execute();
  }

  async findById(communeCode: string, id: string): Promise<DossierEntity | null> {
    return this.m.findOne(DossierEntity, { where: { id, communeCode } });
  }

  /**
   * Loads the dossier and locks its row until the transaction ends: every command on one dossier
   * runs one after the other, so two units finishing a fork at once cannot both miss the join.
   */
  async lock(communeCode: string, id: string): Promise<DossierEntity | null> {
    return this.m
      .createQueryBuilder(DossierEntity, 'd')
      .setLock('pessimistic_write')
      .where('d.id = :id AND d.commune_code = :communeCode', { id, communeCode })
      .getOne();
  }

  /** Any commune: the caller checks access (the API answers 403 for another commune's dossier). */
  async findAnyById(id: string): Promise<DossierEntity | null> {
    return this.m.findOne(DossierEntity, { where: { id } });
  }

  /** Any commune: the public lookup and the desk of another commune find dossiers by code. */
  async findByCode(code: string): Promise<DossierEntity | null> {
    return this.m.findOne(DossierEntity, { where: { code } });
  }
}
