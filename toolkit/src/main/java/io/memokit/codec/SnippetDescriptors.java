package io.memokit.codec;

import io.memokit.function.TypeNames;
import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectStreamClass;
import java.io.ObjectStreamField;

/**
 * How the Java-serialization streams of memokit's format ({@link SerialOut}, {@link SerialIn})
 * describe a class defined in a JShell snippet: by its stable name ({@code REPL.$JShell$$Box}, as
 * memokit's format names it) and its serialized form, instead of JShell's session-specific name
 * and the {@code serialVersionUID} derived from it, which both change with the snippet number. Read
 * back, it is the class this process knows under that stable name, provided its serialized form is
 * the stored one (else {@link ValueReader.IncompatibleClassException}, saying both); every other
 * class is described as Java serialization describes it.
 */
final class SnippetDescriptors {

  /** The byte before each class descriptor in the streams: Java's own descriptor follows, or a snippet class's. */
  static final int JAVA = 0, SNIPPET = 1;

  private SnippetDescriptors() {}

  /** The name {@code desc}'s class is stored under when it is a snippet class; null for any other. */
  static String storedName(ObjectStreamClass desc) {
    Class<?> c = desc.forClass();
    return c != null && TypeNames.isJShellSnippet(c.getName()) ? ValueWriter.storedName(c) : null;
  }

  /** {@code desc}'s serialized form in words: how its data is written, then its serialized fields with their types. */
  static String form(ObjectStreamClass desc) {
    Class<?> c = desc.forClass();
    StringBuilder form = new StringBuilder(Externalizable.class.isAssignableFrom(c) ? "externalizable"
        : SerialContract.writesOwnData(c) ? "writeObject" : "fields");
    for (ObjectStreamField f : desc.getFields()) {
      form.append(", ").append(typeName(f.getType())).append(' ').append(f.getName());
    }
    return form.toString();
  }

  /** This process's descriptor of the class stored as {@code storedName} with {@code form}. */
  static ObjectStreamClass local(String storedName, String form, SerialIn.Classes classes)
      throws IOException, ClassNotFoundException {
    Class<?> c = classes.find(storedName);
    ObjectStreamClass local = ObjectStreamClass.lookup(c);
    String here = local == null ? "not Serializable" : form(local);
    if (!here.equals(form)) {
      String name = TypeNames.stable(c);
      throw new ValueReader.IncompatibleClassException("the stored value holds " + name + " serialized as (" + form
          + "), but " + name + " here is serialized as (" + here + ")");
    }
    return local;
  }

  private static String typeName(Class<?> t) {
    return t.isArray() ? typeName(t.getComponentType()) + "[]" : TypeNames.stable(t);
  }
}
