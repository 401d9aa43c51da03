package io.memokit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.function.FunctionId;
import io.memokit.storage.Provenance;
import io.memokit.storage.WaitBoard.CellRef;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * What keeps a new JVM's first calls from spinning classes: the toolkit's string concatenations are
 * compiled to plain code (no {@code invokedynamic} through {@code StringConcatFactory}), and the
 * records whose equality a first call, a miss or a listing uses have it written out (a record's own is
 * made by {@code ObjectMethods} at its first call); written out, each must still compare every
 * component, as the record's own would. The integration test {@code FirstCallsTest} checks the
 * outcome in new JVMs.
 */
@Tag("both-jdks")
class NewJvmCostTest {

  @Test
  void noStringConcatenationOfTheToolkitGoesThroughInvokedynamic() throws IOException, URISyntaxException {
    Path classes = Path.of(Memo.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    List<String> found = new ArrayList<>();
    int read = 0;
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
        read++;
        try (InputStream in = Files.newInputStream(f)) {
          new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exc) {
              return new MethodVisitor(Opcodes.ASM9) {
                @Override
                public void visitInvokeDynamicInsn(String n, String d, Handle bootstrap, Object... args) {
                  if (bootstrap.getOwner().equals("java/lang/invoke/StringConcatFactory")) {
                    found.add(classes.relativize(f) + " " + name);
                  }
                }
              };
            }
          }, ClassReader.SKIP_DEBUG);
        }
      }
    }
    assertTrue(read > 100, "the toolkit's classes, not a jar, are read: " + classes);
    assertEquals(0, found.size(), found.size() + " concatenations through invokedynamic, as in "
        + found.subList(0, Math.min(5, found.size())) + ": compile with -XDstringConcat=inline (the parent pom's "
        + "compiler arguments)");
  }

  @Test
  void functionIdentitiesDifferInEachComponent() throws Exception {
    eachComponentCounts(FunctionId.class, new Object[] {"f", "", "", 1}, new Object[] {"g", "2", "0123456789abcdef", 2});
  }

  @Test
  void cellReferencesDifferInEachComponent() throws Exception {
    eachComponentCounts(CellRef.class, new Object[] {"f(1)#aa", 1L, 2L, 3L}, new Object[] {"g(1)#aa", 4L, 5L, 6L});
  }

  @Test
  void theMethodsAFingerprintVisitsDifferInEachComponent() throws Exception {
    eachComponentCounts(Class.forName("io.memokit.function.CodeFingerprint$MethodRef"),
        new Object[] {"a/B", "run", "()V"}, new Object[] {"a/C", "call", "(I)V"});
  }

  @Test
  void aProvenanceIsKnownWhenAnyComponentWasRecorded() throws Exception {
    assertFalse(Provenance.UNKNOWN.isKnown());
    assertFalse(new Provenance(null, null, null, 0, 0, null, null, null).isKnown(), "null texts are empty ones");
    assertTrue(Provenance.ofThisProcess("", 1, "").isKnown());
    Object[] empty = {"", "", "", 0L, 0L, "", "", ""};
    RecordComponent[] components = Provenance.class.getRecordComponents();
    assertEquals(empty.length, components.length, "a component was added: give it a value here");
    for (int i = 0; i < empty.length; i++) {
      Object[] one = empty.clone();
      one[i] = empty[i] instanceof String ? "x" : (Object) 7L;
      assertTrue(construct(Provenance.class, one).isKnown(), components[i].getName() + " alone makes it known");
    }
  }

  /**
   * {@code a} and {@code b} give each component of {@code type} two values: the record built from
   * {@code a} equals another built from {@code a}, with the same hash, and differs from each built
   * with one component taken from {@code b}.
   */
  private static void eachComponentCounts(Class<?> type, Object[] a, Object[] b) throws Exception {
    RecordComponent[] components = type.getRecordComponents();
    assertEquals(components.length, a.length, type + " has another component: give it values here");
    Object first = construct(type, a);
    Object same = construct(type, a.clone());
    assertEquals(first, same);
    assertEquals(first.hashCode(), same.hashCode());
    assertNotEquals(first, null);
    assertNotEquals(first, "not a " + type.getSimpleName());
    for (int i = 0; i < components.length; i++) {
      Object[] other = a.clone();
      other[i] = b[i];
      Object changed = construct(type, other);
      assertNotEquals(first, changed, type.getSimpleName() + "." + components[i].getName() + " counts in equals");
      assertNotEquals(changed, first, type.getSimpleName() + "." + components[i].getName() + " counts in equals");
      assertNotEquals(first.hashCode(), changed.hashCode(),
          type.getSimpleName() + "." + components[i].getName() + " counts in the hash");
    }
  }

  private static <T> T construct(Class<T> type, Object[] values) throws Exception {
    Class<?>[] types = Stream.of(type.getRecordComponents()).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Constructor<T> c = type.getDeclaredConstructor(types);
    c.setAccessible(true);
    Object[] args = values.clone();
    for (int i = 0; i < types.length; i++) {
      if (types[i] == int.class && args[i] instanceof Long l) args[i] = l.intValue();
    }
    return c.newInstance(args);
  }
}
