package io.memokit.function;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;

/**
 * Whether a set or a map decides membership by {@code equals}, as its key (its elements or
 * entries, in content order) assumes: a set whose comparator calls {@code "a"} and {@code "A"} the
 * same, or an {@code IdentityHashMap}, holds the same elements as an ordinary set that answers
 * {@code contains} differently, so the two must not share a key. Such sets and maps are refused.
 */
final class Membership {

  /** JDK views that hide the set or map they wrap, and with it how that one compares elements. */
  private static final List<Class<?>> HIDING_VIEWS = List.of(
      Collections.unmodifiableSet(new HashSet<>()).getClass(),
      Collections.synchronizedSet(new HashSet<>()).getClass(),
      Collections.checkedSet(new HashSet<>(), Object.class).getClass(),
      Collections.newSetFromMap(new HashMap<>()).getClass(),
      Collections.unmodifiableMap(new HashMap<>()).getClass(),
      Collections.synchronizedMap(new HashMap<>()).getClass(),
      Collections.checkedMap(new HashMap<>(), Object.class, Object.class).getClass());

  /** Types whose natural order ({@code compareTo}) is consistent with {@code equals}; enums too. */
  private static final Set<Class<?>> CONSISTENT_ORDER = Set.of(String.class, Boolean.class, Character.class,
      Byte.class, Short.class, Integer.class, Long.class, Float.class, Double.class, BigInteger.class,
      LocalDate.class, LocalTime.class, LocalDateTime.class, Instant.class, Duration.class, Year.class,
      YearMonth.class, MonthDay.class, ZoneOffset.class, OffsetTime.class, OffsetDateTime.class, ZonedDateTime.class);

  private static final String IDENTITY = "it compares elements (a map: keys) by identity (==), which a key cannot "
      + "capture; copy it into a HashSet or HashMap";

  private Membership() {}

  /** Why {@code set} cannot be keyed by its elements; null if it can. */
  static String refusal(Set<?> set) {
    if (set instanceof SortedSet<?> sorted) return orderRefusal(sorted.comparator(), set, "HashSet");
    if (set.getClass().getEnclosingClass() == IdentityHashMap.class) return IDENTITY;
    if (!hides(set)) return null;
    Object wrapped = wrapped(set);
    if (wrapped instanceof Set<?> inner) return refusal(inner);
    if (wrapped instanceof Map<?, ?> backing) return refusal(backing); // newSetFromMap: the map's keys
    return "it is a view that hides the set it wraps, which may compare elements by a comparator or "
        + "by identity rather than equals; pass Set.copyOf(s) or the set it wraps";
  }

  /** Why {@code map} cannot be keyed by its entries; null if it can. */
  static String refusal(Map<?, ?> map) {
    if (map instanceof SortedMap<?, ?> sorted) return orderRefusal(sorted.comparator(), map.keySet(), "HashMap");
    if (map instanceof IdentityHashMap) return IDENTITY;
    if (map instanceof Properties) {
      return "its defaults answer getProperty but are not among its entries; copy the entries the function reads "
          + "into a Map";
    }
    if (!hides(map)) return null;
    if (wrapped(map) instanceof Map<?, ?> inner) return refusal(inner);
    return "it is a view that hides the map it wraps, which may compare keys by a comparator or by "
        + "identity rather than equals; pass Map.copyOf(m) or the map it wraps";
  }

  /**
   * The set or map a JDK view wraps (its field {@code c} or {@code m}), read with the
   * {@code --add-opens java.base/java.util} memokit's JVMs have; null where it cannot be read.
   */
  private static Object wrapped(Object view) {
    for (Class<?> c = view.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
      for (String name : new String[] {"c", "m", "s"}) {
        try {
          java.lang.reflect.Field f = c.getDeclaredField(name);
          f.setAccessible(true);
          Object inner = f.get(view);
          if (inner instanceof Set<?> || inner instanceof Map<?, ?>) return inner;
        } catch (ReflectiveOperationException | RuntimeException e) {
          // not this field, or not readable here
        }
      }
    }
    return null;
  }

  private static boolean hides(Object collection) {
    for (Class<?> view : HIDING_VIEWS) {
      if (view.isInstance(collection)) return true;
    }
    return false;
  }

  /**
   * Null when a sorted set or map with {@code comparator} and these {@code elements} (a map's keys)
   * agrees with {@code equals}: natural order, or its reverse, over elements whose natural order is
   * consistent with {@code equals}; otherwise why not, suggesting a {@code hashed} copy.
   */
  private static String orderRefusal(Comparator<?> comparator, Collection<?> elements, String hashed) {
    if (comparator != null && comparator != Comparator.naturalOrder() && comparator != Comparator.reverseOrder()) {
      return "it is sorted by a comparator (" + TypeNames.stable(comparator.getClass()) + "), which may call unequal "
          + "elements the same (String.CASE_INSENSITIVE_ORDER does) and which a key cannot capture; pass the "
          + "elements as a List or a " + hashed + " and sort inside the function";
    }
    for (Object e : elements) {
      if (e != null && !(e instanceof Enum<?>) && !CONSISTENT_ORDER.contains(e.getClass())) {
        return "it is sorted by the natural order of " + TypeNames.stable(e.getClass()) + ", which may call unequal "
            + "elements the same (BigDecimal 1.0 and 1.00 are one element of a TreeSet); pass a " + hashed + " copy";
      }
    }
    return null;
  }
}
