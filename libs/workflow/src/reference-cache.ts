import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_CALENDAR_OVERRIDES, DEFAULT_OFFICE_PROFILE, type OfficeProfile, type ProcedureDefinition, WorkingCalendar } from '@motcua/domain';
import { ReferenceRepository } from '@motcua/persistence';

/**
 * Reference data every command reads and that changes rarely or never: the working-day calendar
 * of each commune (rules plus the official schedules loaded by the administrator), the office
 * hours of each office, and procedure versions (immutable once published). Loaded once and kept;
 * {@link invalidate} after loading a new schedule.
 */
@Injectable()
export class ReferenceCache {
  private readonly calendars = new Map<string, Promise<WorkingCalendar>>();
  private readonly profiles = new Map<string, Promise<OfficeProfile>>();
  private readonly procedures = new Map<string, Promise<ProcedureDefinition>>();

  constructor(private readonly ds: DataSource) {}

  forCommune(communeCode: string): Promise<WorkingCalendar> {
    return this.cached(this.calendars, communeCode, () =>
      this.reference()
        .calendarOverrides(communeCode)
        .then((rows) => new WorkingCalendar(rows.length > 0 ? rows : DEFAULT_CALENDAR_OVERRIDES)),
    );
  }

  /** Office hours of a receiving office; the default profile if the office has none. */
  profileOf(officeCode: string): Promise<OfficeProfile> {
    return this.cached(this.profiles, officeCode, () =>
      this.reference()
        .findOffice(officeCode)
        .then((o) => o?.profile ?? DEFAULT_OFFICE_PROFILE),
    );
  }

  /** A pinned procedure version; versions never change, so the cache never goes stale. */
  procedure(communeCode: string, versionId: string): Promise<ProcedureDefinition> {
    return this.cached(this.procedures, versionId, async () => {
      const v = await this.reference().findProcedureVersion(communeCode, versionId);
      if (!v) throw new Error(`procedure version ${versionId} of commune ${communeCode} not found`);
      return v.definition;
    });
  }

  invalidate(): void {
    this.calendars.clear();
    this.profiles.clear();
  }

  private reference(): ReferenceRepository {
    return new ReferenceRepository(this.ds.manager);
  }

  private cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let value = map.get(key);
    if (!value) {
      value = load();
      value.catch(() => map.delete(key));
      map.set(key, value);
    }
    return value;
  }
}
