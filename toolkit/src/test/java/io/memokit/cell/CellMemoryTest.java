package io.memokit.cell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.memokit.codec.Codec;
import io.memokit.function.CellKey;
import io.memokit.function.KeyWriter;
import io.memokit.storage.BlockBackend;
import io.memokit.storage.Claim;
import io.memokit.storage.Payload;
import io.memokit.storage.Presence;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A remembered cell is its own key in memory: replacing and forgetting it go by identity. */
class CellMemoryTest {

  /** A cell's presence in the store, settable, that records the hits published to it. */
  static final class FakePresence implements Presence {
    final long id;
    volatile boolean stored = true;
    final List<Long> published = new ArrayList<>();

    FakePresence(long id) {
      this.id = id;
    }

    @Override
    public long cellId() {
      return id;
    }

    @Override
    public boolean stillStored() {
      return stored;
    }

    @Override
    public void publishHits(long n, long lastHitMillis) {
      published.add(n);
    }
  }

  private static CellMemory memory() {
    BlockBackend storage = (BlockBackend) Proxy.newProxyInstance(BlockBackend.class.getClassLoader(),
        new Class<?>[] {BlockBackend.class}, (proxy, method, args) -> switch (method.getName()) {
          case "maxsize" -> 100;
          case "flushHits" -> false;
          default -> null;
        });
    return new CellMemory(storage, Codec.shared(), () -> 1_000L, new HitPublisher());
  }

  private static Payload shareable() {
    return new Payload((byte) 0, new byte[8], 8, false, true);
  }

  @Test
  void aReplacedCellIsNeitherAnsweredNorAbleToForgetItsSuccessor() {
    CellMemory memory = memory();
    CellKey key = KeyWriter.key(new Object[] {1, "abc"});
    FakePresence first = new FakePresence(1);
    FakePresence second = new FakePresence(2);
    memory.remember(key, first, false, "one", shareable(), new Claim.Timing(0, 0, 0), false);
    CellMemory.Remembered old = lookUp(memory, 1, "abc");
    memory.remember(key, second, false, "two", shareable(), new Claim.Timing(0, 0, 0), false);
    CellMemory.Remembered now = lookUp(memory, 1, "abc");
    assertEquals(2, now.cellId(), "a lookup finds the cell remembered last");
    assertEquals("two", memory.hit(now));

    first.stored = false; // the replaced cell was removed from the store: a caller still holding it finds it gone...
    assertSame(CellMemory.MISSING, memory.hit(old));
    assertSame(now, memory.get(key), "...without forgetting the cell that replaced it, equal as a key");
    assertEquals("two", memory.hit(now));

    second.stored = false;
    assertSame(CellMemory.MISSING, memory.hit(now));
    assertNull(memory.get(key));
    assertEquals(List.of(2L), second.published, "its two hits were published as it was forgotten");
  }

  @Test
  void anEncodingKeptInTheArrayItWasReadIntoDecodesToItsOwnLengthOnly() throws Exception {
    CellMemory memory = memory();
    ArrayList<Integer> value = new ArrayList<>(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16));
    Codec.Encoded e = Codec.shared().encode(value);
    // As a store's read hands it: the encoding, then a few bytes of what follows it in the cell's record.
    byte[] read = Arrays.copyOf(Arrays.copyOf(e.buffer(), e.length()), e.length() + e.length() / 8);
    Arrays.fill(read, e.length(), read.length, (byte) 0x7f);
    CellKey key = KeyWriter.key(new Object[] {2, "abc"});
    memory.remember(key, new FakePresence(3), false, value, new Payload(e.codec(), read, e.length(), false, false),
        new Claim.Timing(0, 0, 0), true);
    CellMemory.Remembered m = lookUp(memory, 2, "abc");
    Object first = memory.hit(m);
    Object second = memory.hit(m);
    assertEquals(value, first);
    assertEquals(value, second);
    assertNotSame(first, second, "a value a caller could change is decoded afresh for each hit");
  }

  @Test
  void anEncodingOfAComputationIsCopiedAsItsArrayMayBeReused() throws Exception {
    CellMemory memory = memory();
    ArrayList<Integer> value = new ArrayList<>(List.of(1, 2, 3));
    Codec.Encoded e = Codec.shared().encode(value);
    byte[] buffer = Arrays.copyOf(e.buffer(), e.length());
    CellKey key = KeyWriter.key(new Object[] {4, "abc"});
    memory.remember(key, new FakePresence(5), false, value, new Payload(e.codec(), buffer, e.length(), false, false),
        new Claim.Timing(0, 0, 0), false);
    Arrays.fill(buffer, (byte) 0); // the encoder's buffer, reused for its next value
    assertEquals(value, memory.hit(lookUp(memory, 4, "abc")));
  }

  /** The remembered cell of {@code args}, looked up by a probe as a call looks it up. */
  private static CellMemory.Remembered lookUp(CellMemory memory, Object... args) {
    try (KeyWriter.Probe probe = KeyWriter.probe(args)) {
      return memory.get(probe);
    }
  }
}
