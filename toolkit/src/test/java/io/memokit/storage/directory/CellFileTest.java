package io.memokit.storage.directory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memokit.function.CellKey;
import io.memokit.function.FunctionId;
import io.memokit.function.KeyWriter;
import io.memokit.function.NamedFunction;
import io.memokit.storage.Provenance;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cell file's provenance section (format 2): written and read back whole, covered by the
 * checksum, laid out so that a reader of format 1 sees a newer format rather than damage; and a file
 * of format 1 still read, its provenance unknown.
 */
class CellFileTest {

  private static final Path FILE = Path.of("test.cell");
  private static final Provenance WRITER = new Provenance("alice", "", "host-a", 4711, 1_700_000_000_123L,
      "17.0.15+6", "0.1.0", "3fa2c1d0e5b6a7f8");

  /** A key whose arguments hold a versioned function: a key with a dependencies section before the provenance. */
  private static CellKey keyWithADependency() {
    NamedFunction dep = new NamedFunction() {
      @Override
      public FunctionId id() {
        return new FunctionId("dep.f", "2", 1);
      }

      @Override
      public Object invoke(Object[] args) {
        return null;
      }
    };
    CellKey key = KeyWriter.key(new Object[] {7, dep});
    assertEquals(List.of(new FunctionId("dep.f", "2", 1)), key.dependencies());
    return key;
  }

  private static CellFile.Meta meta() {
    return new CellFile.Meta(CellFile.VALUE, (byte) 3, CellFile.FLAG_SHAREABLE, 42, 5, 1_700_000_000_000L, 10, 20);
  }

