/**
 * Types for `amlich`, Hồ Ngọc Đức's Vietnamese lunar-calendar algorithm (the package ships no
 * types). `timeZone` is the offset in hours the new moons and solar terms are reckoned in: MotCua
 * always passes 7 (Vietnam), never 8 (China), because the two calendars differ in some years.
 */
declare module 'amlich' {
  /** Returns [lunarDay, lunarMonth, lunarYear, lunarLeap (0 | 1)]. */
  export function convertSolar2Lunar(
    dd: number,
    mm: number,
    yyyy: number,
    timeZone: number,
  ): [number, number, number, number];

  /** Returns [dd, mm, yyyy], or [0, 0, 0] when a leap month is asked for in a year whose leap month is another one. */
  export function convertLunar2Solar(
    lunarDay: number,
    lunarMonth: number,
    lunarYear: number,
    lunarLeap: number,
    timeZone: number,
  ): [number, number, number];
}
