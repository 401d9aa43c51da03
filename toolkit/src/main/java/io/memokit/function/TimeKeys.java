package io.memokit.function;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.ChronoLocalDate;
import java.time.chrono.ChronoLocalDateTime;
import java.time.chrono.ChronoZonedDateTime;
import java.time.chrono.Chronology;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAdjuster;
import java.time.temporal.TemporalQuery;
import java.time.zone.ZoneRules;

/**
 * Keys of {@code java.time} values: the {@link KeyWriter#TEMPORAL} tag, a kind, then exactly the
 * fields the class's {@code equals} compares. Only the classes named here are keyed (all final, or
 * {@link ZoneId}, whose only subclasses are {@link ZoneOffset} and the region ids); other
 * {@code java.time} types are refused with a hint ({@link #refusal}). The {@code java.time} enums
 * ({@code DayOfWeek}, {@code Month}, {@code ChronoUnit}, ...) are keyed as enums.
 */
final class TimeKeys {

  // Kinds after TEMPORAL. Never renumber: they are part of every stored key.
  static final int LOCAL_DATE = 1, LOCAL_TIME = 2, LOCAL_DATE_TIME = 3, INSTANT = 4, DURATION = 5, PERIOD = 6,
      YEAR = 7, YEAR_MONTH = 8, MONTH_DAY = 9, ZONE_OFFSET = 10, ZONE_REGION = 11, OFFSET_TIME = 12,
      OFFSET_DATE_TIME = 13, ZONED_DATE_TIME = 14;

  private TimeKeys() {}

  /** Writes {@code v} if it is one of the keyed {@code java.time} classes; returns whether it was. */
  static boolean write(KeyWriter out, Object v) {
    if (v instanceof LocalDate d) {
      kind(out, LOCAL_DATE);
      date(out, d);
    } else if (v instanceof LocalDateTime dt) {
      kind(out, LOCAL_DATE_TIME);
      dateTime(out, dt);
    } else if (v instanceof Instant i) {
      kind(out, INSTANT);
      out.writeLong(i.getEpochSecond());
      out.writeInt(i.getNano());
    } else if (v instanceof ZonedDateTime z) {
      kind(out, ZONED_DATE_TIME);
      dateTime(out, z.toLocalDateTime());
      out.writeInt(z.getOffset().getTotalSeconds());
      zone(out, z.getZone());
    } else if (v instanceof OffsetDateTime o) {
      kind(out, OFFSET_DATE_TIME);
      dateTime(out, o.toLocalDateTime());
      out.writeInt(o.getOffset().getTotalSeconds());
    } else if (v instanceof LocalTime t) {
      kind(out, LOCAL_TIME);
      time(out, t);
    } else if (v instanceof OffsetTime o) {
      kind(out, OFFSET_TIME);
      time(out, o.toLocalTime());
      out.writeInt(o.getOffset().getTotalSeconds());
    } else if (v instanceof Duration d) {
      kind(out, DURATION);
      out.writeLong(d.getSeconds());
      out.writeInt(d.getNano());
    } else if (v instanceof Period p) {
      kind(out, PERIOD);
      out.writeInt(p.getYears());
      out.writeInt(p.getMonths());
      out.writeInt(p.getDays());
    } else if (v instanceof Year y) {
      kind(out, YEAR);
      out.writeInt(y.getValue());
    } else if (v instanceof YearMonth ym) {
      kind(out, YEAR_MONTH);
      out.writeInt(ym.getYear());
      out.writeByte(ym.getMonthValue());
    } else if (v instanceof MonthDay md) {
      kind(out, MONTH_DAY);
      out.writeByte(md.getMonthValue());
      out.writeByte(md.getDayOfMonth());
    } else if (v instanceof ZoneId z) {
      out.writeByte(KeyWriter.TEMPORAL);
      zone(out, z);
    } else {
      return false;
    }
    return true;
  }

  private static void kind(KeyWriter out, int kind) {
    out.writeByte(KeyWriter.TEMPORAL);
    out.writeByte(kind);
  }

  private static void date(KeyWriter out, LocalDate d) {
    out.writeInt(d.getYear());
    out.writeByte(d.getMonthValue());
    out.writeByte(d.getDayOfMonth());
  }

  private static void time(KeyWriter out, LocalTime t) {
    out.writeByte(t.getHour());
    out.writeByte(t.getMinute());
    out.writeByte(t.getSecond());
    out.writeInt(t.getNano());
  }

  private static void dateTime(KeyWriter out, LocalDateTime dt) {
    date(out, dt.toLocalDate());
    time(out, dt.toLocalTime());
  }

  /** A zone as its kind and content: {@code Z} (an offset) and {@code UTC} (a region) are different zones. */
  private static void zone(KeyWriter out, ZoneId z) {
    if (z instanceof ZoneOffset o) {
      out.writeByte(ZONE_OFFSET);
      out.writeInt(o.getTotalSeconds());
    } else {
      out.writeByte(ZONE_REGION);
      out.writeString(z.getId());
    }
  }

  /** Why {@code v}, of a {@code java.time} type that is not keyed, is refused; null if it is of no such type. */
  static String refusal(Object v) {
    if (v instanceof DateTimeFormatter) {
      return "a formatter equals only itself and its text omits its locale and settings (the English and the French "
          + "\"EEEE\" print alike); pass the pattern and the locale tag and build the formatter inside the function";
    } else if (v instanceof ZoneRules) {
      return "its text shows only part of the rules (those of Africa/Lagos and Europe/Paris print alike); pass the "
          + "ZoneId instead";
    } else if (v instanceof Clock) {
      return "a clock's reading changes while a key would not; pass clock.instant() or the ZoneId instead";
    } else if (v instanceof ChronoLocalDate || v instanceof ChronoLocalDateTime || v instanceof ChronoZonedDateTime
        || v instanceof Chronology) {
      return "dates of calendars other than ISO are not keyed; pass the ISO value (LocalDate.from(date), ...) and "
          + "the chronology's id";
    } else if (v instanceof TemporalAdjuster || v instanceof TemporalQuery) {
      return "an adjuster or query is a function; pass the values it is made from (a DayOfWeek, ...) and make it "
          + "inside the function";
    } else if (v.getClass().getPackageName().startsWith("java.time")) {
      return "this java.time type is not keyed; keyed are LocalDate, LocalTime, LocalDateTime, Instant, Duration, "
          + "Period, Year, YearMonth, MonthDay, ZoneOffset, ZoneId, OffsetTime, OffsetDateTime, ZonedDateTime and "
          + "the java.time enums";
    }
    return null;
  }
}
