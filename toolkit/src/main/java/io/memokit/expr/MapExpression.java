package io.memokit.expr;

import io.memokit.MapExpr;
import io.memokit.function.FunctionId;
import io.memokit.function.NamedFunction;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;

/** An expression whose value is a map, and a read-only map view of that value. */
public final class MapExpression<K, V> extends Expression<Map<K, V>> implements MapExpr<K, V> {

  private static final long serialVersionUID = 1L;

  MapExpression(FunctionId id, NamedFunction fn, Object[] args) {
    super(id, fn, args);
  }

  public static <K, V> MapExpression<K, V> createMap(Object fn, Object... args) {
    NamedFunction named = requireNamed(fn, args.length);
    return new MapExpression<>(named.id(), named, args.clone());
  }

  @Override
  boolean isMap() {
    return true;
  }

  private Map<K, V> map() {
    Map<K, V> m = get();
    if (m == null) throw new NullPointerException("map expression " + this + " has the value null, not a map");
    return m;
  }

  private static UnsupportedOperationException readOnly() {
    return new UnsupportedOperationException("a map expression is read-only");
  }

  @Override
  public int size() {
    return map().size();
  }

  @Override
  public boolean isEmpty() {
    return map().isEmpty();
  }

  @Override
  public boolean containsKey(Object key) {
    return map().containsKey(key);
  }

  @Override
  public boolean containsValue(Object value) {
    return map().containsValue(value);
  }

  @Override
  public V get(Object key) {
    return map().get(key);
  }

  @Override
  public V getOrDefault(Object key, V defaultValue) {
    return map().getOrDefault(key, defaultValue);
  }

  @Override
  public Set<K> keySet() {
    return java.util.Collections.unmodifiableSet(map().keySet());
  }

  @Override
  public Collection<V> values() {
    return java.util.Collections.unmodifiableCollection(map().values());
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return java.util.Collections.unmodifiableMap(map()).entrySet();
  }

  @Override
  public void forEach(BiConsumer<? super K, ? super V> action) {
    map().forEach(action);
  }

  @Override
  public V put(K key, V value) {
    throw readOnly();
  }

  @Override
  public V remove(Object key) {
    throw readOnly();
  }

  @Override
  public void putAll(Map<? extends K, ? extends V> m) {
    throw readOnly();
  }

  @Override
  public void clear() {
    throw readOnly();
  }

  @Override
  public void replaceAll(BiFunction<? super K, ? super V, ? extends V> function) {
    throw readOnly();
  }

  @Override
  public V putIfAbsent(K key, V value) {
    throw readOnly();
  }

  @Override
  public boolean remove(Object key, Object value) {
    throw readOnly();
  }

  @Override
  public boolean replace(K key, V oldValue, V newValue) {
    throw readOnly();
  }

  @Override
  public V replace(K key, V value) {
    throw readOnly();
  }

  @Override
  public V computeIfAbsent(K key, Function<? super K, ? extends V> mappingFunction) {
    throw readOnly();
  }

  @Override
  public V computeIfPresent(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    throw readOnly();
  }

  @Override
  public V compute(K key, BiFunction<? super K, ? super V, ? extends V> remappingFunction) {
    throw readOnly();
  }

  @Override
  public V merge(K key, V value, BiFunction<? super V, ? super V, ? extends V> remappingFunction) {
    throw readOnly();
  }

  /** Map equality (incarnates): equal to any map with the same entries. */
  @Override
  public boolean equals(Object o) {
    return o == this || (o instanceof Map<?, ?> m && map().equals(m));
  }

  @Override
  public int hashCode() {
    return map().hashCode();
  }
}
