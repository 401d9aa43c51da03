package io.memokit.codec;

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
import java.util.Map;
import java.util.function.Function;

/**
 * The {@code java.time} value classes the format writes as their ISO text, each read back with its
 * own parser: for these classes the text holds the whole value ({@code parse(v.toString())} equals
 * {@code v}).
 */
final class TimeValues {

  private static final Map<String, Function<String, Object>> PARSERS = Map.ofEntries(
      Map.entry(LocalDate.class.getName(), LocalDate::parse),
      Map.entry(LocalTime.class.getName(), LocalTime::parse),
      Map.entry(LocalDateTime.class.getName(), LocalDateTime::parse),
      Map.entry(Instant.class.getName(), Instant::parse),
      Map.entry(Duration.class.getName(), Duration::parse),
      Map.entry(Period.class.getName(), Period::parse),
      Map.entry(Year.class.getName(), Year::parse),
      Map.entry(YearMonth.class.getName(), YearMonth::parse),
      Map.entry(MonthDay.class.getName(), MonthDay::parse),
      Map.entry(ZoneOffset.class.getName(), ZoneOffset::of),
      Map.entry("java.time.ZoneRegion", ZoneId::of),
      Map.entry(OffsetTime.class.getName(), OffsetTime::parse),
      Map.entry(OffsetDateTime.class.getName(), OffsetDateTime::parse),
      Map.entry(ZonedDateTime.class.getName(), ZonedDateTime::parse));

  private TimeValues() {}

  static boolean isTime(Object v) {
    return PARSERS.containsKey(v.getClass().getName());
  }

  static Object parse(String className, String text) throws java.io.IOException {
    Function<String, Object> parser = PARSERS.get(className);
    if (parser == null) throw new java.io.IOException("unknown java.time class " + className + " in a stored value");
    try {
      return parser.apply(text);
    } catch (RuntimeException e) {
      throw new java.io.IOException("stored " + className + " \"" + text + "\" cannot be read: " + e.getMessage(), e);
    }
  }
}