  private static byte[] bytes(ByteBuffer[] buffers) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (ByteBuffer b : buffers) {
      byte[] a = new byte[b.remaining()];
      b.get(a);
      out.writeBytes(a);
    }
    return out.toByteArray();
  }

  private static byte[] written(CellKey key, Provenance provenance) {
    byte[] payload = "the value".getBytes(StandardCharsets.UTF_8);
    return bytes(CellFile.build(meta(), provenance, key, Arrays.copyOf(payload, payload.length + 5), payload.length));
  }

  private static ByteBuffer trailer(byte[] file) {
    return ByteBuffer.wrap(file, file.length - CellFile.TRAILER, CellFile.TRAILER).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Sets the checksum a file's trailer holds to that of its bytes, as a writer would. */
  private static void reseal(byte[] file) {
    CRC32C crc = new CRC32C();
    crc.update(file, 0, file.length - 4);
    trailer(file).putInt(CellFile.TRAILER - 4, (int) crc.getValue());
  }

  @Test
  void theProvenanceReadsBackWholeBesideTheValueKeyAndDependencies() throws Exception {
    CellKey key = keyWithADependency();
    CellFile.Stored s = CellFile.parse(FILE, written(key, WRITER));
    assertEquals(WRITER, s.provenance());
    assertEquals(meta(), s.meta());
    assertEquals("the value", new String(s.bytes(), 0, s.payloadLength(), StandardCharsets.UTF_8));
    assertArrayEquals(key.encoding(), s.key());
    assertEquals(key.dependencies(), s.dependencies());
    assertEquals(2, trailer(written(key, WRITER)).getShort(70), "written as format 2");
  }

  @Test
  void longAndNonAsciiTextsAreCutToTheirBoundAndReadBack() throws Exception {
    String name = "\u00e9l\u00e8ve-" + "x".repeat(300);
    Provenance p = new Provenance(name, "", name, 1, 2, name, name, name);
    assertEquals(Provenance.MAX_TEXT, p.user().length());
    assertEquals(p, CellFile.parse(FILE, written(KeyWriter.key(new Object[] {1}), p)).provenance());
  }

  @Test
  void aFileOfFormatOneIsStillReadItsProvenanceUnknown() throws Exception {
    CellKey key = keyWithADependency();
    byte[] file = formatOne(key, "old value");
    CellFile.Stored s = CellFile.parse(FILE, file);
    assertEquals(Provenance.UNKNOWN, s.provenance());
    assertEquals("old value", new String(s.bytes(), 0, s.payloadLength(), StandardCharsets.UTF_8));
    assertArrayEquals(key.encoding(), s.key());
    assertEquals(key.dependencies(), s.dependencies());
    assertEquals(42, s.meta().id());
  }

  @Test
  void aFlippedProvenanceByteIsDetectedAndNeverRead() throws Exception {
    byte[] file = written(KeyWriter.key(new Object[] {1}), WRITER);
    int host = indexOf(file, "host-a".getBytes(StandardCharsets.UTF_8));
    file[host] ^= 0x01; // "iost-a": still a readable name, so only the checksum can tell
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> CellFile.parse(FILE, file));
    assertTrue(e.getMessage().contains("checksum does not match"), e.getMessage());
  }

  @Test
  void aProvenanceLengthThatDoesNotFitIsDamageEvenUnderAMatchingChecksum() {
    byte[] file = written(KeyWriter.key(new Object[] {1}), WRITER);
    ByteBuffer t = trailer(file);
    int sectionsEnd = file.length - CellFile.TRAILER;
    ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(sectionsEnd - 4, t.getInt(12) + 1);
    reseal(file);
    CorruptFileException e = assertThrows(CorruptFileException.class, () -> CellFile.parse(FILE, file));
    assertTrue(e.getMessage().contains("no room for its provenance"), e.getMessage());

    byte[] shorter = written(KeyWriter.key(new Object[] {1}), WRITER);
    ByteBuffer.wrap(shorter).order(ByteOrder.LITTLE_ENDIAN).putInt(shorter.length - CellFile.TRAILER - 4,
        ByteBuffer.wrap(shorter).order(ByteOrder.LITTLE_ENDIAN).getInt(shorter.length - CellFile.TRAILER - 4) - 1);
    reseal(shorter);
    assertThrows(CorruptFileException.class, () -> CellFile.parse(FILE, shorter), "a byte left over is damage too");
  }

  @Test
  void aTextLengthInsideTheProvenanceThatDoesNotFitIsDamageFoundByTheParse() {
    // The parse checks the provenance's layout, though it decodes the texts only when asked for them.
    for (int change : new int[] {+1, -1, +1000}) {
      byte[] file = written(KeyWriter.key(new Object[] {1}), WRITER);
      int host = indexOf(file, "host-a".getBytes(StandardCharsets.UTF_8));
      ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
      b.putShort(host - 2, (short) (b.getShort(host - 2) + change)); // the host's length
      reseal(file);
      CorruptFileException e = assertThrows(CorruptFileException.class, () -> CellFile.parse(FILE, file),
          "the host's length changed by " + change);
      assertTrue(e.getMessage().contains("provenance is not readable"), e.getMessage());
    }
  }

  @Test
  void aReaderOfFormatOneFindsTheLengthsAndChecksumRightAndTheFormatNewer() throws Exception {
    byte[] file = written(keyWithADependency(), WRITER);
    ByteBuffer t = trailer(file);
    // What memokit's format-1 reader checks, in its order, before it decodes anything.
    assertEquals(CellFile.MAGIC, t.getInt(CellFile.TRAILER - 8));
    assertEquals(file.length, t.getLong(0) + Math.max(t.getInt(8), 0) + t.getInt(12) + CellFile.TRAILER,
        "its lengths add up: the provenance is counted among the sections after the key");
    CRC32C crc = new CRC32C();
    crc.update(file, 0, file.length - 4);
    assertEquals((int) crc.getValue(), t.getInt(CellFile.TRAILER - 4), "its checksum matches");
    assertTrue((t.getShort(70) & 0xffff) > 1, "so it says: written by a newer memokit");

    t.putShort(70, (short) (CellFile.FORMAT + 1));
    reseal(file);
    NewerFormatException e = assertThrows(NewerFormatException.class, () -> CellFile.parse(FILE, file));
    assertTrue(e.getMessage().contains("newer memokit (format " + (CellFile.FORMAT + 1) + ")"), e.getMessage());
  }

  @Test
  void aListingReadsTheKeyAndProvenanceOfAFileWithoutItsValue(@TempDir Path dir) throws Exception {
    CellKey key = KeyWriter.key(new Object[] {"listed"});
    Path two = Files.write(dir.resolve("two.cell"), written(key, WRITER));
    CellFile.Listing listing = CellFile.readListing(two);
    assertNotNull(listing);
    assertArrayEquals(key.encoding(), listing.key());
    assertEquals(WRITER, listing.provenance());

    Path one = Files.write(dir.resolve("one.cell"), formatOne(key, "old"));
    assertEquals(Provenance.UNKNOWN, CellFile.readListing(one).provenance());
    assertArrayEquals(key.encoding(), CellFile.readListing(one).key());

    Path torn = Files.write(dir.resolve("torn.cell"), Arrays.copyOf(written(key, WRITER), 40));
    assertEquals(null, CellFile.readListing(torn), "a torn file lists nothing");
  }

  /**
   * A cell file as memokit wrote format 1 (before provenance): payload, key, dependencies (a count,
   * then name, version and arity each), and the 84-byte trailer.
   */
  private static byte[] formatOne(CellKey key, String value) {
    byte[] payload = value.getBytes(StandardCharsets.UTF_8);
    byte[] k = key.encoding();
    ByteBuffer deps = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
    deps.putShort((short) key.dependencies().size());
    for (FunctionId d : key.dependencies()) {
      for (String s : List.of(d.name(), d.version())) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        deps.putShort((short) u.length).put(u);
      }
      deps.put((byte) d.arity());
    }
    int depsLength = deps.position();
    ByteBuffer b = ByteBuffer.allocate(payload.length + k.length + depsLength + CellFile.TRAILER)
        .order(ByteOrder.LITTLE_ENDIAN);
    b.put(payload).put(k).put(deps.array(), 0, depsLength);
    b.putLong(payload.length).putInt(k.length).putInt(depsLength).putLong(key.hashHi()).putLong(key.hashLo())
        .putLong(42).putLong(1_600_000_000_000L).putLong(1).putLong(2).putInt(0).put(CellFile.VALUE).put((byte) 3)
        .putShort((short) 1).putInt(0).putInt(CellFile.MAGIC).putInt(0);
    byte[] file = b.array();
    reseal(file);
    return file;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
      return i;
    }
    throw new AssertionError("not found");
  }
}
