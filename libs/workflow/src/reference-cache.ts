import { Injectable } from '@nestjs/common';
import { DEFAULT_CALENDAR_OVERRIDES, DEFAULT_OFFICE_PROFILE, type OfficeProfile, type ProcedureDefinition, WorkingCalendar } from '@motcua/domain';
import type { CommuneEntity, OfficeEntity, ProcedureVersionEntity, ReferenceRepository } from '@motcua/persistence';

/**
 * Reference data every command reads and that changes rarely or never: the working-day calendar
 * of each commune (rules plus the official schedules loaded by the administrator), the office
 * hours of each office, communes and offices, and procedure versions (immutable once
 * published). Loaded once and kept; {@link invalidate} after changing reference data.
 *
 * Every method reads a miss through the repository it is given, which is the caller's own
 * connection: a command that holds a transaction must never wait for a second pooled
 * connection, or a burst of commands deadlocks the pool (each holds one, all wait for another).
 */
@Injectable()
export class ReferenceCache {
  private readonly calendars = new Map<string, Promise<WorkingCalendar>>();
  private readonly profiles = new Map<string, Promise<OfficeProfile>>();
  private readonly procedures = new Map<string, Promise<ProcedureDefinition>>();
  private readonly offices = new Map<string, Promise<OfficeEntity | null>>();
  private readonly communes = new Map<string, Promise<CommuneEntity | null>>();
  private readonly inForce = new Map<string, Promise<ProcedureVersionEntity | null>>();

  forCommune(via: ReferenceRepository, communeCode: string): Promise<WorkingCalendar> {
    return this.cached(this.calendars, communeCode, () =>
      via.calendarOverrides(communeCode).then((rows) => new WorkingCalendar(rows.length > 0 ? rows : DEFAULT_CALENDAR_OVERRIDES)),
    );
  }

  /** Office hours of a receiving office; the default profile if the office has none. */
  profileOf(via: ReferenceRepository, officeCode: string): Promise<OfficeProfile> {
    return this.cached(this.profiles, officeCode, () => via.findOffice(officeCode).then((o) => o?.profile ?? DEFAULT_OFFICE_PROFILE));
  }

  office(via: ReferenceRepository, code: string): Promise<OfficeEntity | null> {
    return this.cached(this.offices, code, () => via.findOffice(code));
  }

  commune(via: ReferenceRepository, code: string): Promise<CommuneEntity | null> {
    return this.cached(this.communes, code, () => via.findCommune(code));
  }

  /** The procedure version in force on `day` (versions are immutable, so a day's answer is too). */
  procedureInForce(via: ReferenceRepository, communeCode: string, code: string, day: string): Promise<ProcedureVersionEntity | null> {
    return this.cached(this.inForce, `${communeCode}|${code}|${day}`, () => via.findProcedureInForce(communeCode, code, day));
  }

  /** A pinned procedure version; versions never change, so the cache never goes stale. */
  procedure(via: ReferenceRepository, communeCode: string, versionId: string): Promise<ProcedureDefinition> {
    return this.cached(this.procedures, versionId, async () => {
      const v = await via.findProcedureVersion(communeCode, versionId);
      if (!v) throw new Error(`procedure version ${versionId} of commune ${communeCode} not found`);
      return v.definition;
    });
  }

  invalidate(): void {
    this.calendars.clear();
    this.profiles.clear();
    this.offices.clear();
    this.communes.clear();
    this.inForce.clear();
  }

  private cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let value = map.get(key);
    if (!value) {
      value = load();
      // Only hits are kept: an unknown code (a typo, or one loaded later) is asked again next time.
      value.then((v) => v === null && map.delete(key), () => map.delete(key));
      map.set(key, value);
    }
    return value;
  }
}
