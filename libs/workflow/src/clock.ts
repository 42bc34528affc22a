/** The time source of the application; tests replace it to land on Tết or after 15:00. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
