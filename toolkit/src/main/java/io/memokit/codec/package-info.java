/**
 * Value codecs: how a value becomes the bytes a store keeps, and back ({@link io.memokit.codec.Codec}).
 * Each stored value carries the id of the format that wrote it (memokit's own format, FST or Java
 * serialization) and is read with that format in every process; a new value is written in memokit's
 * own format unless that format cannot hold it. What is read from a store depends on who else can
 * write it ({@link io.memokit.codec.ReadPolicy}): a store others can write is read, by default, in
 * memokit's own format only, with the classes {@link io.memokit.codec.ClassAllowList#DEFAULT}
 * allows; reading instantiates no class the store's policy does not permit, allocates nothing
 * beyond a value's stored size and nests no deeper than {@code ValueFormat.MAX_DEPTH}.
 *
 * <p><b>Class names are part of the stored format.</b> A stored value names the classes of the
 * objects it holds (a JShell snippet's class by its stable name, without the session's snippet
 * number), and memokit's format names each field by its declaring class and its name. Renaming or
 * moving a class (to another package or enclosing class) makes the values stored with it
 * unreadable, as does changing its shape (other record components, a field the stored value has and
 * the class lacks): a call whose stored value cannot be read is computed again in this process,
 * without storing, after one notice per block; the stored cell stays for processes that can read it.
 * A stored exception in memokit's format whose class is missing is rethrown as a
 * {@link io.memokit.MemoException} naming that class, with the stored message and stack. memokit's
 * own stored classes are never renamed or moved; those that moved are found under their former
 * names as well.
 *
 * <p>Implementation package: not part of memokit's API.
 */
package io.memokit.codec;
