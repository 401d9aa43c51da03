package io.memokit.codec;

import java.io.Externalizable;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamField;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Objects;

/**
 * The one rule deciding when a class's own serialization contract applies to it in memokit's format,
 * used by {@link ValueWriter} and {@link ValueReader} alike.
 *
 * <p>A class <em>defines its serialized form</em> when it is {@code Serializable}, is neither a
 * record (Java serialization ignores those methods in records), an enum, nor a JDK class (memokit
 * writes the JDK's value and collection classes itself), has a name another process can find, and
 * it is {@code Externalizable} or one of its own serializable classes (superclasses included, the
 * JDK's not) declares {@code writeObject}, {@code readObject} or {@code readObjectNoData}, or
 * {@code serialPersistentFields}, as Java serialization looks for them. Objects of such a class are
 * written and read by Java serialization itself, inside the value ({@link SerialOut},
 * {@link SerialIn}), so every one of those methods runs as it would there, with the class's
 * {@code writeReplace} and {@code readResolve}. A value holding one is decoded afresh for each hit:
 * what its methods restore is never shared between callers.
 *
 * <p>Every other class is written by memokit field by field; its {@code writeReplace}
 * and {@code readResolve} (a record's too, as Java serialization honours them for records) are
 * found here, as Java serialization finds them, and honoured: the object {@code writeReplace}
 * returns is stored in its place, and what {@code readResolve} returns (a singleton, say) is what
 * the reader gets. Values stored field by field before a class defined its serialized form are
 * still read field by field.
 */
final class SerialContract {

  private static final ClassValue<Boolean> DEFINES_FORM = new ClassValue<>() {
    @Override
    protected Boolean computeValue(Class<?> c) {
      if (!Serializable.class.isAssignableFrom(c) || c.isRecord() || Enum.class.isAssignableFrom(c) || c.isArray()
          || c.isHidden() || c.isAnonymousClass() || Shapes.isJdk(c)) {
        return false;
      }
      if (Externalizable.class.isAssignableFrom(c)) return true;
      for (Class<?> k = c; k != null && Serializable.class.isAssignableFrom(k); k = k.getSuperclass()) {
        if (!Shapes.isJdk(k) && (writesOwnData(k) || declaresPrivate(k, "readObject", ObjectInputStream.class)
            || declaresPrivate(k, "readObjectNoData") || declaresPersistentFields(k))) {
          return true;
        }
      }
      return false;
    }
  };

  private SerialContract() {}

  /** Whether objects of {@code c} are written and read by Java serialization, by the class's own rules. */
  static boolean definesForm(Class<?> c) {
    return DEFINES_FORM.get(c);
  }

  /** Whether {@code k} itself declares {@code private void writeObject(ObjectOutputStream)}. */
  static boolean writesOwnData(Class<?> k) {
    return declaresPrivate(k, "writeObject", ObjectOutputStream.class);
  }

  /** {@code type}'s {@code writeReplace()}, found as Java serialization finds it, accessible; null if none. */
  static Method writeReplace(Class<?> type) {
    return inheritable(type, "writeReplace");
  }

  /** {@code type}'s {@code readResolve()}, found as Java serialization finds it, accessible; null if none. */
  static Method readResolve(Class<?> type) {
    return inheritable(type, "readResolve");
  }

  /** A non-static private method {@code void name(params)} that {@code k} declares, as Java serialization calls it. */
  private static boolean declaresPrivate(Class<?> k, String name, Class<?>... params) {
    try {
      Method m = k.getDeclaredMethod(name, params);
      int mods = m.getModifiers();
      return Modifier.isPrivate(mods) && !Modifier.isStatic(mods) && m.getReturnType() == void.class;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }

  private static boolean declaresPersistentFields(Class<?> k) {
    try {
      Field f = k.getDeclaredField("serialPersistentFields");
      int m = f.getModifiers();
      return Modifier.isPrivate(m) && Modifier.isStatic(m) && Modifier.isFinal(m)
          && f.getType() == ObjectStreamField[].class;
    } catch (NoSuchFieldException e) {
      return false;
    }
  }

  /**
   * {@code Object name()} declared by {@code type} or its nearest superclass declaring one, if
   * {@code type} may call it: not static or abstract; public or protected; private only in
   * {@code type} itself; package-private only within {@code type}'s package and class loader.
   */
  private static Method inheritable(Class<?> type, String name) {
    for (Class<?> c = type; c != null; c = c.getSuperclass()) {
      Method m;
      try {
        m = c.getDeclaredMethod(name);
      } catch (NoSuchMethodException e) {
        continue;
      }
      int mods = m.getModifiers();
      if (m.getReturnType() != Object.class || (mods & (Modifier.STATIC | Modifier.ABSTRACT)) != 0) return null;
      boolean callable = (mods & (Modifier.PUBLIC | Modifier.PROTECTED)) != 0
          || (Modifier.isPrivate(mods) ? c == type : samePackage(c, type));
      if (!callable) return null;
      m.setAccessible(true);
      return m;
    }
    return null;
  }

  private static boolean samePackage(Class<?> a, Class<?> b) {
    return a.getClassLoader() == b.getClassLoader() && Objects.equals(a.getPackageName(), b.getPackageName());
  }
}
