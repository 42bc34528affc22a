import type { EntityManager } from 'typeorm';
import { UserEntity } from '../entities/commune.entity';

/** Users: officers, leaders, supervisors, administrators and service accounts. */
export class UserRepository {
  constructor(private readonly m: EntityManager) {}

  findActiveByUsername(username: string): Promise<UserEntity | null> {
    return this.m.findOne(UserEntity, { where: { username, active: true } });
  }

  findActiveInCommune(communeCode: string, username: string): Promise<UserEntity | null> {
    return this.m.findOne(UserEntity, { where: { username, communeCode, active: true } });
  }
}
