import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsArray, IsDefined, IsObject, IsOptional, isISO8601, ValidateBy, ValidateNested } from 'class-validator';

/**
 * Rules several DTOs share, each with its Vietnamese message: nested objects that must be objects
 * (not arrays, not text, not `[[]]`), and instants the working calendar can reckon with.
 */

/** A DTO class, as class-transformer's `@Type` takes it. */
type DtoClass = new (...args: never[]) => object;

/**
 * A nested DTO. `@ValidateNested` alone lets an array through (it validates the array's items)
 * and, without `@IsDefined`, a missing object too: both reached the commands and failed there.
 */
export function NestedObject(type: () => DtoClass, label: string, { optional = false } = {}): PropertyDecorator {
  return applyDecorators(
    optional ? IsOptional() : IsDefined({ message: `Thiếu ${label}.` }),
    IsObject({ message: `${label} phải là một đối tượng JSON.` }),
    ValidateNested({ message: `${label} phải là một đối tượng JSON.` }),
    Type(type),
  );
}

/** A list of nested DTOs, each an object: `[[]]`, `[null]` and `["x"]` are refused by index. */
export function NestedArray(type: () => DtoClass, label: string, { optional = false } = {}): PropertyDecorator {
  return applyDecorators(
    optional ? IsOptional() : IsDefined({ message: `Thiếu ${label}.` }),
    IsArray({ message: `${label} phải là mảng.` }),
    IsObject({ each: true, message: `Mỗi phần tử của ${label} phải là một đối tượng JSON.` }),
    ValidateNested({ each: true, message: `Mỗi phần tử của ${label} phải là một đối tượng JSON.` }),
    Type(type),
  );
}

/**
 * The years an instant sent to the API may fall in (Vietnam time). Well inside the working
 * calendar's 1900–2199, so that the arithmetic done from any accepted date (reminders a working
 * day before, deadlines some working days after) never leaves the calendar: a year-9999 date
 * used to pass validation and fail there, naming the calendar's `year` instead of the field.
 */
export const INSTANT_YEARS = { earliest: 2000, latest: 2099 } as const;

const VN_OFFSET_MS = 7 * 3_600_000;

/** An ISO 8601 instant (`2026-03-02T09:00:00+07:00`, or a date) that `Date` reads as written, within {@link INSTANT_YEARS}. */
export function isInstant(value: unknown): boolean {
  if (typeof value !== 'string' || !isISO8601(value, { strict: true })) return false;
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) return false;
  const year = new Date(ms + VN_OFFSET_MS).getUTCFullYear();
  return year >= INSTANT_YEARS.earliest && year <= INSTANT_YEARS.latest;
}

/** The field is an instant (see {@link isInstant}); `label` names it in the message. */
export function IsInstant(label: string): PropertyDecorator {
  const message = `${label} phải là thời điểm ISO 8601 (ví dụ 2026-03-02T09:00:00+07:00) trong các năm ${INSTANT_YEARS.earliest}–${INSTANT_YEARS.latest}.`;
  return ValidateBy({ name: 'isInstant', validator: { validate: isInstant, defaultMessage: () => message } }, { message });
}
