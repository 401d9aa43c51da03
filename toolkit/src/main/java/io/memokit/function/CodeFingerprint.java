package io.memokit.function;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.SerializedLambda;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * The fingerprint of a function's code, so that an edited function never answers with the cells of
 * its former code. It hashes, in a canonical form:
 * <ul>
 *   <li>the bytecode of the function's implementation (a lambda's body through its
 *       {@link SerializedLambda}, or the {@code apply} methods of a class), without line numbers or
 *       local names, with JShell's snippet class numbers removed, so that the same source gives the
 *       same fingerprint in every JShell session, notebook kernel, JVM and run;</li>
 *   <li>transitively, every method it calls, and every lambda it creates, in its own class and nest or,
 *       in JShell and JShell-based kernels, in any snippet (helper methods defined in earlier cells);</li>
 *   <li>the values it captures, keyed canonically as arguments are (a value that has no canonical key
 *       counts by its type only, and the description says so), and the memoized or versioned
 *       functions it reads from static fields (a snippet's {@code var g = memo(...)}), by their
 *       identity: their own code or version.</li>
 * </ul>
 * The values it reads that may change after it is defined (top-level variables, which are static
 * fields of snippets, and captured values that are not immutable) are not in the fingerprint but in
 * {@link Result#reads()}: keyed at each call. Not covered, by design: library and JDK code the
 * function calls (a method reference into the JDK is keyed by its target), and static fields of
 * classes outside the function's own class and nest (or, in JShell, outside the snippets). A
 * function whose code cannot be read (a class file its class loader does not serve, a lambda of a
 * non-serializable interface) has no fingerprint; {@link Result} says why.
 */
public final class CodeFingerprint {

  /**
   * The outcome: {@code hash} (16 hex digits), or {@code ""} with {@code description} saying why not;
   * {@code watch} tells when the classes it read were redefined in place since.
   */
  public record Result(String hash, String description, Watch watch, ImplicitArgs reads) {
    public boolean isPresent() {
      return !hash.isEmpty();
    }
  }

  /**
   * The classes a fingerprint read, and how many times the JVM had redefined each: JShell redefines
   * an earlier snippet's class in place when a helper method in it is edited, so that functions
   * defined before the edit run the new helper. {@link #redefined()} costs one field read per class.
   */
  public static final class Watch {
    static final Watch NONE = new Watch(new Class<?>[0]);
    private final Class<?>[] classes;
    private final int[] counts;

    Watch(Class<?>[] classes) {
      this.classes = classes;
      this.counts = new int[classes.length];
      for (int i = 0; i < classes.length; i++) counts[i] = redefinitions(classes[i]);
    }

    /** Whether a class read by the fingerprint was redefined since it was taken. */
    public boolean redefined() {
      for (int i = 0; i < classes.length; i++) {
        if (redefinitions(classes[i]) != counts[i]) return true;
      }
      return false;
    }

    private static int redefinitions(Class<?> c) {
      return REDEFINED_COUNT == null ? 0 : (int) REDEFINED_COUNT.get(c);
    }
  }

  /**
   * {@code Class.classRedefinedCount}, bumped by the JVM when a class is redefined; readable with the
   * {@code --add-opens java.base/java.lang} flag memokit's JVMs get. Without it redefinitions go unseen.
   */
  private static final VarHandle REDEFINED_COUNT = redefinedCountHandle();

  private static VarHandle redefinedCountHandle() {
    try {
      return MethodHandles.privateLookupIn(Class.class, MethodHandles.lookup())
          .findVarHandle(Class.class, "classRedefinedCount", int.class);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static final int FORMAT = 1;
  private static final int MAX_METHODS = 2_000;
  private static final Pattern SNIPPET = Pattern.compile("^REPL/\\$JShell\\$\\d+[A-Z]*(\\$.*)?$");
  private static final Pattern SNIPPET_NUMBER = Pattern.compile("REPL/\\$JShell\\$\\d+[A-Z]*");
  private static final Pattern SNIPPET_TYPE = Pattern.compile("REPL/\\$JShell\\$\\d+[A-Z]*\\$[\\w$]+");

  private CodeFingerprint() {}

  /**
   * The fingerprint of the code of {@code fn}, defined under {@code name} (a function of that name
   * found in its captured values or variables is itself: its own identity would change with every
   * definition), or an empty result saying why there is none.
   */
  public static Result of(String name, Object fn) {
    try {
      return new CodeFingerprint.Run(name, fn).run();
    } catch (Unavailable u) {
      return new Result("", u.getMessage(), Watch.NONE, ImplicitArgs.NONE);
    } catch (RuntimeException | LinkageError e) {
      return new Result("", "its code could not be read (" + e + ")", Watch.NONE, ImplicitArgs.NONE);
    }
  }

  /** Whether calls into {@code owner} are followed from code in {@code home} (both internal names). */
  static boolean followed(String home, String owner) {
    if (SNIPPET.matcher(owner).matches()) return SNIPPET.matcher(home).matches();
    return topLevel(owner).equals(topLevel(home));
  }

  private static String topLevel(String internalName) {
    int dollar = internalName.indexOf('$', internalName.lastIndexOf('/') + 1);
    return dollar < 0 ? internalName : internalName.substring(0, dollar);
  }

  /** {@code text} with JShell's snippet numbers removed: {@code REPL/$JShell$12$Pt} becomes {@code REPL/$JShell$$Pt}. */
  static String normalize(String text) {
    return text == null ? "" : SNIPPET_NUMBER.matcher(text).replaceAll("REPL/\\$JShell\\$");
  }

  private static boolean isJdk(String internalName) {
    return internalName.startsWith("java/") || internalName.startsWith("javax/") || internalName.startsWith("jdk/")
        || internalName.startsWith("sun/") || internalName.startsWith("com/sun/");
  }

  private static final class Unavailable extends RuntimeException {
    Unavailable(String why) {
      super(why, null, false, false);
    }
  }

  /** A method to visit; equals and hashCode written out as {@link FunctionId}'s are, for the same reason. */
  private record MethodRef(String owner, String name, String desc) {
    @Override
    public boolean equals(Object o) {
      return o instanceof MethodRef m && owner.equals(m.owner) && name.equals(m.name) && desc.equals(m.desc);
    }

    @Override
    public int hashCode() {
      return (owner.hashCode() * 31 + name.hashCode()) * 31 + desc.hashCode();
    }
  }

  /** One fingerprint computation: the canonical text, the methods still to visit, what was not keyed. */
  private static final class Run {
    private final String name;
    private final Object fn;
    private final ClassLoader loader;
    private final ByteArrayOutputStream text = new ByteArrayOutputStream(4096);
    private final Deque<MethodRef> pending = new ArrayDeque<>();
    private final Set<MethodRef> seen = new HashSet<>();
    private final Map<String, ClassReader> classes = new HashMap<>();
    private final List<Class<?>> loaded = new ArrayList<>();
    private final Map<String, String> lambdaNames = new HashMap<>();
    private final Set<String> fieldsRead = new LinkedHashSet<>();
    private final Set<String> notKeyed = new LinkedHashSet<>();
    private int methods;
    private final Set<String> snippetTypes = new LinkedHashSet<>();
    /** What the function reads that may change after it was defined: keyed at each call, not here. */
    private final List<ImplicitArgs.Source> reads = new ArrayList<>();

    /** {@code text} normalized, noting the snippet classes it names (types a value may hold). */
    private String norm(String text) {
      if (text != null && text.contains("$JShell$")) {
        java.util.regex.Matcher m = SNIPPET_TYPE.matcher(text);
        while (m.find()) snippetTypes.add(m.group().replace('/', '.'));
      }
      return normalize(text);
    }

    /** Remembers the snippet types the code names, so that values holding them can be read back here. */
    private void rememberTypes() {
      for (String name : snippetTypes) {
        try {
          TypeNames.remember(Class.forName(name, false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
          // a name in a signature that is not loadable here: nothing to remember
        }
      }
    }

    Run(String name, Object fn) {
      this.name = name;
      this.fn = fn;
      ClassLoader l = fn.getClass().getClassLoader();
      this.loader = l != null ? l : ClassLoader.getSystemClassLoader();
    }

    Result run() {
      put("memokit-code " + FORMAT);
      Class<?> c = fn.getClass();
      String described;
      if (c.isSynthetic() && c.getName().contains("$$Lambda")) {
        SerializedLambda lambda = serializedForm(c);
        String impl = lambda.getImplClass();
        put("L " + norm(lambda.getFunctionalInterfaceClass()) + " " + norm(lambda.getInstantiatedMethodType())
            + " " + lambda.getImplMethodKind());
        String target = TypeNames.stable(impl.replace('/', '.')) + "::" + lambda.getImplMethodName();
        if (isJdk(impl)) {
          // JDK code is not read, by design: a reference into it is keyed by its target (owner, name,
          // descriptor, kind), so that String::length and String::hashCode never share cells.
          put("R " + impl + "." + lambda.getImplMethodName() + lambda.getImplMethodSignature());
          described = "a reference to JDK method " + target + lambda.getImplMethodSignature() + ", keyed by its target";
        } else {
          enqueue(impl, lambda.getImplMethodName(), lambda.getImplMethodSignature());
          described = lambda.getImplMethodName().startsWith("lambda$") ? "its lambda's code" : "the code of " + target;
        }
        for (int i = 0; i < lambda.getCapturedArgCount(); i++) {
          captured("captured value " + (i + 1), lambda.getCapturedArg(i), ReadValues.capturedField(c, i));
        }
      } else {
        String self = Type.getInternalName(c);
        if (isJdk(self)) throw new Unavailable("it is an instance of JDK class " + c.getName());
        put("C " + norm(self));
        boolean any = false;
        for (Method m : c.getDeclaredMethods()) {
          if (m.getName().equals("apply") && !m.isBridge()) {
            enqueue(self, m.getName(), Type.getMethodDescriptor(m));
            any = true;
          }
        }
        if (!any) throw new Unavailable("class " + c.getName() + " declares no apply method");
        for (Field f : instanceFields(c)) captured("field " + f.getName(), read(f, fn), f);
        described = "the code of class " + TypeNames.stable(c);
      }
      while (!pending.isEmpty()) visit(pending.poll());
      rememberTypes();
      Murmur3 h = new Murmur3();
      byte[] b = text.toByteArray();
      h.update(b, 0, b.length);
      long[] out = new long[2];
      h.finish(out);
      String hash = String.format("%016x", out[0]);
      String note = notKeyed.isEmpty() ? "" : "; not keyed, counted by type only: " + String.join(", ", notKeyed);
      String what = isJdkReference() ? described : described + " and what it calls (" + methods
          + (methods == 1 ? " method" : " methods") + ")";
      return new Result(hash, what + note, new Watch(loaded.toArray(new Class<?>[0])), ImplicitArgs.of(reads));
    }

    private boolean isJdkReference() {
      return methods == 0;
    }

    /**
     * A value the function captured (or a field of a function object): keyed here, once, when it can
     * never change; else read and keyed at each call, so that a captured list changed after the
     * function was defined never answers from a cell of its former content.
     */
    private void captured(String what, Object v, Field holder) {
      // A captured reference never changes, so neither does a value's class: one refused as such is counted once.
      boolean keyedOnce = isSelf(v) || ReadValues.settled(v) || ReadValues.refusedAsType(v);
      if (keyedOnce || v instanceof NamedFunction) value(what, v);
      if (keyedOnce) return;
      ImplicitArgs.Source source = holder == null ? null : ReadValues.captured(fn, holder, what);
      if (source == null) {
        value(what, v);
      } else {
        put("R " + what);
        reads.add(source);
      }
    }

    private boolean isSelf(Object v) {
      return v == fn || (v instanceof NamedFunction f && f.id().name().equals(name));
    }

    private SerializedLambda serializedForm(Class<?> c) {
      try {
        Method m = c.getDeclaredMethod("writeReplace");
        m.setAccessible(true);
        Object form = m.invoke(fn);
        if (form instanceof SerializedLambda s) return s;
      } catch (NoSuchMethodException e) {
        // not serializable
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new Unavailable("its lambda form cannot be read (" + e + ")");
      }
      throw new Unavailable("it is a lambda of a non-serializable interface");
    }

    private static List<Field> instanceFields(Class<?> c) {
      List<Field> fields = new ArrayList<>();
      for (Field f : c.getDeclaredFields()) {
        if (!Modifier.isStatic(f.getModifiers())) fields.add(f);
      }
      fields.sort(java.util.Comparator.comparing(Field::getName));
      return fields;
    }

    private static Object read(Field f, Object target) {
      try {
        f.setAccessible(true);
        return f.get(target);
      } catch (ReflectiveOperationException | RuntimeException e) {
        throw new Unavailable("field " + f.getName() + " of " + f.getDeclaringClass().getName() + " cannot be read");
      }
    }

    /** Adds a value's canonical key to the fingerprint, or its type when it has none. */
    private void value(String what, Object v) {
      if (isSelf(v)) {
        put("V self");
        return;
      }
      try {
        // A function by its identity only: what it reads is keyed at each call, where it is read.
        CellKey k = v instanceof NamedFunction f ? KeyWriter.identityKey(f.id()) : KeyWriter.key(new Object[] {v});
        put("V " + Long.toHexString(k.hashHi()) + Long.toHexString(k.hashLo()));
      } catch (IllegalArgumentException e) {
        String type = TypeNames.stableType(v.getClass());
        put("V? " + type);
        notKeyed.add(what + " (" + type + ")");
      }
    }

    private void enqueue(String owner, String name, String desc) {
      MethodRef ref = new MethodRef(owner, name, desc);
      if (seen.add(ref)) pending.add(ref);
    }

    private ClassReader classFile(String owner) {
      return classes.computeIfAbsent(owner, o -> {
        try (InputStream in = loader.getResourceAsStream(o + ".class")) {
          if (in == null) {
            throw new Unavailable("the class file of " + TypeNames.stable(o.replace('/', '.'))
                + " is not served by its class loader");
          }
          ClassReader reader = new ClassReader(in.readAllBytes());
          try {
            loaded.add(Class.forName(o.replace('/', '.'), false, loader));
          } catch (ClassNotFoundException e) {
            throw new Unavailable("class " + o.replace('/', '.') + " cannot be loaded: " + e);
          }
          return reader;
        } catch (IOException e) {
          throw new Unavailable("the class file of " + o.replace('/', '.') + " cannot be read: " + e);
        }
      });
    }

    private void visit(MethodRef ref) {
      if (++methods > MAX_METHODS) throw new Unavailable("it reaches more than " + MAX_METHODS + " methods");
      ClassReader reader = classFile(ref.owner());
      put("M " + norm(ref.owner()) + "." + method(ref.owner(), ref.name()) + norm(ref.desc()));
      boolean[] found = {false};
      reader.accept(new ClassVisitor(Opcodes.ASM9) {
        @Override
        public MethodVisitor visitMethod(int access, String name, String desc, String signature, String[] exceptions) {
          if (!name.equals(ref.name()) || !desc.equals(ref.desc())) return null;
          found[0] = true;
          put("A " + (access & ~Opcodes.ACC_SYNTHETIC));
          return new Canonical(ref.owner());
        }
      }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
      if (!found[0]) {
        // Inherited: follow the superclass when it is followed code, else its signature stands for it.
        String superName = reader.getSuperName();
        if (superName != null && followed(ref.owner(), superName)) {
          enqueue(superName, ref.name(), ref.desc());
        } else {
          put("I " + norm(superName));
        }
      }
    }

    /**
     * A method's name in the canonical text: a lambda body's synthetic name ({@code lambda$main$3})
     * depends on where the lambda sits in its class, so it is replaced by its order of discovery.
     */
    private String method(String owner, String name) {
      if (!name.startsWith("lambda$")) return name;
      return lambdaNames.computeIfAbsent(owner + "." + name, k -> "lambda#" + lambdaNames.size());
    }

    private void put(String line) {
      byte[] b = line.getBytes(StandardCharsets.UTF_8);
      text.write(b, 0, b.length);
      text.write('\n');
    }

    /** Writes one method's instructions canonically and queues the followed code it reaches. */
    private final class Canonical extends MethodVisitor {
      private final String home;
      private final Map<Label, Integer> labels = new IdentityHashMap<>();

      Canonical(String home) {
        super(Opcodes.ASM9);
        this.home = home;
      }

      private String label(Label l) {
        return "L" + labels.computeIfAbsent(l, k -> labels.size());
      }

      @Override
      public void visitInsn(int opcode) {
        put("" + opcode);
      }

      @Override
      public void visitIntInsn(int opcode, int operand) {
        put(opcode + " " + operand);
      }

      @Override
      public void visitVarInsn(int opcode, int var) {
        put(opcode + " " + var);
      }

      @Override
      public void visitTypeInsn(int opcode, String type) {
        put(opcode + " " + norm(type));
      }

      @Override
      public void visitFieldInsn(int opcode, String owner, String name, String desc) {
        put(opcode + " " + norm(owner) + "." + name + " " + norm(desc));
        if (opcode == Opcodes.GETSTATIC && followed(home, owner)) staticValue(owner, name);
      }

      @Override
      public void visitMethodInsn(int opcode, String owner, String name, String desc, boolean itf) {
        put(opcode + " " + norm(owner) + "." + method(owner, name) + norm(desc) + (itf ? " i" : ""));
        if (followed(home, owner) && !owner.startsWith("[")) enqueue(owner, name, desc);
      }

      @Override
      public void visitInvokeDynamicInsn(String name, String desc, Handle bsm, Object... args) {
        StringBuilder sb = new StringBuilder("D ").append(name).append(norm(desc)).append(' ').append(handle(bsm));
        for (Object a : args) sb.append(' ').append(constant(a));
        put(sb.toString());
      }

      @Override
      public void visitJumpInsn(int opcode, Label target) {
        put(opcode + " " + label(target));
      }

      @Override
      public void visitLabel(Label l) {
        put(label(l) + ":");
      }

      @Override
      public void visitLdcInsn(Object value) {
        put("ldc " + constant(value));
      }

      @Override
      public void visitIincInsn(int var, int increment) {
        put("iinc " + var + " " + increment);
      }

      @Override
      public void visitTableSwitchInsn(int min, int max, Label dflt, Label... targets) {
        StringBuilder sb = new StringBuilder("tableswitch " + min + " " + max + " " + label(dflt));
        for (Label t : targets) sb.append(' ').append(label(t));
        put(sb.toString());
      }

      @Override
      public void visitLookupSwitchInsn(Label dflt, int[] keys, Label[] targets) {
        StringBuilder sb = new StringBuilder("lookupswitch " + label(dflt));
        for (int i = 0; i < keys.length; i++) sb.append(' ').append(keys[i]).append(':').append(label(targets[i]));
        put(sb.toString());
      }

      @Override
      public void visitMultiANewArrayInsn(String desc, int dims) {
        put("multianewarray " + norm(desc) + " " + dims);
      }

      @Override
      public void visitTryCatchBlock(Label start, Label end, Label handler, String type) {
        put("try " + label(start) + " " + label(end) + " " + label(handler) + " " + norm(type));
      }

      private String handle(Handle h) {
        if (followed(home, h.getOwner())) enqueue(h.getOwner(), h.getName(), h.getDesc());
        return "h" + h.getTag() + ":" + norm(h.getOwner()) + "." + method(h.getOwner(), h.getName())
            + norm(h.getDesc());
      }

      private String constant(Object c) {
        if (c instanceof Type t) return "T" + norm(t.getDescriptor());
        if (c instanceof Handle h) return handle(h);
        if (c instanceof ConstantDynamic d) {
          StringBuilder sb = new StringBuilder("cd:" + d.getName() + norm(d.getDescriptor()) + ":"
              + handle(d.getBootstrapMethod()));
          for (int i = 0; i < d.getBootstrapMethodArgumentCount(); i++) {
            sb.append(',').append(constant(d.getBootstrapMethodArgument(i)));
          }
          return sb.toString();
        }
        if (c instanceof String s) return "S" + s.length() + ":" + s;
        return c.getClass().getSimpleName().charAt(0) + String.valueOf(c);
      }
    }

    /**
     * A static field of followed code (a top-level variable in JShell) that the function reads. A
     * memoized or versioned function there counts by its identity, its own code or version, once per
     * field, so that editing it makes this function's cells obsolete too; a final field holding a
     * value whose class has no canonical key (a logger) counts by that class, here, once; a store
     * handle counts for nothing (it does not change what is computed); every variable is read and
     * keyed at each call ({@link ImplicitArgs}), since it may be given another value at any time,
     * and a final one too (a per-process constant, a pid, may be one that a user says the function
     * ignores). An enum's constants are its definition, not variables: counted in the code only.
     */
    private void staticValue(String owner, String fieldName) {
      if (!fieldsRead.add(owner + "." + fieldName)) return;
      Field f;
      Object v;
      try {
        f = Class.forName(owner.replace('/', '.'), false, loader).getDeclaredField(fieldName);
        if (!Modifier.isStatic(f.getModifiers())) return;
        v = read(f, null);
      } catch (ClassNotFoundException | NoSuchFieldException | Unavailable e) {
        return;
      }
      if (v instanceof KeyNeutral) return;
      String where = norm(owner) + "." + fieldName;
      if (f.isEnumConstant() || f.isSynthetic() && f.getDeclaringClass().isEnum() && Modifier.isFinal(f.getModifiers())) {
        // An enum's constants (and its synthetic array of them, behind values()) are part of its
        // definition, not variables: they cannot be given other values. Counted in the code, once.
        put("S " + where);
        return;
      }
      if (v instanceof NamedFunction) {
        put("S " + where);
        value("function " + TypeNames.stable(owner.replace('/', '.')) + "." + fieldName, v);
        if (isSelf(v)) return;
      } else if (Modifier.isFinal(f.getModifiers()) && ReadValues.refusedAsType(v)) {
        put("S " + where);
        value("variable " + fieldName, v);
        return;
      }
      ImplicitArgs.Source source = ReadValues.variable(f, where.replace('/', '.'));
      if (source != null) reads.add(source);
    }
  }
}
