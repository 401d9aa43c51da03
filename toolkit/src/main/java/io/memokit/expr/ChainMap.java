package io.memokit.expr;

import io.memokit.function.KeyWriter;
import io.memokit.function.KeyedByDefinition;
import java.io.Serializable;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A read-only view that looks keys up in several maps in order (like Python's ChainMap). A lookup
 * stops at the first map that has the key, so a {@link MapExpression} further down the chain is
 * not incarnated until a lookup reaches it. As a cache key it is its structure (the keys of its
 * maps, expressions by definition); it serializes as its maps, expressions by definition.
 */
public final class ChainMap<K, V> extends AbstractMap<K, V> implements KeyedByDefinition, Serializable {

  private static final long serialVersionUID = 1L;

  private final ArrayList<Map<? extends K, ? extends V>> maps;

  private ChainMap(ArrayList<Map<? extends K, ? extends V>> maps) {
    this.maps = maps;
  }

  @SafeVarargs
  public static <K, V> ChainMap<K, V> of(Map<? extends K, ? extends V>... maps) {
    ArrayList<Map<? extends K, ? extends V>> list = new ArrayList<>(maps.length);
    for (int i = 0; i < maps.length; i++) {
      if (maps[i] == null) throw new IllegalArgumentException("chain: map " + (i + 1) + " is null");
      list.add(maps[i]);
    }
    return new ChainMap<>(list);
  }

  /** The chained maps, first looked up first. */
  public List<Map<? extends K, ? extends V>> maps() {
    return Collections.unmodifiableList(maps);
  }

  @Override
  public V get(Object key) {
    for (Map<? extends K, ? extends V> m : maps) {
      if (m.containsKey(key)) return m.get(key);
    }
    return null;
  }

  @Override
  public boolean containsKey(Object key) {
    for (Map<? extends K, ? extends V> m : maps) {
      if (m.containsKey(key)) return true;
    }
    return false;
  }

  /** The merged view (incarnates every map): earlier maps hide later ones' entries for the same key. */
  private Map<K, V> merged() {
    Map<K, V> all = new LinkedHashMap<>();
    for (int i = maps.size() - 1; i >= 0; i--) all.putAll(maps.get(i));
    return all;
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return Collections.unmodifiableMap(merged()).entrySet();
  }

  @Override
  public int size() {
    return merged().size();
  }

  @Override
  public void writeKey(KeyWriter out) {
    out.writeString("chain");
    out.writeInt(maps.size());
    for (int i = 0; i < maps.size(); i++) out.child(maps.get(i), " in chain map " + (i + 1));
  }

  /** {@code chain(m1, m2, ...)}: the maps as written, expressions by definition (nothing is incarnated). */
  @Override
  public String toString() {
    return Render.text(this);
  }
}
