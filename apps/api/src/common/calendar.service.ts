import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DEFAULT_CALENDAR_OVERRIDES, WorkingCalendar } from '@motcua/domain';
import { ReferenceRepository } from '@motcua/persistence';

/**
 * The working-day calendar of each commune: the rules plus the official schedules loaded by the
 * administrator (calendar_overrides). Built once per commune and kept; {@link invalidate} after a
 * new schedule is loaded.
 */
@Injectable()
export class CalendarService {
  private readonly cache = new Map<string, Promise<WorkingCalendar>>();

  constructor(private readonly ds: DataSource) {}

  forCommune(communeCode: string): Promise<WorkingCalendar> {
    let calendar = this.cache.get(communeCode);
    if (!calendar) {
      calendar = new ReferenceRepository(this.ds.manager)
        .calendarOverrides(communeCode)
        .then((rows) => new WorkingCalendar(rows.length > 0 ? rows : DEFAULT_CALENDAR_OVERRIDES));
      calendar.catch(() => this.cache.delete(communeCode));
      this.cache.set(communeCode, calendar);
    }
    return calendar;
  }

  invalidate(communeCode?: string): void {
    if (communeCode) this.cache.delete(communeCode);
    else this.cache.clear();
  }
}
