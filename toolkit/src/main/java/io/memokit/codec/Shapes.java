package io.memokit.codec;

import io.memokit.function.TypeNames;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the value format needs to know of a class, looked up once per class: a record's components
 * and canonical constructor; an object's fields (its own and its superclasses', by qualified name)
 * and how to make an instance without running its constructors; for both, the {@code writeReplace}
 * and {@code readResolve} methods {@link SerialContract} finds.
 */
final class Shapes {

  /** A record: component names, accessors (as {@code Object -> Object}), canonical constructor, hooks (or null). */
  record RecordShape(String[] names, MethodHandle[] accessors, Constructor<?> constructor, Method writeReplace,
                     Method readResolve) {}

  /** An object: its fields by qualified name, an instantiator, and serialization hooks (or null). */
  record ObjectShape(List<Field> fields, Map<String, Field> byName, Constructor<?> instantiator,
                     Method writeReplace, Method readResolve) {}

  private static final ClassValue<Object> RECORDS = new ClassValue<>() {
    @Override
    protected Object computeValue(Class<?> type) {
      try {
        RecordComponent[] rc = type.getRecordComponents();
        String[] names = new String[rc.length];
        Class<?>[] types = new Class<?>[rc.length];
        MethodHandle[] accessors = new MethodHandle[rc.length];
        for (int i = 0; i < rc.length; i++) {
          names[i] = rc[i].getName();
          types[i] = rc[i].getType();
          Field f = type.getDeclaredField(rc[i].getName());
          f.setAccessible(true);
          accessors[i] = MethodHandles.lookup().unreflectGetter(f).asType(MethodType.methodType(Object.class, Object.class));
        }
        Constructor<?> c = type.getDeclaredConstructor(types);
        c.setAccessible(true);
        return new RecordShape(names, accessors, c, SerialContract.writeReplace(type),
            SerialContract.readResolve(type));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return "record " + type.getName() + " cannot be read or rebuilt by memokit (" + e + ")";
      }
    }
  };

  private static final ClassValue<Object> OBJECTS = new ClassValue<>() {
    @Override
    protected Object computeValue(Class<?> type) {
      try {
        List<Field> fields = new ArrayList<>();
        Map<String, Field> byName = new HashMap<>();
        Class<?> base = Object.class;
        for (Class<?> c = type; c != Object.class; c = c.getSuperclass()) {
          if (isJdk(c) && !Throwable.class.isAssignableFrom(c) && hasState(c)) {
            return "it extends " + c.getName() + ", a JDK class whose inner state memokit does not write";
          }
          if (c == Throwable.class) base = Throwable.class;
          for (Field f : c.getDeclaredFields()) {
            int m = f.getModifiers();
            if (Modifier.isStatic(m) || Modifier.isTransient(m)) continue;
            f.setAccessible(true);
            fields.add(f);
            byName.put(qualified(f), f);
          }
        }
        Constructor<?> instantiator = instantiator(type, base);
        return new ObjectShape(fields, byName, instantiator, SerialContract.writeReplace(type),
            SerialContract.readResolve(type));
      } catch (ReflectiveOperationException | RuntimeException e) {
        return "memokit cannot read or rebuild " + type.getName() + " field by field (" + e + ")";
      }
    }
  };

  private Shapes() {}

  /** The shape of record {@code type}; {@link ValueFormat.Unsupported} saying why if it has none. */
  static RecordShape record(Class<?> type) throws ValueFormat.Unsupported {
    Object s = RECORDS.get(type);
    if (s instanceof RecordShape shape) return shape;
    throw new ValueFormat.Unsupported((String) s);
  }

  /** The field-by-field shape of {@code type}; {@link ValueFormat.Unsupported} saying why if it has none. */
  static ObjectShape object(Class<?> type) throws ValueFormat.Unsupported {
    Object s = OBJECTS.get(type);
    if (s instanceof ObjectShape shape) return shape;
    throw new ValueFormat.Unsupported((String) s);
  }

  /** A field's name in the format: its declaring class's stable name, a dot, its name. */
  static String qualified(Field f) {
    return TypeNames.stable(f.getDeclaringClass()) + "." + f.getName();
  }

  /** Whether {@code c} declares fields a value is made of (a stateless base such as {@code AbstractMap} does not). */
  private static boolean hasState(Class<?> c) {
    for (Field f : c.getDeclaredFields()) {
      if (!Modifier.isStatic(f.getModifiers()) && !Modifier.isTransient(f.getModifiers())) return true;
    }
    return false;
  }

  static boolean isJdk(Class<?> c) {
    Module m = c.getModule();
    return m.isNamed() && (m.getName().startsWith("java.") || m.getName().startsWith("jdk."));
  }

  /**
   * A constructor making an instance of {@code type} without running its constructors (the fields
   * are set next), as Java serialization does; for a throwable, {@code Throwable()} runs, so that
   * a field the writer's JDK lacked keeps a sound default.
   */
  @SuppressWarnings("removal")
  private static Constructor<?> instantiator(Class<?> type, Class<?> base) throws NoSuchMethodException {
    Constructor<?> run = base.getDeclaredConstructor();
    Constructor<?> c = sun.reflect.ReflectionFactory.getReflectionFactory().newConstructorForSerialization(type, run);
    c.setAccessible(true);
    return c;
  }
}
